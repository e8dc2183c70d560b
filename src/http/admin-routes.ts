import type { AuthThrottlePort } from '../coord/types.js';
import type { FastifyInstance } from 'fastify';
import { createAdminAuth } from '../admin/admin-auth.js';
import { loadConsoleAssets, registerConsolePages } from '../admin/assets.js';
import { registerConsoleRoutes } from '../admin/console-routes.js';
import { sendJson } from '../admin/reply.js';
import type { ConsoleDeps } from '../admin/types.js';
import { isOutcome, parseActions, parseInstant } from '../audit/query-input.js';
import { AUDIT_ACTIONS, type AuditQuery, type AuditStore } from '../audit/types.js';

export interface AdminDeps {
  /** ADMIN_TOKEN; unset, no /admin route exists. */
  adminToken: string | undefined;
  audit: AuditStore;
  authFailureLimit: number;
  /** The console's data routes (src/admin/); without them the page, sign-in and the audit API remain. */
  console?: Omit<ConsoleDeps, 'audit'>;
  /** The console's files; default: src/admin/static next to the module, and the vendor files. */
  assets?: ReturnType<typeof loadConsoleAssets>;
  now?: () => number;
  /** Failed admin sign-ins, shared by replicas; default: this process's own. */
  throttle?: AuthThrottlePort;
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

/**
 * The admin API and console, for whoever answers "what did the server do in Jamf, and for whom".
 * Its own token, compared in constant time: a SCIM token (which an IdP holds) reads no audit
 * trail, and this token writes nothing through /scim/v2. Each route takes that token as Bearer or
 * the console's session cookie (src/admin/admin-auth.ts). Failed attempts are throttled on their
 * own, so guessing here neither uses up nor is hidden by the IdP's budget.
 */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  if (deps.adminToken === undefined) return;
  const auth = createAdminAuth({ adminToken: deps.adminToken, authFailureLimit: deps.authFailureLimit, now: deps.now, throttle: deps.throttle });
  auth.registerSessionRoutes(app);

  app.get(ADMIN_AUDIT_PATH, { onRequest: auth.guard }, async (request, reply) => {
    const query = parseAuditParams((request.query ?? {}) as Record<string, unknown>);
    if ('error' in query) return sendJson(reply, 400, { error: query.error });
    const page = await deps.audit.query(query);
    return sendJson(reply, 200, { total: page.total, entries: page.entries, next: page.next });
  });

  if (deps.console !== undefined) registerConsoleRoutes(app, { ...deps.console, audit: deps.audit }, auth.guard);
  registerConsolePages(app, deps.assets ?? loadConsoleAssets());
}
