import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GroupService } from '../provisioning/group-service.js';
import type { ScimObject } from '../provisioning/user-mapping.js';
import type { ResourceContext } from '../provisioning/user-view.js';
import type { UserService } from '../provisioning/user-service.js';
import {
  ScimError,
  applyPreparedUserPatch,
  attributeList,
  listResponse,
  parseGroupBody,
  parseListQuery,
  parseUserBody,
  project,
  reduceGroupPatch,
  resourceTypes,
  schemasList,
  serviceProviderConfig,
  validateUserPatch,
  type ResourceTypeName,
} from '../scim/index.js';
import type { JamfQueueStats } from '../metrics.js';
import type { AuthThrottlePort } from '../coord/types.js';
import type { AuthOutcome } from './jwt-auth.js';
import { registerAdmission } from './scim-admission.js';
import { sendScim } from './scim-reply.js';
import { registerBulkRoutes, type BulkSettings } from './bulk-routes.js';
import { groupListPage, userListPage } from './list-requests.js';
import { registerSearchRoutes } from './search-routes.js';
import { assertIfMatch, hasIfMatch, sentNotModified, versioned } from './conditional.js';

export interface ScimRouteDeps {
  users: UserService;
  groups: GroupService;
  maxPageSize: number;
  publicBaseUrl?: string;
  authFailureLimit: number;
  jamfQueue?: { stats(): JamfQueueStats; limit: number };
  /** POST /Bulk limits (RFC 7644 §3.7.4), advertised in ServiceProviderConfig. */
  bulk: BulkSettings;
  /** Static tokens plus accepted JWTs (src/http/jwt-auth.ts). */
  authenticate: (header: string | undefined) => AuthOutcome | Promise<AuthOutcome>;
  /** Shared with `POST /oauth/token`, so a wrong client secret counts as a failed authentication. */
  authThrottle?: AuthThrottlePort;
  /** The token endpoint's URL path, listed in ServiceProviderConfig when OAuth is on. */
  oauthTokenPath?: string;
}

type Query = Record<string, string | undefined>;
type IdParams = { id: string };

function queryOf(request: FastifyRequest): Query {
  return (request.query ?? {}) as Query;
}

/** Query parameter names are case-insensitive (RFC 7644 §3.4.2: clients send `excludedattributes`). */
function param(query: Query, name: string): string | undefined {
  const key = Object.keys(query).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : query[key];
}

/** `attributes`/`excludedAttributes` of a request (RFC 7644 §3.9). */
function projection(query: Query) {
  return {
    attributes: attributeList(param(query, 'attributes')),
    excludedAttributes: attributeList(param(query, 'excludedAttributes')),
  };
}

function wantsMembers(query: Query): boolean {
  const { attributes, excludedAttributes } = projection(query);
  if (attributes && !attributes.some((a) => /^members([.[]|$)/i.test(a) || /:members([.[]|$)/i.test(a))) return false;
  if (excludedAttributes?.some((a) => /^members$/i.test(a))) return false;
  return true;
}

export function registerScimRoutes(app: FastifyInstance, deps: ScimRouteDeps): void {
  registerAdmission(app, deps);

  const origin = (request: FastifyRequest) => deps.publicBaseUrl ?? `${request.protocol}://${request.host}`;
  const baseUrl = (request: FastifyRequest) => `${origin(request)}/scim/v2`;
  const ctx = (request: FastifyRequest): ResourceContext => ({ baseUrl: baseUrl(request) });
  registerBulkRoutes(app, { settings: deps.bulk, baseUrl });
  registerSearchRoutes(app, { users: deps.users, groups: deps.groups, maxPageSize: deps.maxPageSize, ctx, wantsMembers });

  // The version is taken before projection, so `attributes=` never changes it (RFC 7644 §3.14).
  const sendVersioned = (reply: FastifyReply, request: FastifyRequest, shown: ReturnType<typeof versioned>, type: ResourceTypeName, status: number) => {
    if (shown.version !== undefined) reply.header('etag', shown.version);
    return sendScim(reply, status, project(shown.resource, projection(queryOf(request)), type));
  };
  const reply200 = (reply: FastifyReply, request: FastifyRequest, resource: ScimObject, type: ResourceTypeName, status = 200) =>
    sendVersioned(reply, request, versioned(resource, type), type, status);
  /** A GET of one resource: 304 when If-None-Match names its version (RFC 7232 §3.2). Hashed once. */
  const replyRead = (reply: FastifyReply, request: FastifyRequest, resource: ScimObject, type: ResourceTypeName) => {
    const shown = versioned(resource, type);
    return sentNotModified(request, reply, shown.version) ? reply : sendVersioned(reply, request, shown, type, 200);
  };
  /**
   * If-Match on a write the services do not hand a `current` to (DELETE, group PUT/PATCH): one
   * extra Jamf read, only when the header is sent. It is compared outside the resource's lock,
   * so a change landing between that read and the write is not caught.
   */
  const checkIfMatch = async (request: FastifyRequest, read: () => Promise<ScimObject>) => {
    if (hasIfMatch(request)) assertIfMatch(request, await read());
  };

  // ---- discovery (RFC 7644 §4) ----
  app.get('/ServiceProviderConfig', async (request, reply) =>
    sendScim(
      reply,
      200,
      serviceProviderConfig(baseUrl(request), {
        maxResults: deps.maxPageSize,
        bulk: deps.bulk,
        oauthTokenUrl: deps.oauthTokenPath === undefined ? undefined : `${origin(request)}${deps.oauthTokenPath}`,
      }),
    ),
  );
  app.get('/ResourceTypes', async (request, reply) => {
    const all = resourceTypes(baseUrl(request));
    return sendScim(reply, 200, listResponse(all, { totalResults: all.length, startIndex: 1 }));
  });
  app.get<{ Params: IdParams }>('/ResourceTypes/:id', async (request, reply) => {
    const found = resourceTypes(baseUrl(request)).find((r) => String(r.id).toLowerCase() === request.params.id.toLowerCase());
    if (!found) throw new ScimError(404, `Resource type ${request.params.id} not found`);
    return sendScim(reply, 200, found);
  });
  app.get('/Schemas', async (request, reply) => {
    const all = schemasList(baseUrl(request));
    return sendScim(reply, 200, listResponse(all, { totalResults: all.length, startIndex: 1 }));
  });
  app.get<{ Params: IdParams }>('/Schemas/:id', async (request, reply) => {
    const found = schemasList(baseUrl(request)).find((s) => String(s.id).toLowerCase() === request.params.id.toLowerCase());
    if (!found) throw new ScimError(404, `Schema ${request.params.id} not found`);
    return sendScim(reply, 200, found);
  });

  // ---- Users ----
  app.get('/Users', async (request, reply) => {
    const query = queryOf(request);
    const list = parseListQuery(query, { maxCount: deps.maxPageSize, defaultCount: 100 });
    return sendScim(reply, 200, await userListPage(deps.users, list, ctx(request)));
  });

  app.post('/Users', async (request, reply) => {
    const user = parseUserBody(request.body);
    const created = await deps.users.create(user, ctx(request));
    reply.header('location', (created.meta as { location: string }).location);
    return reply200(reply, request, created, 'User', 201);
  });

  app.get<{ Params: IdParams }>('/Users/:id', async (request, reply) =>
    replyRead(reply, request, await deps.users.get(request.params.id, ctx(request)), 'User'),
  );

  app.put<{ Params: IdParams }>('/Users/:id', async (request, reply) => {
    const body = parseUserBody(request.body);
    const updated = await deps.users.update(
      request.params.id,
      // PUT replaces (RFC 7644 §3.5.1); an omitted `active` leaves the user as it is. If-Match
      // is checked here, under the user's lock, against the state the write is based on.
      (current) => {
        assertIfMatch(request, current);
        return { ...body, active: body.active ?? current.active };
      },
      ctx(request),
    );
    return reply200(reply, request, updated, 'User');
  });

  app.patch<{ Params: IdParams }>('/Users/:id', async (request, reply) => {
    const id = request.params.id;
    // Validate the whole PATCH before any Jamf call: a bad op changes nothing.
    const prepared = validateUserPatch(request.body, { resourceId: id });
    const updated = await deps.users.update(
      id,
      (current) => {
        assertIfMatch(request, current);
        return applyPreparedUserPatch(current, prepared);
      },
      ctx(request),
    );
    return reply200(reply, request, updated, 'User');
  });

  app.delete<{ Params: IdParams }>('/Users/:id', async (request, reply) => {
    await checkIfMatch(request, () => deps.users.get(request.params.id, ctx(request)));
    await deps.users.remove(request.params.id);
    return reply.code(204).send();
  });

  // ---- Groups ----
  app.get('/Groups', async (request, reply) => {
    const query = queryOf(request);
    const list = parseListQuery(query, { maxCount: deps.maxPageSize, defaultCount: 100 });
    return sendScim(reply, 200, await groupListPage(deps.groups, list, ctx(request), wantsMembers(query)));
  });

  app.post('/Groups', async (request, reply) => {
    const group = parseGroupBody(request.body);
    const created = await deps.groups.create(group, ctx(request));
    reply.header('location', (created.meta as { location: string }).location);
    return reply200(reply, request, created, 'Group', 201);
  });

  app.get<{ Params: IdParams }>('/Groups/:id', async (request, reply) =>
    replyRead(reply, request, await deps.groups.get(request.params.id, ctx(request)), 'Group'),
  );

  app.put<{ Params: IdParams }>('/Groups/:id', async (request, reply) => {
    const group = parseGroupBody(request.body);
    const members = Array.isArray(group.members) ? (group.members as Array<{ value: string }>).map((m) => m.value) : [];
    await checkIfMatch(request, () => deps.groups.get(request.params.id, ctx(request)));
    await deps.groups.change(request.params.id, {
      displayName: group.displayName as string,
      externalId: typeof group.externalId === 'string' ? group.externalId : null,
      replace: members,
    });
    return reply200(reply, request, await deps.groups.get(request.params.id, ctx(request)), 'Group');
  });

  app.patch<{ Params: IdParams }>('/Groups/:id', async (request, reply) => {
    const id = request.params.id;
    const delta = reduceGroupPatch(request.body, { resourceId: id });
    // After a replace (or remove-all) the delta's `replace` is the complete membership.
    const membership =
      delta.replace !== undefined ? { replace: delta.replace } : { add: [...delta.add], remove: [...delta.remove] };
    await checkIfMatch(request, () => deps.groups.get(id, ctx(request)));
    await deps.groups.change(id, { displayName: delta.displayName, externalId: delta.externalId, ...membership });
    // Entra recommends 204 for group PATCH (idp-behaviour.md A2.1); a resource only when asked for.
    if (param(queryOf(request), 'attributes') === undefined) return reply.code(204).send();
    return reply200(reply, request, await deps.groups.get(id, ctx(request)), 'Group');
  });

  app.delete<{ Params: IdParams }>('/Groups/:id', async (request, reply) => {
    await checkIfMatch(request, () => deps.groups.get(request.params.id, ctx(request)));
    await deps.groups.remove(request.params.id);
    return reply.code(204).send();
  });
}
