/**
 * The console's data under /admin/api: status, the connection check, user and group search and detail,
 * deactivated users and their purge, traffic per minute. Every route takes the admin guard
 * (admin-auth.ts); the shapes are the console contract's.
 */
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { versioned } from '../http/conditional.js';
import type { JamfUser } from '../jamf/types.js';
import { project } from '../scim/index.js';
import { createGroupSearch } from './group-search.js';
import { ConsoleError, consoleRoute, sendJson } from './reply.js';
import { createConsoleStatus } from './status.js';
import { createTombstones } from './tombstones.js';
import type { ConsoleDeps } from './types.js';
import { createUserSearch } from './user-search.js';

const SEARCH_COUNT = { default: 25, max: 100 };
const DEACTIVATED_COUNT = { default: 50, max: 500 };
const DETAIL_AUDIT = 50;

type Query = Record<string, unknown>;

/** A positive integer parameter within bounds; `fallback` when absent. */
function intParam(query: Query, name: string, fallback: number, max: number): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max)) throw new ConsoleError(400, `${name} must be an integer from 1 to ${max}`);
  return value;
}

/** `q` (required; `what` says what it matches) and `count` of a search. */
function searchParams(request: FastifyRequest, what: string): { q: string; count: number } {
  const query = (request.query ?? {}) as Query;
  const q = typeof query.q === 'string' ? query.q.trim() : '';
  if (q === '') throw new ConsoleError(400, `q is required: ${what}`);
  return { q, count: intParam(query, 'count', SEARCH_COUNT.default, SEARCH_COUNT.max) };
}

/** The fields of a Jamf record the console shows (never extension attributes or sites). */
function jamfView(user: JamfUser) {
  return {
    id: user.id,
    name: user.name,
    fullName: user.fullName,
    email: user.email,
    phoneNumber: user.phoneNumber,
    position: user.position,
    groups: user.groups.map((g) => ({ id: g.id, name: g.name })),
  };
}

export function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleDeps, guard: onRequestHookHandler): void {
  const status = createConsoleStatus(deps);
  const search = createUserSearch({ jamf: deps.jamf, store: deps.store, now: deps.now });
  const groupSearch = createGroupSearch({ jamf: deps.jamf, store: deps.store, now: deps.now });
  const tombstones = createTombstones(deps);
  const scimBase = (request: FastifyRequest) => `${deps.publicBaseUrl ?? `${request.protocol}://${request.host}`}/scim/v2`;
  const options = { onRequest: guard };

  app.get('/admin/api/status', options, consoleRoute(async (_request, reply) => sendJson(reply, 200, await status.status())));

  app.post('/admin/api/check', options, consoleRoute(async (_request, reply) => sendJson(reply, 200, await status.runCheck())));

  app.get(
    '/admin/api/users',
    options,
    consoleRoute(async (request, reply) => {
      const { q, count } = searchParams(request, 'part of a userName, displayName or externalId');
      return sendJson(reply, 200, await search.search(q, count));
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/admin/api/users/:id',
    options,
    consoleRoute(async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const id = request.params.id;
      // The same read GET /scim/v2/Users/<id> makes (unknown ids are its 404), which also hands
      // over the Jamf record it read: no second Jamf call for the record shown beside it.
      let jamf: ReturnType<typeof jamfView> | null = null;
      const read = await deps.users.get(id, { baseUrl: scimBase(request) }, (jamfUser) => {
        jamf = jamfView(jamfUser);
      });
      // meta.version and the never-returned attributes dropped, as the SCIM route answers it.
      const scim = project(versioned(read, 'User').resource, {}, 'User');
      const audit = (await deps.audit.query({ user: id, limit: DETAIL_AUDIT })).entries;
      return sendJson(reply, 200, { scim, jamf, audit });
    }),
  );

  app.get(
    '/admin/api/groups',
    options,
    consoleRoute(async (request, reply) => {
      const { q, count } = searchParams(request, 'part of a displayName or externalId');
      return sendJson(reply, 200, await groupSearch.search(q, count));
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/admin/api/groups/:id',
    options,
    consoleRoute(async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const id = request.params.id;
      // The same read GET /scim/v2/Groups/<id> makes: unknown ids and smart groups are its 404.
      const read = await deps.groups.get(id, { baseUrl: scimBase(request) });
      const scim = project(versioned(read, 'Group').resource, {}, 'Group');
      const audit = (await deps.audit.query({ group: id, limit: DETAIL_AUDIT })).entries;
      return sendJson(reply, 200, { scim, audit });
    }),
  );

  app.get(
    '/admin/api/deactivated',
    options,
    consoleRoute(async (request, reply) => {
      const query = (request.query ?? {}) as Query;
      const startIndex = intParam(query, 'startIndex', 1, Number.MAX_SAFE_INTEGER);
      const count = intParam(query, 'count', DEACTIVATED_COUNT.default, DEACTIVATED_COUNT.max);
      return sendJson(reply, 200, await tombstones.list(startIndex, count));
    }),
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/api/deactivated/:id',
    options,
    consoleRoute(async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      await tombstones.purge(request.params.id, request.id);
      request.log.info({ scimId: request.params.id }, 'tombstone purged');
      return reply.code(204).header('cache-control', 'no-store').send();
    }),
  );

  app.get('/admin/api/history', options, consoleRoute(async (_request, reply) => sendJson(reply, 200, { minutes: deps.history.minutes() })));
}
