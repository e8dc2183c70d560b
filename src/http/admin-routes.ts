import type { FastifyInstance, FastifyReply } from 'fastify';
import { isOutcome, parseActions, parseInstant } from '../audit/query-input.js';
import { AUDIT_ACTIONS, type AuditQuery, type AuditStore } from '../audit/types.js';
import { createAuthThrottle } from './auth-throttle.js';
import { bearerChallenge, createTokenCheck } from './auth.js';

export interface AdminDeps {
  /** ADMIN_TOKEN; unset, no /admin route exists. */
  adminToken: string | undefined;
  audit: AuditStore;
  authFailureLimit: number;
}

export const ADMIN_AUDIT_PATH = '/admin/api/audit';
const DEFAULT_COUNT = 100;
const MAX_COUNT = 1000;
const PARAMS = ['user', 'group', 'action', 'outcome', 'since', 'until', 'before', 'after', 'count'] as const;
const CURSOR = /^\d{1,15}$/;

/** The query of `GET /admin/api/audit`, or the message naming the parameter that is wrong. */
export function parseAuditParams(raw: Record<string, unknown>): AuditQuery | { error: string } {
  const params: Partial<Record<(typeof PARAMS)[number], string>> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(PARAMS as readonly string[]).includes(key)) return { error: `unknown parameter ${key}; known: ${PARAMS.join(', ')}` };
    if (typeof value !== 'string') return { error: `${key} is given more than once` };
    params[key as (typeof PARAMS)[number]] = value;
  }
  const query: AuditQuery = { limit: DEFAULT_COUNT };
  if (params.user !== undefined) {
    if (params.user.trim() === '') return { error: 'user is empty' };
    query.user = params.user;
  }
  if (params.group !== undefined) {
    if (params.group.trim() === '') return { error: 'group is empty' };
    query.group = params.group;
  }
  if (params.action !== undefined) {
    const parsed = parseActions(params.action);
    if ('unknown' in parsed) return { error: `action ${parsed.unknown.join(', ')} is not one of ${AUDIT_ACTIONS.join(', ')}` };
    query.action = parsed.actions;
  }
  if (params.outcome !== undefined) {
    if (!isOutcome(params.outcome)) return { error: 'outcome must be success or failure' };
    query.outcome = params.outcome;
  }
  for (const key of ['since', 'until'] as const) {
    const value = params[key];
    if (value === undefined) continue;
    const instant = parseInstant(value);
    if (instant === undefined) return { error: `${key} must be an ISO-8601 date or date and time (2026-03-01, 2026-03-01T09:30:00Z)` };
    query[key] = instant;
  }
  for (const key of ['before', 'after'] as const) {
    const value = params[key];
    if (value === undefined) continue;
    if (!CURSOR.test(value)) return { error: `${key} must be an entry's seq (a non-negative integer)` };
    query[key] = Number(value);
  }
  if (params.count !== undefined) {
    const count = CURSOR.test(params.count) ? Number(params.count) : NaN;
    if (!(count >= 1 && count <= MAX_COUNT)) return { error: `count must be an integer from 1 to ${MAX_COUNT}` };
    query.limit = count;
  }
  return query;
}

const json = (reply: FastifyReply, status: number, body: unknown) =>
  reply.code(status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(body);

/**
 * The audit API, for whoever answers "what did the server do in Jamf, and for whom". Its own
 * token, compared in constant time: a SCIM token (which an IdP holds) reads no audit trail, and
 * this token writes nothing through /scim/v2. Failed attempts are throttled on their own, so
 * guessing here neither uses up nor is hidden by the IdP's budget.
 */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  if (deps.adminToken === undefined) return;
  const check = createTokenCheck([deps.adminToken]);
  const throttle = createAuthThrottle(deps.authFailureLimit);

  app.get(ADMIN_AUDIT_PATH, async (request, reply) => {
    const auth = check(request.headers.authorization);
    if (auth !== 'valid') {
      const wait = throttle.retryAfter(request.ip);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        return json(reply, 429, { error: 'too many failed authentication attempts from this address; retry later' });
      }
      const failures = throttle.fail(request.ip);
      request.log.warn({ ip: request.ip, endpoint: 'admin', credentials: auth, failures, limit: deps.authFailureLimit }, 'authentication failed');
      reply.header('www-authenticate', bearerChallenge(auth));
      return json(reply, 401, { error: 'missing or invalid admin token' });
    }
    const query = parseAuditParams((request.query ?? {}) as Record<string, unknown>);
    if ('error' in query) return json(reply, 400, { error: query.error });
    const page = deps.audit.query(query);
    return json(reply, 200, { total: page.total, entries: page.entries, next: page.next });
  });
}
