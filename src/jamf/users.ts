/** End users through the Classic API (jamf-pro-api.md §2) and, on ≥ 11.26, `/api/v1/users` (§3.1). */
import { JamfError } from './errors.js';
import { deleteById } from './delete-by-id.js';
import { assertJamfId, asRecord, isJamfId, jsonInt, jsonString, parseJsonBody, type JamfContext } from './context.js';
import { createOnce } from './create-once.js';
import { userKey } from './node-affinity.js';
import type { JamfCreateOptions, JamfRef, JamfUser, JamfUserExtras, JamfUserPage, JamfUserPageQuery, JamfUserSummary, JamfUserWrite } from './types.js';
import { fillRoute, queryString } from './url.js';
import { buildXml, isObject, listOf, parseXml, readEchoId, rootElement, text, toInt, type XmlObject } from './xml-codec.js';

const USERS = '/JSSResource/users';
const USER_BY_ID = '/JSSResource/users/id/:id';
const USER_BY_NAME = '/JSSResource/users/name/:name';
const USER_BY_EMAIL = '/JSSResource/users/email/:email';
const USER_CREATE = '/JSSResource/users/id/0';
const API_USERS = '/api/v1/users';

/** Only the fields given; `''` becomes an empty element, which clears the field (§2.6). */
export function userWriteXml(user: JamfUserWrite): XmlObject {
  const body: XmlObject = {};
  if (user.name !== undefined) body['name'] = user.name;
  if (user.fullName !== undefined) body['full_name'] = user.fullName;
  if (user.email !== undefined) {
    // Both fields, with the same value, as Jamf returns them (§2.5, §7.6).
    body['email'] = user.email;
    body['email_address'] = user.email;
  }
  if (user.phoneNumber !== undefined) body['phone_number'] = user.phoneNumber;
  if (user.position !== undefined) body['position'] = user.position;
  if (user.managedAppleId !== undefined) body['managed_apple_id'] = user.managedAppleId;
  if (user.enableCustomPhotoUrl !== undefined) body['enable_custom_photo_url'] = String(user.enableCustomPhotoUrl);
  if (user.customPhotoUrl !== undefined) body['custom_photo_url'] = user.customPhotoUrl;
  if (user.ldapServerId !== undefined) body['ldap_server'] = { id: user.ldapServerId };
  // `<sites>` with a `-1` site clears the list (§2.6, MUT).
  if (user.siteIds !== undefined) body['sites'] = { site: (user.siteIds.length > 0 ? user.siteIds : [-1]).map((id) => ({ id })) };
  if (user.extensionAttributes !== undefined && user.extensionAttributes.length > 0) {
    body['extension_attributes'] = { extension_attribute: user.extensionAttributes.map((ea) => ({ id: ea.id, value: ea.value })) };
  }
  return body;
}

function decodeRef(value: unknown): JamfRef | null {
  if (!isObject(value)) return null;
  const id = toInt(value['id']);
  return id === undefined || id < 1 ? null : { id, name: text(value['name']) };
}

/** The writable elements SCIM does not map, as the record holds them (§2.3). */
function decodeExtras(record: XmlObject): JamfUserExtras {
  return {
    sites: listOf(record['sites'], 'site').flatMap((s) => decodeRef(s) ?? []),
    extensionAttributes: listOf(record['extension_attributes'], 'extension_attribute').flatMap((ea) => {
      const ref = decodeRef(ea);
      return ref === null ? [] : [{ ...ref, value: text(ea['value']) }];
    }),
    ldapServer: decodeRef(record['ldap_server']),
    enableCustomPhotoUrl: text(record['enable_custom_photo_url']).toLowerCase() === 'true',
    customPhotoUrl: text(record['custom_photo_url']),
  };
}

/** A `<user>` record (§2.3). */
export function decodeUser(record: XmlObject, route: string): JamfUser {
  const id = toInt(record['id']);
  if (id === undefined) throw new JamfError('server', 'Jamf Pro returned a user record without an id', undefined, route);
  return {
    id,
    name: text(record['name']),
    fullName: text(record['full_name']),
    email: text(record['email']) || text(record['email_address']),
    phoneNumber: text(record['phone_number']),
    position: text(record['position']),
    managedAppleId: text(record['managed_apple_id']),
    groups: listOf(record['user_groups'], 'user_group').flatMap((g) => {
      const groupId = toInt(g['id']);
      return groupId === undefined ? [] : [{ id: groupId, name: text(g['name']), isSmart: text(g['is_smart']).toLowerCase() === 'true' }];
    }),
    extras: decodeExtras(record),
  };
}

function decodeUserBody(body: string, route: string): JamfUser {
  const root = rootElement(parseXml(body));
  if (root === undefined) throw new JamfError('server', 'Jamf Pro returned an empty user record', undefined, route);
  return decodeUser(root, route);
}

export async function getUser(ctx: JamfContext, id: number): Promise<JamfUser | null> {
  if (!isJamfId(id)) return null;
  const route = `GET ${USER_BY_ID}`;
  // XML, not JSON: Classic JSON keeps only the last of the user's groups (§2.4).
  const res = await ctx.call({
    method: 'GET',
    route: USER_BY_ID,
    path: fillRoute(USER_BY_ID, { id }),
    accept: 'application/xml',
    allow: [404],
    affinity: [userKey(id)],
  });
  return res.status === 404 ? null : decodeUserBody(res.body, route);
}

export async function listUsers(ctx: JamfContext): Promise<JamfUserSummary[]> {
  // The id/name list is regular in JSON (§2.4); only single records and email lookups are lossy.
  const res = await ctx.call({ method: 'GET', route: USERS, path: USERS, accept: 'application/json', timeoutMs: ctx.listTimeoutMs });
  const users = asRecord(parseJsonBody(res.body, `GET ${USERS}`))['users'];
  if (!Array.isArray(users)) return [];
  return users.flatMap((entry) => {
    const u = asRecord(entry);
    const id = jsonInt(u['id']);
    return id === undefined ? [] : [{ id, name: jsonString(u['name']) }];
  });
}

export async function getUserByName(ctx: JamfContext, name: string): Promise<JamfUser | null> {
  if (name === '') return null;
  if (name.includes('/')) {
    // A `/` in a path segment is not reliably served (§7.2): resolve the id from the list.
    const lower = name.toLowerCase();
    const match = (await listUsers(ctx)).find((u) => u.name.toLowerCase() === lower);
    return match === undefined ? null : getUser(ctx, match.id);
  }
  const res = await ctx.call({
    method: 'GET',
    route: USER_BY_NAME,
    path: fillRoute(USER_BY_NAME, { name }),
    accept: 'application/xml',
    allow: [404],
  });
  return res.status === 404 ? null : decodeUserBody(res.body, `GET ${USER_BY_NAME}`);
}

export async function findUsersByEmail(ctx: JamfContext, email: string): Promise<JamfUser[]> {
  if (email === '') return [];
  const route = `GET ${USER_BY_EMAIL}`;
  // XML: the JSON of this lookup is malformed (§2.4). No match is 404 or an empty list (§2.8).
  const res = await ctx.call({
    method: 'GET',
    route: USER_BY_EMAIL,
    path: fillRoute(USER_BY_EMAIL, { email }),
    accept: 'application/xml',
    allow: [404],
  });
  if (res.status === 404) return [];
  const doc = parseXml(res.body);
  const records = isObject(doc['users']) ? listOf(doc['users'], 'user') : isObject(doc['user']) ? [doc['user']] : [];
  // Jamf matches case-insensitively (§2.8); keep only exact matches in case a server ever matches more loosely.
  const lower = email.trim().toLowerCase();
  return records
    .filter((r) => [text(r['email']), text(r['email_address'])].some((e) => e.trim().toLowerCase() === lower))
    .map((r) => decodeUser(r, route));
}

export async function pageUsers(ctx: JamfContext, query: JamfUserPageQuery): Promise<JamfUserPage> {
  if (!Number.isInteger(query.page) || query.page < 0 || !Number.isInteger(query.pageSize) || query.pageSize < 1 || query.pageSize > 1000) {
    throw new JamfError('bad_request', 'page must be ≥ 0 and pageSize within 1..1000', undefined, `GET ${API_USERS}`);
  }
  const qs = queryString({ page: query.page, 'page-size': query.pageSize, sort: 'id:asc', filter: query.filter });
  const res = await ctx.call({ method: 'GET', route: API_USERS, path: `${API_USERS}${qs}`, accept: 'application/json' });
  const json = asRecord(parseJsonBody(res.body, `GET ${API_USERS}`));
  const results = Array.isArray(json['results']) ? json['results'] : [];
  const users = results.flatMap((entry): JamfUser[] => {
    const u = asRecord(entry);
    // `id` is a string in the Jamf Pro API (§3.1).
    const id = jsonInt(u['id']);
    if (id === undefined) return [];
    return [
      {
        id,
        name: jsonString(u['username']),
        fullName: jsonString(u['realname']),
        email: jsonString(u['email']),
        phoneNumber: jsonString(u['phone']),
        position: jsonString(u['position']),
        managedAppleId: jsonString(u['managedAppleId']),
        groups: [],
      },
    ];
  });
  return { totalCount: jsonInt(json['totalCount']) ?? users.length, users };
}

export async function createUser(ctx: JamfContext, user: JamfUserWrite & { name: string }, options: JamfCreateOptions = {}): Promise<number> {
  if (user.name.trim() === '') throw new JamfError('bad_request', 'a Jamf user needs a name', undefined, `POST ${USER_CREATE}`);
  const body = buildXml('user', userWriteXml(user));
  return createOnce(ctx, {
    route: `POST ${USER_CREATE}`,
    post: async () => {
      const res = await ctx.call({ method: 'POST', route: USER_CREATE, path: USER_CREATE, accept: 'application/xml', body, contentType: 'application/xml' });
      const id = readEchoId(res.body);
      if (id !== undefined && id > 0) {
        ctx.pin(userKey(id), res);
        return id;
      }
      // §7.12 prefers the echoed id; a missing one is recovered by name rather than failing a create that worked.
      const found = await getUserByName(ctx, user.name);
      if (found === null) throw new JamfError('server', 'Jamf Pro answered the create without an id', res.status, `POST ${USER_CREATE}`);
      return found.id;
    },
    lookup: async () => (await getUserByName(ctx, user.name))?.id,
    ...options,
  });
}

export async function updateUser(ctx: JamfContext, id: number, user: JamfUserWrite): Promise<void> {
  assertJamfId(id, `PUT ${USER_BY_ID}`);
  const fields = userWriteXml(user);
  if (Object.keys(fields).length === 0) return;
  // A partial PUT is idempotent, so http-core may repeat it after an unclear outcome.
  await ctx.call({
    method: 'PUT',
    route: USER_BY_ID,
    path: fillRoute(USER_BY_ID, { id }),
    accept: 'application/xml',
    body: buildXml('user', fields),
    contentType: 'application/xml',
    affinity: [userKey(id)],
  });
}

export async function deleteUser(ctx: JamfContext, id: number): Promise<void> {
  await deleteById(ctx, USER_BY_ID, id, userKey(id));
}
