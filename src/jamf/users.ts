/** End users through the Classic API (jamf-pro-api.md §2) and, on ≥ 11.26, `/api/v1/users` (§3.1). */
import { JamfError, isJamfError } from './errors.js';
import { sameName } from '../scim/name-fold.js';
import { deleteById } from './delete-by-id.js';
import { assertJamfId, asRecord, isJamfId, jsonInt, jsonString, parseJsonBody, type JamfContext } from './context.js';
import { createOnce } from './create-once.js';
import { userKey } from './node-affinity.js';
import type { JamfCreateOptions, JamfUser, JamfUserPage, JamfUserPageQuery, JamfUserSummary, JamfUserWrite } from './types.js';
import { encodeSegment, fillRoute, queryString } from './url.js';
import { decodeUser, decodeUserBody, userWriteXml } from './user-codec.js';
import { buildXml, isObject, listOf, parseXml, readEchoId, text } from './xml-codec.js';

const USERS = '/JSSResource/users';
const USER_BY_ID = '/JSSResource/users/id/:id';
const USER_BY_NAME = '/JSSResource/users/name/:name';
const USER_BY_EMAIL = '/JSSResource/users/email/:email';
const USER_CREATE = '/JSSResource/users/id/0';
const API_USERS = '/api/v1/users';

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

/**
 * Longest percent-encoded name or email put into a `/name/` or `/email/` path. Jamf Pro runs on
 * Tomcat, which refuses a request line and headers over 8,192 bytes together (`maxHttpHeaderSize`,
 * https://tomcat.apache.org/tomcat-9.0-doc/config/http.html); a bearer token takes about 1 KB of
 * that, and a proxy in front may allow less. A value this long is looked up another way.
 */
export const MAX_PATH_VALUE_BYTES = 2000;

/** Whether a name or email can be the last segment of a `/name/` or `/email/` path. */
function fitsPath(value: string): boolean {
  // A `/` in a path segment is not reliably served (§7.2).
  return !value.includes('/') && encodeSegment(value).length <= MAX_PATH_VALUE_BYTES;
}

/** Resolves a username from the id/name list, then reads the record by id. */
async function getUserByNameFromList(ctx: JamfContext, name: string): Promise<JamfUser | null> {
  const match = (await listUsers(ctx)).find((u) => sameName(u.name, name));
  return match === undefined ? null : getUser(ctx, match.id);
}

export async function getUserByName(ctx: JamfContext, name: string): Promise<JamfUser | null> {
  if (name === '') return null;
  if (!fitsPath(name)) return getUserByNameFromList(ctx, name);
  const res = await ctx.call({
    method: 'GET',
    route: USER_BY_NAME,
    path: fillRoute(USER_BY_NAME, { name }),
    accept: 'application/xml',
    // 414: the URL was still too long for Jamf or a proxy before it; the name itself is fine.
    allow: [404, 414],
  });
  if (res.status === 414) return getUserByNameFromList(ctx, name);
  return res.status === 404 ? null : decodeUserBody(res.body, `GET ${USER_BY_NAME}`);
}

const sameEmail = (email: string) => {
  const wanted = email.trim().toLowerCase();
  return (candidate: string) => candidate.trim().toLowerCase() === wanted;
};

const SCAN_BATCH = 5;

/** Reads the records of `ids` by id, a few at a time (the client's limiter bounds the rest). */
async function readUsers(ctx: JamfContext, ids: number[]): Promise<JamfUser[]> {
  const out: JamfUser[] = [];
  for (let i = 0; i < ids.length; i += SCAN_BATCH) {
    const users = await Promise.all(ids.slice(i, i + SCAN_BATCH).map((id) => getUser(ctx, id)));
    out.push(...users.filter((u): u is JamfUser => u !== null));
  }
  return out;
}

/**
 * Users with this email without an `/email/` URL: the paged `/api/v1/users` carries every
 * user's email (§3.1, ≥ 11.26; below that the route is 404), else each user of the Classic list
 * is read. Only for emails too long for a URL, so the cost of a scan is rare.
 */
async function findUsersByEmailByScan(ctx: JamfContext, email: string): Promise<JamfUser[]> {
  const matches = sameEmail(email);
  const ids: number[] = [];
  try {
    for (let page = 0; ; page++) {
      const res = await pageUsers(ctx, { page, pageSize: 1000 });
      ids.push(...res.users.filter((u) => matches(u.email)).map((u) => u.id));
      if (res.users.length < 1000 || (page + 1) * 1000 >= res.totalCount) break;
    }
  } catch (err) {
    if (!isJamfError(err, 'not_found')) throw err;
    const all = (await listUsers(ctx)).sort((a, b) => a.id - b.id);
    return (await readUsers(ctx, all.map((u) => u.id))).filter((u) => matches(u.email));
  }
  return (await readUsers(ctx, ids)).filter((u) => matches(u.email));
}

export async function findUsersByEmail(ctx: JamfContext, email: string): Promise<JamfUser[]> {
  if (email === '') return [];
  if (!fitsPath(email)) return findUsersByEmailByScan(ctx, email);
  const route = `GET ${USER_BY_EMAIL}`;
  // XML: the JSON of this lookup is malformed (§2.4). No match is 404 or an empty list (§2.8).
  const res = await ctx.call({
    method: 'GET',
    route: USER_BY_EMAIL,
    path: fillRoute(USER_BY_EMAIL, { email }),
    accept: 'application/xml',
    // 414: as for names, the URL was too long for Jamf or a proxy; look the email up without one.
    allow: [404, 414],
  });
  if (res.status === 414) return findUsersByEmailByScan(ctx, email);
  if (res.status === 404) return [];
  const doc = parseXml(res.body);
  const records = isObject(doc['users']) ? listOf(doc['users'], 'user') : isObject(doc['user']) ? [doc['user']] : [];
  // Jamf matches case-insensitively (§2.8); keep only exact matches in case a server ever matches more loosely.
  const matches = sameEmail(email);
  return records.filter((r) => [text(r['email']), text(r['email_address'])].some(matches)).map((r) => decodeUser(r, route));
}

export async function pageUsers(ctx: JamfContext, query: JamfUserPageQuery): Promise<JamfUserPage> {
  if (!Number.isInteger(query.page) || query.page < 0 || !Number.isInteger(query.pageSize) || query.pageSize < 1 || query.pageSize > 1000) {
    throw new JamfError('bad_request', 'page must be ≥ 0 and pageSize within 1..1000', undefined, `GET ${API_USERS}`);
  }
  const qs = queryString({ page: query.page, 'page-size': query.pageSize, sort: query.sort ?? 'id:asc', filter: query.filter });
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
