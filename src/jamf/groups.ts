/** Static user groups through the Classic API (jamf-pro-api.md §4); the Jamf Pro API cannot write them (§3.2). */
import { JamfError } from './errors.js';
import { assertJamfId, asRecord, isJamfId, jsonBool, jsonInt, jsonString, parseJsonBody, type JamfContext } from './context.js';
import { createOnce } from './create-once.js';
import { deleteById } from './delete-by-id.js';
import { errorFromResponse } from './html-error.js';
import { sameName } from '../scim/name-fold.js';
import { groupKey, userKey } from './node-affinity.js';
import type { JamfCreateOptions, JamfGroup, JamfGroupCreate, JamfGroupSummary, JamfGroupUpdate } from './types.js';
import { fillRoute } from './url.js';
import { buildXml, listOf, parseXml, readEchoId, rootElement, text, toInt, type XmlObject } from './xml-codec.js';

const GROUPS = '/JSSResource/usergroups';
const GROUP_BY_ID = '/JSSResource/usergroups/id/:id';
const GROUP_CREATE = '/JSSResource/usergroups/id/0';

function uniqueIds(ids: readonly number[]): number[] {
  return [...new Set(ids)];
}

function userList(ids: readonly number[]): XmlObject | string {
  // `<users></users>` for none: the replace form with an empty list clears the group (§4.4).
  return ids.length === 0 ? '' : { user: ids.map((id) => ({ id })) };
}

export async function listGroups(ctx: JamfContext): Promise<JamfGroupSummary[]> {
  const res = await ctx.call({ method: 'GET', route: GROUPS, path: GROUPS, accept: 'application/json', timeoutMs: ctx.listTimeoutMs });
  const groups = asRecord(parseJsonBody(res.body, `GET ${GROUPS}`))['user_groups'];
  if (!Array.isArray(groups)) return [];
  return groups.flatMap((entry) => {
    const g = asRecord(entry);
    const id = jsonInt(g['id']);
    return id === undefined ? [] : [{ id, name: jsonString(g['name']), isSmart: jsonBool(g['is_smart']) }];
  });
}

export async function getGroup(ctx: JamfContext, id: number): Promise<JamfGroup | null> {
  if (!isJamfId(id)) return null;
  const route = `GET ${GROUP_BY_ID}`;
  const res = await ctx.call({
    method: 'GET',
    route: GROUP_BY_ID,
    path: fillRoute(GROUP_BY_ID, { id }),
    accept: 'application/xml',
    allow: [404],
    affinity: [groupKey(id)],
  });
  if (res.status === 404) return null;
  // The root may be user_group, static_user_group or smart_user_group (§4.6).
  const root = rootElement(parseXml(res.body));
  const groupId = root === undefined ? undefined : toInt(root['id']);
  if (root === undefined || groupId === undefined) throw new JamfError('server', 'Jamf Pro returned a group record without an id', undefined, route);
  return {
    id: groupId,
    name: text(root['name']),
    isSmart: text(root['is_smart']).toLowerCase() === 'true',
    members: listOf(root['users'], 'user').flatMap((u) => {
      const memberId = toInt(u['id']);
      return memberId === undefined ? [] : [{ id: memberId, username: text(u['username']) }];
    }),
  };
}

async function findStaticGroupId(ctx: JamfContext, name: string): Promise<number | undefined> {
  // The list, not `/usergroups/name/{name}`: group names may hold `/` (§7.2), and it is one call.
  return (await listGroups(ctx)).find((g) => !g.isSmart && sameName(g.name, name))?.id;
}

export async function createGroup(ctx: JamfContext, group: JamfGroupCreate, options: JamfCreateOptions = {}): Promise<number> {
  if (group.name.trim() === '') throw new JamfError('bad_request', 'a Jamf group needs a name', undefined, `POST ${GROUP_CREATE}`);
  // §4.3: request bodies always use the `user_group` root; site -1 = no site.
  const body = buildXml('user_group', {
    name: group.name,
    is_smart: 'false',
    site: { id: -1 },
    users: userList(uniqueIds(group.memberIds)),
  });
  return createOnce(ctx, {
    route: `POST ${GROUP_CREATE}`,
    post: async () => {
      const res = await ctx.call({
        method: 'POST',
        route: GROUP_CREATE,
        path: GROUP_CREATE,
        accept: 'application/xml',
        body,
        contentType: 'application/xml',
        // Members created moments ago exist only on the node that created them yet.
        affinity: group.memberIds.map(userKey),
      });
      const id = readEchoId(res.body);
      if (id !== undefined && id > 0) {
        ctx.pin(groupKey(id), res);
        return id;
      }
      const found = await findStaticGroupId(ctx, group.name);
      if (found === undefined) throw new JamfError('server', 'Jamf Pro answered the create without an id', res.status, `POST ${GROUP_CREATE}`);
      return found;
    },
    lookup: () => findStaticGroupId(ctx, group.name),
    ...options,
  });
}

function updateXml(update: JamfGroupUpdate): XmlObject {
  const body: XmlObject = {};
  if (update.name !== undefined) body['name'] = update.name;
  if (update.replaceIds !== undefined) {
    body['users'] = userList(uniqueIds(update.replaceIds));
    return body;
  }
  const add = uniqueIds(update.addIds ?? []);
  const remove = uniqueIds(update.removeIds ?? []);
  if (add.length > 0) body['user_additions'] = { user: add.map((id) => ({ id })) };
  if (remove.length > 0) body['user_deletions'] = { user: remove.map((id) => ({ id })) };
  return body;
}

/** What of `update` the group does not reflect yet; undefined when it already matches. */
export function remainingUpdate(group: JamfGroup, update: JamfGroupUpdate): JamfGroupUpdate | undefined {
  const members = new Set(group.members.map((m) => m.id));
  const rest: JamfGroupUpdate = {};
  if (update.name !== undefined && update.name !== group.name) rest.name = update.name;
  if (update.replaceIds !== undefined) {
    const wanted = new Set(update.replaceIds);
    const same = wanted.size === members.size && [...wanted].every((id) => members.has(id));
    if (!same) rest.replaceIds = [...wanted];
  } else {
    const add = (update.addIds ?? []).filter((id) => !members.has(id));
    const remove = (update.removeIds ?? []).filter((id) => members.has(id));
    if (add.length > 0) rest.addIds = add;
    if (remove.length > 0) rest.removeIds = remove;
  }
  return Object.keys(rest).length === 0 ? undefined : rest;
}

async function putGroup(ctx: JamfContext, id: number, update: JamfGroupUpdate, fields: XmlObject, allowConflict: boolean) {
  return ctx.call({
    method: 'PUT',
    route: GROUP_BY_ID,
    path: fillRoute(GROUP_BY_ID, { id }),
    accept: 'application/xml',
    body: buildXml('user_group', fields),
    contentType: 'application/xml',
    allow: allowConflict ? [409] : [],
    // The group, and users it gains who were created moments ago.
    affinity: [groupKey(id), ...(update.replaceIds ?? update.addIds ?? []).map(userKey)],
  });
}

/** One PUT with the rename and the membership delta (§4.4), or with `<users>` to replace. */
export async function updateGroup(ctx: JamfContext, id: number, update: JamfGroupUpdate): Promise<void> {
  assertJamfId(id, `PUT ${GROUP_BY_ID}`);
  if (update.replaceIds !== undefined && ((update.addIds?.length ?? 0) > 0 || (update.removeIds?.length ?? 0) > 0)) {
    throw new JamfError('bad_request', 'replaceIds cannot be combined with addIds/removeIds', undefined, `PUT ${GROUP_BY_ID}`);
  }
  const fields = updateXml(update);
  if (Object.keys(fields).length === 0) return;
  const res = await putGroup(ctx, id, update, fields, true);
  if (res.status !== 409) return;
  if (!res.afterUnclear) throw errorFromResponse(409, res.body, `PUT ${GROUP_BY_ID}`);
  // The first PUT was probably applied and its response lost; the repeat then removed users who
  // were no longer members, which Jamf answers with 409 (§4.4). Re-read and send only what is missing.
  const group = await getGroup(ctx, id);
  if (group === null) throw new JamfError('not_found', `no Jamf group with id ${id}`, 404, `PUT ${GROUP_BY_ID}`);
  const rest = remainingUpdate(group, update);
  if (rest === undefined) return;
  ctx.logger.warn({ jamf: { route: GROUP_BY_ID, method: 'PUT' } }, 'jamf group update had an unclear outcome; sending the remainder');
  await putGroup(ctx, id, rest, updateXml(rest), false);
}

export async function deleteGroup(ctx: JamfContext, id: number): Promise<void> {
  await deleteById(ctx, GROUP_BY_ID, id, groupKey(id));
}
