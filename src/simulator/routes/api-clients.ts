/**
 * API roles and API clients through the Jamf Pro API, as a setup tool uses them (`npm run setup`).
 * Paths, bodies, status codes and privileges follow the served Jamf Pro API schema (11.32.0,
 * `/v1/api-role-privileges`, `/v1/api-roles`, `/v1/api-integrations`); [U] marks answers it leaves open.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  API_CLIENTS_MIN_VERSION,
  API_ROLE_PRIVILEGES,
  findIntegrationByName,
  findRoleByName,
  newClientId,
  newClientSecret,
  type SimApiIntegration,
  type SimApiRole,
} from '../api-access.js';
import { requirePrivilege, type SimContext } from '../context.js';
import { SimError } from '../errors.js';
import { jamfRoute } from '../route-meta.js';
import { parseRsql, RsqlError } from '../rsql.js';
import { parseBody } from './admin.js';

const route = jamfRoute({ api: 'pro', minVersion: API_CLIENTS_MIN_VERSION });

const roleBody = z.object({ displayName: z.string().trim().min(1), privileges: z.array(z.string()) });
const integrationBody = z.object({
  displayName: z.string().trim().min(1),
  authorizationScopes: z.array(z.string()).min(1),
  // Jamf's UI creates clients disabled until "Enable API client" is set; the API's default is [U].
  enabled: z.boolean().default(false),
  // [U] default: the API reference's example shows 300.
  accessTokenLifetimeSeconds: z.number().int().positive().default(300),
});

/**
 * Jamf answers a duplicate role name with 400 and an entry without a code (Patcher issue #29,
 * `{'code': None, 'description': 'role display name must be unique', 'id': '0', 'field': None}`).
 * The wording for a duplicate client name is not public [U]: the same shape is assumed.
 */
const notUnique = (what: string): SimError =>
  new SimError(400, `${what} display name must be unique`, {
    json: { httpStatus: 400, errors: [{ code: null, description: `${what} display name must be unique`, id: '0', field: null }] },
  });

/** [U]: no public capture of Jamf's answer to an unknown privilege or role name; a 400 naming the field. */
const invalid = (field: string, description: string): SimError => new SimError(400, description, { code: 'INVALID_FIELD', field });

const notFound = (what: string): SimError => new SimError(404, `${what} not found`, { code: 'NOT_FOUND', field: 'id' });

const roleJson = (r: SimApiRole) => ({ id: String(r.id), displayName: r.displayName, privileges: [...r.privileges] });

const integrationJson = (i: SimApiIntegration) => ({
  id: i.id,
  authorizationScopes: [...i.authorizationScopes],
  displayName: i.displayName,
  enabled: i.enabled,
  accessTokenLifetimeSeconds: i.accessTokenLifetimeSeconds,
  appType: 'CLIENT_CREDENTIALS',
  clientId: i.clientId,
});

const param = (v: unknown): string | undefined => (Array.isArray(v) ? v.join(',') : (v as string | undefined));

function intParam(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw invalid(name, `${name} must be an integer between ${min} and ${max}`);
  return n;
}

/** Paged `{ totalCount, results }` with `page`, `page-size`, `sort` (id, displayName) and RSQL `filter` on id, displayName. */
function page<T extends { id: number; displayName: string }, J>(request: FastifyRequest, records: Iterable<T>, render: (r: T) => J) {
  const query = request.query as Record<string, unknown>;
  const pageNo = intParam(param(query['page']), 'page', 0, 0, Number.MAX_SAFE_INTEGER);
  const size = intParam(param(query['page-size']), 'page-size', 100, 1, 2000);
  let list = [...records];
  const filter = param(query['filter']);
  if (filter) {
    try {
      const predicate = parseRsql(filter, ['id', 'displayName']);
      list = list.filter((r) => predicate({ id: String(r.id), displayName: r.displayName }));
    } catch (err) {
      if (err instanceof RsqlError) throw new SimError(400, err.message, { code: 'INVALID_RSQL_FILTER', field: 'filter' });
      throw err;
    }
  }
  const [field = 'id', dir = 'asc'] = (param(query['sort']) ?? 'id:asc').split(':');
  if (!['id', 'displayName'].includes(field) || !['asc', 'desc'].includes(dir)) throw invalid('sort', 'Invalid sort criteria');
  const sign = dir === 'desc' ? -1 : 1;
  list.sort((a, b) => sign * (field === 'id' ? a.id - b.id : a.displayName.localeCompare(b.displayName, 'en') || a.id - b.id));
  return { totalCount: list.length, results: list.slice(pageNo * size, (pageNo + 1) * size).map(render) };
}

const idOf = (request: FastifyRequest): number | undefined => {
  const { id } = request.params as { id: string };
  return /^\d+$/.test(id) ? Number(id) : undefined;
};

export function apiClientRoutes(app: FastifyInstance, ctx: SimContext): void {
  const access = ctx.state.apiAccess;
  const need = (request: FastifyRequest, privilege: string) => requirePrivilege(ctx, request, privilege);

  const role = (request: FastifyRequest): SimApiRole => {
    const found = access.roles.get(idOf(request) ?? -1);
    if (!found) throw notFound('Role');
    return found;
  };
  const integration = (request: FastifyRequest): SimApiIntegration => {
    const found = access.integrations.get(idOf(request) ?? -1);
    if (!found) throw notFound('Api Integration');
    return found;
  };

  const checkRole = (body: z.infer<typeof roleBody>, self?: SimApiRole) => {
    const unknown = body.privileges.filter((p) => !API_ROLE_PRIVILEGES.includes(p));
    if (unknown.length > 0) throw invalid('privileges', `Unknown privilege: ${unknown.join(', ')}`);
    const other = findRoleByName(access, body.displayName);
    if (other && other !== self) throw notUnique('role');
  };
  const checkIntegration = (body: z.infer<typeof integrationBody>, self?: SimApiIntegration) => {
    const unknown = body.authorizationScopes.filter((name) => !findRoleByName(access, name));
    if (unknown.length > 0) throw invalid('authorizationScopes', `Unknown API role: ${unknown.join(', ')}`);
    const other = findIntegrationByName(access, body.displayName);
    if (other && other !== self) throw notUnique('integration');
  };

  // The schema calls the list "sorted".
  app.get('/api/v1/api-role-privileges', route, async (request) => {
    need(request, 'Read API Roles');
    return { privileges: [...API_ROLE_PRIVILEGES] };
  });

  app.get('/api/v1/api-roles', route, async (request) => {
    need(request, 'Read API Roles');
    return page(request, access.roles.values(), roleJson);
  });

  // The schema documents 200 "The created Role" for this POST (integrations answer 201).
  app.post('/api/v1/api-roles', route, async (request) => {
    need(request, 'Create API Roles');
    const body = parseBody(request, roleBody);
    checkRole(body);
    const created: SimApiRole = { id: access.nextRoleId++, displayName: body.displayName, privileges: [...new Set(body.privileges)] };
    access.roles.set(created.id, created);
    return roleJson(created);
  });

  app.get('/api/v1/api-roles/:id', route, async (request) => {
    need(request, 'Read API Roles');
    return roleJson(role(request));
  });

  app.put('/api/v1/api-roles/:id', route, async (request) => {
    need(request, 'Update API Roles');
    const found = role(request);
    const body = parseBody(request, roleBody);
    checkRole(body, found);
    // A client names its roles by display name: a rename follows into them.
    for (const i of access.integrations.values()) {
      i.authorizationScopes = i.authorizationScopes.map((n) => (n.toLowerCase() === found.displayName.toLowerCase() ? body.displayName : n));
    }
    found.displayName = body.displayName;
    found.privileges = [...new Set(body.privileges)];
    return roleJson(found);
  });

  // 409 "Role in use by an Integration/Client" (schema).
  app.delete('/api/v1/api-roles/:id', route, async (request, reply) => {
    need(request, 'Delete API Roles');
    const found = role(request);
    const inUse = [...access.integrations.values()].some((i) => i.authorizationScopes.some((n) => n.toLowerCase() === found.displayName.toLowerCase()));
    if (inUse) throw new SimError(409, 'Role in use by an Integration/Client', { code: 'CONFLICT' });
    access.roles.delete(found.id);
    return reply.code(204).send();
  });

  app.get('/api/v1/api-integrations', route, async (request) => {
    need(request, 'Read API Integrations');
    return page(request, access.integrations.values(), integrationJson);
  });

  app.post('/api/v1/api-integrations', route, async (request, reply) => {
    need(request, 'Create API Integrations');
    const body = parseBody(request, integrationBody);
    checkIntegration(body);
    const created: SimApiIntegration = { id: access.nextIntegrationId++, ...body, clientId: newClientId(), clientSecret: undefined };
    access.integrations.set(created.id, created);
    return reply.code(201).send(integrationJson(created));
  });

  app.get('/api/v1/api-integrations/:id', route, async (request) => {
    need(request, 'Read API Integrations');
    return integrationJson(integration(request));
  });

  app.put('/api/v1/api-integrations/:id', route, async (request) => {
    need(request, 'Update API Integrations');
    const found = integration(request);
    const body = parseBody(request, integrationBody);
    checkIntegration(body, found);
    Object.assign(found, body);
    return integrationJson(found);
  });

  app.delete('/api/v1/api-integrations/:id', route, async (request, reply) => {
    need(request, 'Delete API Integrations');
    access.integrations.delete(integration(request).id);
    return reply.code(204).send();
  });

  // A new secret each call; the previous one stops working. Tokens already issued live on until
  // they expire (§1.1, [U]). The schema asks "Create API Integrations" for this action.
  app.post('/api/v1/api-integrations/:id/client-credentials', route, async (request) => {
    need(request, 'Create API Integrations');
    const found = integration(request);
    found.clientSecret = newClientSecret();
    return { clientId: found.clientId, clientSecret: found.clientSecret };
  });
}
