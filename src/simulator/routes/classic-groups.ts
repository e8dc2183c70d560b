import type { FastifyInstance, FastifyRequest } from 'fastify';
import { classicXmlBody, idSegment, lastSegment } from '../classic-request.js';
import { requirePrivilege, type SimContext } from '../context.js';
import { conflict, SimError } from '../errors.js';
import { groupJson, groupSummary, groupXml } from '../group-record.js';
import { applyGroupBody } from '../group-write.js';
import { groupPrivilege } from '../privileges.js';
import { jamfRoute } from '../route-meta.js';
import { blankGroup, findGroupByName, insertGroup } from '../store.js';
import type { SimGroup } from '../types.js';
import { sendClassic, sendIdEcho, text, toXml, wantsXml, XML_CONTENT_TYPE } from '../xml.js';
import { parseBool } from '../xml-values.js';

const BASE = '/JSSResource/usergroups';
const classic = jamfRoute({ api: 'classic' });
const groupWrite = jamfRoute({ api: 'classic', write: 'group' });

/** §4.6: POST/DELETE echo a root named for the group's type; PUT echoes `<user_group>` ([U]). */
const echoRoot = (g: SimGroup): string => (g.is_smart ? 'smart_user_group' : 'static_user_group');

export function classicGroupRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { state } = ctx;

  const byId = (request: FastifyRequest): SimGroup | undefined => {
    const id = idSegment(request);
    return id === undefined ? undefined : state.groups.get(id);
  };
  const byName = (request: FastifyRequest): SimGroup | undefined => findGroupByName(state, lastSegment(request));

  /** The privilege follows the group's type; an unknown group is checked as static, then 404. */
  const find = (request: FastifyRequest, lookup: typeof byId, action: 'Read' | 'Update' | 'Delete'): SimGroup => {
    const group = lookup(request);
    requirePrivilege(ctx, request, groupPrivilege(action, group?.is_smart ?? false));
    if (!group) throw new SimError(404);
    return group;
  };

  app.get(BASE, classic, async (request, reply) => {
    requirePrivilege(ctx, request, groupPrivilege('Read', false), groupPrivilege('Read', true));
    const groups = [...state.groups.values()].sort((a, b) => a.id - b.id).map(groupSummary);
    if (!wantsXml(request)) return reply.type('application/json;charset=UTF-8').send(JSON.stringify({ user_groups: groups }));
    return reply
      .type(XML_CONTENT_TYPE)
      .send(toXml('user_groups', { size: groups.length, ...(groups.length ? { user_group: groups } : {}) }));
  });

  // §4.3: the id in the create URL is a placeholder and ignored.
  app.post(`${BASE}/id/:id`, classic, async (request, reply) => {
    const body = classicXmlBody(request, 'user_group');
    // `is_smart` is required by the spec (§4.2); a missing one is read as false (lenient).
    const isSmart = parseBool(text(body, 'is_smart')) ?? false;
    requirePrivilege(ctx, request, groupPrivilege('Create', isSmart));
    if (!text(body, 'name')) throw conflict('Problem with name');
    const draft = applyGroupBody(state, blankGroup(0, '', isSmart), body, ctx.knobs);
    const group = insertGroup(state, (id) => ({ ...draft, id }));
    return sendIdEcho(reply, 201, echoRoot(group), group.id);
  });

  for (const [segment, lookup] of [['id', byId], ['name', byName]] as const) {
    const url = `${BASE}/${segment}/:${segment}`;

    app.get(url, classic, async (request, reply) => {
      const group = find(request, lookup, 'Read');
      return sendClassic(request, reply, 'user_group', () => groupXml(state, group), () => groupJson(state, group));
    });

    app.put(url, groupWrite, async (request, reply) => {
      const group = ctx.writes.base(request, find(request, lookup, 'Update'));
      const updated = applyGroupBody(state, group, classicXmlBody(request, 'user_group'), ctx.knobs);
      state.groups.set(updated.id, updated);
      return sendIdEcho(reply, 201, 'user_group', updated.id);
    });

    app.delete(url, classic, async (request, reply) => {
      const group = find(request, lookup, 'Delete');
      state.groups.delete(group.id);
      return sendIdEcho(reply, 200, echoRoot(group), group.id);
    });
  }
}
