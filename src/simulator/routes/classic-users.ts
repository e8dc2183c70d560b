import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { classicXmlBody, idSegment, lastSegment } from '../classic-request.js';
import { requirePrivilege, type SimContext } from '../context.js';
import { conflict, SimError } from '../errors.js';
import { PRIVILEGES } from '../privileges.js';
import { jamfRoute } from '../route-meta.js';
import { blankUser, deleteUser, findUserByName, findUsersByEmail, insertUser } from '../store.js';
import type { SimUser } from '../types.js';
import { userJson, userXml } from '../user-record.js';
import { applyUserBody } from '../user-write.js';
import type { NamedRecords } from '../records.js';
import { sendClassic, sendIdEcho, toXml, wantsXml, XML_CONTENT_TYPE, XML_DECLARATION } from '../xml.js';
import { element } from '../xml-write.js';

const BASE = '/JSSResource/users';
const classic = jamfRoute({ api: 'classic' });
const userWrite = jamfRoute({ api: 'classic', write: 'user' });

/**
 * The Classic list is ordered by name, case-insensitively, like the sample in §2.4 ([U]). One
 * shared collator: `localeCompare` with options builds one per call (~0.7 s for 50,000 users).
 */
const collator = new Intl.Collator('en', { sensitivity: 'base' });
const byName = (a: SimUser, b: SimUser): number => collator.compare(a.name, b.name) || a.id - b.id;

/**
 * The list order, sorted again only when a user was stored, removed or renamed in place since:
 * the sort is most of a list's time (0.15 s at 50,000 users).
 */
function nameOrder(): (users: NamedRecords<SimUser>) => readonly SimUser[] {
  let cached: { users: NamedRecords<SimUser>; version: number; order: SimUser[]; names: string[] } | undefined;
  return (users) => {
    const last = cached;
    if (last?.users === users && last.version === users.version && last.order.every((u, i) => u.name === last.names[i])) {
      return last.order;
    }
    const order = [...users.values()].sort(byName);
    cached = { users, version: users.version, order, names: order.map((u) => u.name) };
    return order;
  };
}

export function classicUserRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { state } = ctx;
  const inNameOrder = nameOrder();

  const byId = (request: FastifyRequest): SimUser => {
    const id = idSegment(request);
    const user = id === undefined ? undefined : state.users.get(id);
    if (!user) throw new SimError(404);
    return user;
  };
  const byNameSegment = (request: FastifyRequest): SimUser => {
    const user = findUserByName(state, lastSegment(request));
    if (!user) throw new SimError(404);
    return user;
  };

  const sendUser = (request: FastifyRequest, reply: FastifyReply, user: SimUser) =>
    sendClassic(request, reply, 'user', () => userXml(state, user), () => userJson(state, user));

  app.get(BASE, classic, async (request, reply) => {
    requirePrivilege(ctx, request, PRIVILEGES.readUser);
    const users = inNameOrder(state.users);
    // JSON has no `size` key; XML does (§2.4).
    if (!wantsXml(request)) {
      return reply.type('application/json;charset=UTF-8').send(JSON.stringify({ users: users.map((u) => ({ id: u.id, name: u.name })) }));
    }
    // Written directly: one object per entry and the generic writer doubled the time of a 50,000-user list.
    let body = `${XML_DECLARATION}<users><size>${users.length}</size>`;
    for (const u of users) body += `<user><id>${u.id}</id>${element('name', u.name)}</user>`;
    return reply.type(XML_CONTENT_TYPE).send(`${body}</users>`);
  });

  for (const [segment, find] of [['id', byId], ['name', byNameSegment]] as const) {
    const url = `${BASE}/${segment}/:${segment}`;

    app.get(url, classic, async (request, reply) => {
      requirePrivilege(ctx, request, PRIVILEGES.readUser);
      return sendUser(request, reply, find(request));
    });

    // §2.1: the id in a create URL is a placeholder (0, -1, …) and ignored. Creating through a
    // name URL takes the name from the URL when the body has none ([U]).
    app.post(url, classic, async (request, reply) => {
      requirePrivilege(ctx, request, PRIVILEGES.createUser);
      const body = classicXmlBody(request, 'user');
      if (segment === 'name' && !body['name']) body['name'] = lastSegment(request);
      // A missing <name> is refused like a blank one: 409 `Error: Problem with user name` ([U]).
      if (!body['name']) throw conflict('Problem with user name');
      const draft = applyUserBody(state, blankUser(0, ''), body, ctx.knobs);
      const user = insertUser(state, (id) => ({ ...draft, id }));
      return sendIdEcho(reply, 201, 'user', user.id);
    });

    app.put(url, userWrite, async (request, reply) => {
      requirePrivilege(ctx, request, PRIVILEGES.updateUser);
      const current = ctx.writes.base(request, find(request));
      const updated = applyUserBody(state, current, classicXmlBody(request, 'user'), ctx.knobs);
      state.users.set(updated.id, updated);
      return sendIdEcho(reply, 201, 'user', updated.id);
    });

    app.delete(url, classic, async (request, reply) => {
      requirePrivilege(ctx, request, PRIVILEGES.deleteUser);
      const user = find(request);
      deleteUser(state, user.id);
      // [U] body: an id echo like the group DELETE response (§2.7, §4.6).
      return sendIdEcho(reply, 200, 'user', user.id);
    });
  }

  // Email lookups return a list of full records, case-insensitive; none → 404 (§2.8).
  app.get(`${BASE}/email/:email`, classic, async (request, reply) => {
    requirePrivilege(ctx, request, PRIVILEGES.readUser);
    const users = findUsersByEmail(state, lastSegment(request)).sort((a, b) => a.id - b.id);
    if (users.length === 0) throw new SimError(404);
    if (wantsXml(request)) {
      return reply.type(XML_CONTENT_TYPE).send(toXml('users', { size: users.length, user: users.map((u) => userXml(state, u)) }));
    }
    // The JSON of this route is malformed on real servers: the list becomes an array of one-key
    // objects (§2.4, XSOAR README). Reproduced so clients keep using XML here.
    const entries = [{ size: users.length }, ...users.map((u) => ({ user: userJson(state, u) }))];
    return reply.type('application/json;charset=UTF-8').send(JSON.stringify({ users: entries }));
  });

  // Jamf's swagger lists only GET for the email URL (§2.1); writes are refused ([U]: 405).
  app.route({
    method: ['POST', 'PUT', 'DELETE'],
    url: `${BASE}/email/:email`,
    ...classic,
    handler: async (_request, reply) => {
      reply.header('allow', 'GET');
      throw new SimError(405);
    },
  });
}
