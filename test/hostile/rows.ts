/**
 * Hostile requests and the answer each must get (RFC 7644 §3.12; README "Troubleshooting").
 * `{user}`, `{group}` and `{tombstone}` in URLs are the ids of the fixture's resources.
 */
import { TOKEN } from '../helper.js';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface HostileRow {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  url: string;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Replaces the default headers (valid bearer token, application/scim+json). */
  headers?: Record<string, string>;
  status: 400 | 401 | 404 | 409 | 413;
  /** RFC 7644 §3.12 scimType; required for 400 and 409, absent otherwise. */
  scimType?: 'invalidFilter' | 'invalidSyntax' | 'invalidValue' | 'invalidPath' | 'noTarget' | 'mutability' | 'uniqueness';
  /** Jamf calls the server may make before refusing: none at all (default), or reads only. */
  jamf?: 'none' | 'reads';
}

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const user = (extra: Record<string, unknown>) => ({ schemas: [USER], userName: 'mallory@example.com', ...extra });
const group = (extra: Record<string, unknown>) => ({ schemas: [GROUP], displayName: 'Hostile', ...extra });
const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { n: nested(depth - 1) });
const nestedArray = (depth: number): unknown => (depth === 0 ? 'leaf' : [nestedArray(depth - 1)]);
const q = (filter: string) => encodeURIComponent(filter);
const MIB = 1024 * 1024;
const WRONG_TOKEN = 'wrong-token-0123456789abcdef';
const noAuth = { 'content-type': 'application/scim+json' };
const auth = (authorization: string) => ({ ...noAuth, authorization });

const authRows: HostileRow[] = [
  { name: 'GET /Users without Authorization', method: 'GET', url: '/scim/v2/Users', headers: noAuth, status: 401 },
  { name: 'GET /Groups with a wrong bearer token', method: 'GET', url: '/scim/v2/Groups', headers: auth(`Bearer ${WRONG_TOKEN}`), status: 401 },
  { name: 'GET /ServiceProviderConfig without Authorization', method: 'GET', url: '/scim/v2/ServiceProviderConfig', headers: noAuth, status: 401 },
  { name: 'GET /Schemas with a wrong token', method: 'GET', url: '/scim/v2/Schemas', headers: auth(`Bearer ${WRONG_TOKEN}`), status: 401 },
  { name: 'GET /ResourceTypes with an empty Bearer', method: 'GET', url: '/scim/v2/ResourceTypes', headers: auth('Bearer '), status: 401 },
  { name: 'POST /Users with Basic credentials', method: 'POST', url: '/scim/v2/Users', body: user({}), headers: auth(`Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`), status: 401 },
  { name: 'POST /Groups with the token truncated by one character', method: 'POST', url: '/scim/v2/Groups', body: group({}), headers: auth(`Bearer ${TOKEN.slice(0, -1)}`), status: 401 },
  { name: 'PATCH /Users/{user} with the token plus a character', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 'active', value: false }), headers: auth(`Bearer ${TOKEN}x`), status: 401 },
  { name: 'DELETE /Users/{user} without Authorization', method: 'DELETE', url: '/scim/v2/Users/{user}', headers: noAuth, status: 401 },
  { name: 'DELETE /Groups/{group} with a wrong token', method: 'DELETE', url: '/scim/v2/Groups/{group}', headers: auth(`Bearer ${WRONG_TOKEN}`), status: 401 },
  { name: 'PUT /Groups/{group} with the token in another scheme', method: 'PUT', url: '/scim/v2/Groups/{group}', body: group({}), headers: auth(`Token ${TOKEN}`), status: 401 },
  { name: 'GET /Users with the token in the query string only', method: 'GET', url: `/scim/v2/Users?access_token=${TOKEN}`, headers: noAuth, status: 401 },
  { name: 'GET /Users/{user} with the token twice in one header', method: 'GET', url: '/scim/v2/Users/{user}', headers: auth(`Bearer ${TOKEN} ${TOKEN}`), status: 401 },
  { name: 'GET /Users/{user} with the token as a cookie', method: 'GET', url: '/scim/v2/Users/{user}', headers: { ...noAuth, cookie: `token=${TOKEN}` }, status: 401 },
];

const brokenJsonRows: HostileRow[] = [
  { name: 'POST /Users with truncated JSON', method: 'POST', url: '/scim/v2/Users', body: '{"userName": "mallory"', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with single-quoted JSON', method: 'POST', url: '/scim/v2/Users', body: "{'userName': 'mallory'}", status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with a trailing comma', method: 'POST', url: '/scim/v2/Users', body: '{"userName": "mallory",}', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with NaN', method: 'POST', url: '/scim/v2/Users', body: '{"userName": "mallory", "n": NaN}', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with trailing garbage', method: 'POST', url: '/scim/v2/Users', body: '{"userName": "mallory"} {"x":1}', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with a JSON string body', method: 'POST', url: '/scim/v2/Users', body: '"mallory"', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with a JSON number body', method: 'POST', url: '/scim/v2/Users', body: '42', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with a JSON array body', method: 'POST', url: '/scim/v2/Users', body: '[{"userName": "mallory"}]', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with a null body', method: 'POST', url: '/scim/v2/Users', body: 'null', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with an empty body', method: 'POST', url: '/scim/v2/Users', body: '', status: 400, scimType: 'invalidSyntax' },
  { name: 'PUT /Users/{user} with truncated JSON', method: 'PUT', url: '/scim/v2/Users/{user}', body: '{"userName": ', status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Users/{user} with broken JSON', method: 'PATCH', url: '/scim/v2/Users/{user}', body: '{"Operations": [}', status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Groups/{group} with an empty body', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: '', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Groups with a JSON array body', method: 'POST', url: '/scim/v2/Groups', body: '[]', status: 400, scimType: 'invalidSyntax' },
  { name: 'PUT /Groups/{group} with a JSON string body', method: 'PUT', url: '/scim/v2/Groups/{group}', body: '"Engineering"', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with an XML body', method: 'POST', url: '/scim/v2/Users', body: '<user><name>mallory</name></user>', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/xml' }, status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with a form body', method: 'POST', url: '/scim/v2/Users', body: 'userName=mallory', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' }, status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Groups with invalid UTF-8 escapes', method: 'POST', url: '/scim/v2/Groups', body: '{"displayName": "\\uZZZZ"}', status: 400, scimType: 'invalidSyntax' },
];

const wrongTypeRows: HostileRow[] = [
  { name: 'POST /Users without userName', method: 'POST', url: '/scim/v2/Users', body: { schemas: [USER], name: { givenName: 'M' } }, status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with a userName nested in arrays', method: 'POST', url: '/scim/v2/Users', body: user({ userName: [['mallory']] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with an array userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: ['a', 'b'] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with a boolean userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: true }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with a null userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: null }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with an object userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: { value: 'mallory' } }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with active "maybe"', method: 'POST', url: '/scim/v2/Users', body: user({ active: 'maybe' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with active as an object', method: 'POST', url: '/scim/v2/Users', body: user({ active: { value: true } }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with name as a string', method: 'POST', url: '/scim/v2/Users', body: user({ name: 'Mallory M' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with an email value that is an array', method: 'POST', url: '/scim/v2/Users', body: user({ emails: [{ value: ['m@example.com'], type: 'work' }] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with title as an array', method: 'POST', url: '/scim/v2/Users', body: user({ title: ['a', 'b'] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with phoneNumbers as arrays of arrays', method: 'POST', url: '/scim/v2/Users', body: user({ phoneNumbers: [['555']] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with emails[].primary "yes"', method: 'POST', url: '/scim/v2/Users', body: user({ emails: [{ value: 'm@example.com', primary: 'yes' }] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with an enterprise extension that is a string', method: 'POST', url: '/scim/v2/Users', body: user({ 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': 'Sales' }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Users/{user} with an object userName', method: 'PUT', url: '/scim/v2/Users/{user}', body: user({ userName: { value: 'ada@example.com' } }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Users/{tombstone} without userName', method: 'PUT', url: '/scim/v2/Users/{tombstone}', body: { schemas: [USER] }, status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups without displayName', method: 'POST', url: '/scim/v2/Groups', body: { schemas: [GROUP], members: [] }, status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with an object displayName', method: 'POST', url: '/scim/v2/Groups', body: group({ displayName: { value: 'Hostile' } }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with a blank displayName', method: 'POST', url: '/scim/v2/Groups', body: group({ displayName: '   ' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with members as a string', method: 'POST', url: '/scim/v2/Groups', body: group({ members: 'everyone' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with a member without value', method: 'POST', url: '/scim/v2/Groups', body: group({ members: [{ display: 'Ada' }] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with a member value that is an object', method: 'POST', url: '/scim/v2/Groups', body: group({ members: [{ value: { id: '1' } }] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with an empty member value', method: 'POST', url: '/scim/v2/Groups', body: group({ members: [{ value: '' }] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with a member id no user has', method: 'POST', url: '/scim/v2/Groups', body: group({ members: [{ value: 'not-a-user' }] }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Groups/{group} with members as a number', method: 'PUT', url: '/scim/v2/Groups/{group}', body: group({ displayName: 'Engineering', members: [[1]] }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Groups/{group} with a null displayName', method: 'PUT', url: '/scim/v2/Groups/{group}', body: group({ displayName: null }), status: 400, scimType: 'invalidValue' },
];

const hugeRows: HostileRow[] = [
  { name: 'POST /Users with a 256-character userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: 'm'.repeat(256) }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with a 500,000-character userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: 'm'.repeat(500_000) }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with a 300-character displayName', method: 'POST', url: '/scim/v2/Groups', body: group({ displayName: 'g'.repeat(300) }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} renaming to 1,000 characters', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 'userName', value: 'u'.repeat(1000) }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups/{group} renaming to 256 characters', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', path: 'displayName', value: 'g'.repeat(256) }), status: 400, scimType: 'invalidValue' },
  { name: 'GET /Users with a 5,000-character filter', method: 'GET', url: `/scim/v2/Users?filter=${q(`userName eq "${'a'.repeat(5000)}"`)}`, status: 400, scimType: 'invalidFilter' },
  { name: 'GET /Groups with a 5,000-character filter', method: 'GET', url: `/scim/v2/Groups?filter=${q(`displayName eq "${'a'.repeat(5000)}"`)}`, status: 400, scimType: 'invalidFilter' },
  { name: 'GET /Users/{600-digit id}', method: 'GET', url: `/scim/v2/Users/${'9'.repeat(600)}`, status: 404 },
  { name: 'DELETE /Groups/{600-character id}', method: 'DELETE', url: `/scim/v2/Groups/${'g'.repeat(600)}`, status: 404 },
  { name: 'POST /Users with a body over 1 MiB', method: 'POST', url: '/scim/v2/Users', body: user({ nickName: 'x'.repeat(MIB) }), status: 413 },
  { name: 'PUT /Users/{user} with a body over 1 MiB', method: 'PUT', url: '/scim/v2/Users/{user}', body: user({ title: 'x'.repeat(MIB + 10) }), status: 413 },
  { name: 'PATCH /Groups/{group} with 2 MiB of members', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'add', path: 'members', value: Array.from({ length: 60_000 }, (_, i) => ({ value: `m${i}-padding` })) }), status: 413 },
  { name: 'POST /Groups with a body over 1 MiB of whitespace', method: 'POST', url: '/scim/v2/Groups', body: `${' '.repeat(MIB + 1)}{}`, status: 413 },
];

const nestingRows: HostileRow[] = [
  { name: 'POST /Users nested 40 objects deep', method: 'POST', url: '/scim/v2/Users', body: user({ nickName: nested(40) }), status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users nested 40 arrays deep', method: 'POST', url: '/scim/v2/Users', body: user({ x: nestedArray(40) }), status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users nested 5,000 arrays deep', method: 'POST', url: '/scim/v2/Users', body: `{"userName":"mallory","x":${'['.repeat(5000)}${']'.repeat(5000)}}`, status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Groups nested 40 deep', method: 'POST', url: '/scim/v2/Groups', body: group({ x: nested(40) }), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Users/{user} with a value nested 40 deep', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'add', path: 'nickName', value: nested(40) }), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Groups/{group} with a value nested 40 deep', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', value: nested(40) }), status: 400, scimType: 'invalidSyntax' },
];

const controlRows: HostileRow[] = [
  { name: 'POST /Users with NUL in userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: 'mal\u0000lory' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with ESC in userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: 'mal\u001blory' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with DEL in userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: 'mallory\u007f' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with a newline in userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: 'mallory\n@example.com' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with a character XML cannot carry (U+FFFE)', method: 'POST', url: '/scim/v2/Users', body: user({ userName: 'mallory\uFFFE' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with BEL in displayName', method: 'POST', url: '/scim/v2/Groups', body: group({ displayName: 'Hostile\u0007' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups/{group} renaming with a tab', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', path: 'displayName', value: 'Eng\tineering' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} renaming with NUL', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', value: { userName: 'ada\u0000@example.com' } }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Users/{user} with a carriage return in userName', method: 'PUT', url: '/scim/v2/Users/{user}', body: user({ userName: 'ada@example.com\r' }), status: 400, scimType: 'invalidValue' },
];

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * Text the server could not keep exactly (README "What the server accepts"): XML 1.0 §2.2 cannot
 * carry it to Jamf, §2.11 would turn its CR into LF, or the store cannot hold it. Refused in
 * every attribute and every way a value arrives, also for users created inactive and for
 * changes to a deactivated user, which reach Jamf only at the reactivation.
 */
const textRows: HostileRow[] = [
  { name: 'POST /Users with NUL in name.givenName', method: 'POST', url: '/scim/v2/Users', body: user({ name: { givenName: 'Mal\u0000', familyName: 'Lory' } }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with CR LF in name.familyName', method: 'POST', url: '/scim/v2/Users', body: user({ name: { givenName: 'Mal', familyName: 'Lo\r\nry' } }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with a lone CR in title', method: 'POST', url: '/scim/v2/Users', body: user({ title: 'Lead\rEngineer' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with U+FFFF in title', method: 'POST', url: '/scim/v2/Users', body: user({ title: 'Lead\uFFFF' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with a lone surrogate in displayName', method: 'POST', url: '/scim/v2/Users', body: user({ displayName: 'Mallory \uD83D' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with ESC in a phone number', method: 'POST', url: '/scim/v2/Users', body: user({ phoneNumbers: [{ value: '555\u001b0100', type: 'work' }] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with NUL in a second, non-primary email', method: 'POST', url: '/scim/v2/Users', body: user({ emails: [{ value: 'm@example.com', primary: true }, { value: 'm\u0000@example.org' }] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with NUL in name.formatted', method: 'POST', url: '/scim/v2/Users', body: user({ name: { formatted: 'Mallory\u0000' } }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with NUL in a store-only attribute', method: 'POST', url: '/scim/v2/Users', body: user({ nickName: 'Mal\u0000' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with a lone surrogate in an enterprise attribute', method: 'POST', url: '/scim/v2/Users', body: user({ [ENTERPRISE]: { department: 'R\uDC00D' } }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with NUL in an unknown attribute', method: 'POST', url: '/scim/v2/Users', body: user({ badge: { code: '\u0000' } }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users active:false with U+FFFE in userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: 'inactive\uFFFE@example.com', active: false }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users active:"False" with NUL in title', method: 'POST', url: '/scim/v2/Users', body: user({ active: 'False', title: 'x\u0000' }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Users/{user} with U+FFFE in title', method: 'PUT', url: '/scim/v2/Users/{user}', body: user({ userName: 'ada@example.com', title: 'Analyst\uFFFE' }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Users/{tombstone} with U+FFFE in userName', method: 'PUT', url: '/scim/v2/Users/{tombstone}', body: user({ userName: 'gone\uFFFE@example.com', active: false }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Users/{tombstone} with CR in title', method: 'PUT', url: '/scim/v2/Users/{tombstone}', body: user({ userName: 'gone@example.com', active: false, title: 'a\rb' }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Users/{tombstone} reactivating with NUL in name.givenName', method: 'PUT', url: '/scim/v2/Users/{tombstone}', body: user({ userName: 'gone@example.com', active: true, name: { givenName: '\u0000' } }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{tombstone} title with NUL', method: 'PATCH', url: '/scim/v2/Users/{tombstone}', body: patch({ op: 'replace', path: 'title', value: 'x\u0000' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{tombstone} no-path userName with U+FFFE', method: 'PATCH', url: '/scim/v2/Users/{tombstone}', body: patch({ op: 'replace', value: { userName: 'gone\uFFFE@example.com' } }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{tombstone} reactivating with U+FFFF in title', method: 'PATCH', url: '/scim/v2/Users/{tombstone}', body: patch({ op: 'Replace', value: { active: 'True', title: 'x\uFFFF' } }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} emails[type eq "work"].value with U+FFFF', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'ada\uFFFF@example.com' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} add emails with CR', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'add', path: 'emails', value: [{ value: 'ada@example.com\r', type: 'work' }] }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} dotted no-path name.givenName with NUL', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', value: { 'name.givenName': 'A\u0000' } }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} name with a complex value holding CR', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'add', path: 'name', value: { familyName: 'L\r' } }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} value path whose created element holds U+FFFE', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'add', path: 'emails[value eq "new\uFFFE@example.com"].type', value: 'work' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} URN-qualified enterprise attribute with NUL', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'add', path: `${ENTERPRISE}:department`, value: 'R\u0000D' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} manager id with NUL', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'Add', path: 'manager', value: [{ value: '1\u0000' }] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with U+FFFF in displayName', method: 'POST', url: '/scim/v2/Groups', body: group({ displayName: 'Hostile\uFFFF' }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Groups/{group} with a lone surrogate in displayName', method: 'PUT', url: '/scim/v2/Groups/{group}', body: group({ displayName: 'Engineering\uD800' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups/{group} renaming with U+FFFE', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', value: { displayName: 'Eng\uFFFE' } }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups/{group} externalId with NUL', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', path: 'externalId', value: 'e\u0000' }), status: 400, scimType: 'invalidValue' },
];

/**
 * Surrounding whitespace in a login name, a group name or an e-mail address: Jamf trims it, so
 * neither the value sent nor the trimmed one would find the resource again with `eq`.
 */
const whitespaceRows: HostileRow[] = [
  { name: 'POST /Users with userName " pad.x "', method: 'POST', url: '/scim/v2/Users', body: user({ userName: ' pad.x ' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with a trailing space in userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: 'pad.x ' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with a leading no-break space in userName', method: 'POST', url: '/scim/v2/Users', body: user({ userName: '\u00a0pad.x' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users active:false with userName " pad.x "', method: 'POST', url: '/scim/v2/Users', body: user({ userName: ' pad.x ', active: false }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with spaces around the email address', method: 'POST', url: '/scim/v2/Users', body: user({ emails: [{ value: ' m@example.com ', type: 'work', primary: true }] }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Users/{user} with a leading space in userName', method: 'PUT', url: '/scim/v2/Users/{user}', body: user({ userName: ' ada@example.com' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} userName with surrounding spaces', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 'userName', value: ' ada@example.com ' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} no-path userName with a trailing space', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', value: { userName: 'ada2@example.com ' } }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} emails[type eq "work"].value with spaces', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'add', path: 'emails[type eq "work"].value', value: ' ada@example.com' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{tombstone} userName with a leading space', method: 'PATCH', url: '/scim/v2/Users/{tombstone}', body: patch({ op: 'replace', path: 'userName', value: ' gone@example.com' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with displayName " Hostile "', method: 'POST', url: '/scim/v2/Groups', body: group({ displayName: ' Hostile ' }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Groups/{group} with a trailing space in displayName', method: 'PUT', url: '/scim/v2/Groups/{group}', body: group({ displayName: 'Engineering ' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups/{group} renaming with a leading space', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', path: 'displayName', value: ' Engineering' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups/{group} no-path rename with a trailing space', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', value: { displayName: 'Eng ' } }), status: 400, scimType: 'invalidValue' },
];

/** JSON types that differ from the schemas /Schemas publishes: refused, never coerced. */
const coercionRows: HostileRow[] = [
  { name: 'POST /Users with title 5', method: 'POST', url: '/scim/v2/Users', body: user({ title: 5 }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with emails "x@y"', method: 'POST', url: '/scim/v2/Users', body: user({ emails: 'm@example.com' }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with emails as one object', method: 'POST', url: '/scim/v2/Users', body: user({ emails: { value: 'm@example.com' } }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with an email value 5', method: 'POST', url: '/scim/v2/Users', body: user({ emails: [{ value: 5 }] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with userName 123', method: 'POST', url: '/scim/v2/Users', body: user({ userName: 123 }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with externalId 42', method: 'POST', url: '/scim/v2/Users', body: user({ externalId: 42 }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with employeeNumber 7', method: 'POST', url: '/scim/v2/Users', body: user({ [ENTERPRISE]: { employeeNumber: 7 } }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with manager 7', method: 'POST', url: '/scim/v2/Users', body: user({ manager: 7 }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with active 1', method: 'POST', url: '/scim/v2/Users', body: user({ active: 1 }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users with name.givenName false', method: 'POST', url: '/scim/v2/Users', body: user({ name: { givenName: false } }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Users active:false with title 5', method: 'POST', url: '/scim/v2/Users', body: user({ active: false, title: 5 }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Users/{user} with userName 123', method: 'PUT', url: '/scim/v2/Users/{user}', body: user({ userName: 123 }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Users/{tombstone} with title 5', method: 'PUT', url: '/scim/v2/Users/{tombstone}', body: user({ userName: 'gone@example.com', active: false, title: 5 }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} userName 123', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 'userName', value: 123 }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} title 5', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 'title', value: 5 }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} no-path {title: 5}', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', value: { title: 5 } }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} emails "x@y"', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'add', path: 'emails', value: 'm@example.com' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{user} manager 7', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 'manager', value: 7 }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{tombstone} title 5', method: 'PATCH', url: '/scim/v2/Users/{tombstone}', body: patch({ op: 'replace', path: 'title', value: 5 }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with displayName 5', method: 'POST', url: '/scim/v2/Groups', body: group({ displayName: 5 }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with a bare member id', method: 'POST', url: '/scim/v2/Groups', body: group({ members: ['1'] }), status: 400, scimType: 'invalidValue' },
  { name: 'POST /Groups with a numeric member value', method: 'POST', url: '/scim/v2/Groups', body: group({ members: [{ value: 1 }] }), status: 400, scimType: 'invalidValue' },
  { name: 'PUT /Groups/{group} with displayName 5', method: 'PUT', url: '/scim/v2/Groups/{group}', body: group({ displayName: 5 }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups/{group} add members value 5', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'add', path: 'members', value: 5 }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups/{group} add members [{value: 5}]', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'add', path: 'members', value: [{ value: 5 }] }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups/{group} replace members with one object', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', path: 'members', value: { value: '1' } }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups/{group} remove members with one object', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'Remove', path: 'members', value: { value: '1' } }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups/{group} externalId 7', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', value: { externalId: 7 } }), status: 400, scimType: 'invalidValue' },
];

const filterRows: HostileRow[] = [
  { name: 'filter without a value', method: 'GET', url: `/scim/v2/Users?filter=${q('userName eq')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter with an unknown operator', method: 'GET', url: `/scim/v2/Users?filter=${q('userName is "ada"')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter with an unbalanced parenthesis', method: 'GET', url: `/scim/v2/Users?filter=${q('(userName eq "ada"')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter ending in "and"', method: 'GET', url: `/scim/v2/Users?filter=${q('userName eq "ada" and')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter with an unclosed value path', method: 'GET', url: `/scim/v2/Users?filter=${q('emails[type eq "work"')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter with an unterminated string', method: 'GET', url: `/scim/v2/Users?filter=${q('userName eq "ada')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter "pr" with a value', method: 'GET', url: `/scim/v2/Users?filter=${q('title pr "x"')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter that is only an operator', method: 'GET', url: `/scim/v2/Users?filter=${q('eq')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter on __proto__', method: 'GET', url: `/scim/v2/Users?filter=${q('__proto__ eq "x"')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter on constructor.prototype', method: 'GET', url: `/scim/v2/Users?filter=${q('constructor.prototype eq "x"')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter on an unknown attribute', method: 'GET', url: `/scim/v2/Users?filter=${q('shoeSize eq "42"')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter comparing a boolean with gt', method: 'GET', url: `/scim/v2/Users?filter=${q('active gt true')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter with a NUL in the value', method: 'GET', url: `/scim/v2/Users?filter=${q('userName eq "ada\u0000"')}`, status: 400, scimType: 'invalidFilter' },
  { name: '/Groups filter without a value', method: 'GET', url: `/scim/v2/Groups?filter=${q('displayName eq')}`, status: 400, scimType: 'invalidFilter' },
  { name: '/Groups filter with a stray bracket', method: 'GET', url: `/scim/v2/Groups?filter=${q('members[value eq "1"]]')}`, status: 400, scimType: 'invalidFilter' },
  { name: '/Groups filter on __proto__', method: 'GET', url: `/scim/v2/Groups?filter=${q('__proto__.polluted eq "x"')}`, status: 400, scimType: 'invalidFilter' },
  { name: '/Groups filter with an XML payload instead of a filter', method: 'GET', url: `/scim/v2/Groups?filter=${q('<user_group><name>x</name></user_group>')}`, status: 400, scimType: 'invalidFilter' },
];

const pagingRows: HostileRow[] = [
  { name: 'startIndex that is not a number', method: 'GET', url: '/scim/v2/Users?startIndex=abc', status: 400, scimType: 'invalidValue' },
  { name: 'count with a decimal point', method: 'GET', url: '/scim/v2/Users?count=1.5', status: 400, scimType: 'invalidValue' },
  { name: 'count in words', method: 'GET', url: '/scim/v2/Users?count=ten', status: 400, scimType: 'invalidValue' },
  { name: 'startIndex in exponent notation', method: 'GET', url: '/scim/v2/Users?startIndex=1e3', status: 400, scimType: 'invalidValue' },
  { name: 'count in hexadecimal', method: 'GET', url: '/scim/v2/Users?count=0x10', status: 400, scimType: 'invalidValue' },
  { name: 'count that is NUL', method: 'GET', url: '/scim/v2/Users?count=%00', status: 400, scimType: 'invalidValue' },
  { name: '/Groups startIndex "__proto__"', method: 'GET', url: '/scim/v2/Groups?startIndex=__proto__', status: 400, scimType: 'invalidValue' },
  { name: '/Groups count "Infinity"', method: 'GET', url: '/scim/v2/Groups?count=Infinity', status: 400, scimType: 'invalidValue' },
];

const patchRows: HostileRow[] = [
  { name: 'PATCH /Users op "move"', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'move', path: 'title', value: 'x' }), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Users operation without op', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ path: 'title', value: 'x' }), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Users Operations as an object', method: 'PATCH', url: '/scim/v2/Users/{user}', body: { schemas: [PATCH_OP], Operations: { op: 'add' } }, status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Users without Operations', method: 'PATCH', url: '/scim/v2/Users/{user}', body: { schemas: [PATCH_OP] }, status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Users with an operation that is a string', method: 'PATCH', url: '/scim/v2/Users/{user}', body: { schemas: [PATCH_OP], Operations: ['replace title'] }, status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Users with a numeric path', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 42, value: 'x' }), status: 400, scimType: 'invalidPath' },
  { name: 'PATCH /Users with an unclosed filter in the path', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 'emails[type eq "work"', value: 'x' }), status: 400, scimType: 'invalidPath' },
  { name: 'PATCH /Users with path "__proto__"', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'add', path: '__proto__', value: { polluted: true } }), status: 400, scimType: 'invalidPath' },
  { name: 'PATCH /Users with path "constructor.prototype.polluted"', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'add', path: 'constructor.prototype.polluted', value: true }), status: 400, scimType: 'invalidPath' },
  { name: 'PATCH /Users with path "name.__proto__.polluted"', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'add', path: 'name.__proto__.polluted', value: true }), status: 400, scimType: 'invalidPath' },
  { name: 'PATCH /Users add without a value', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'add', path: 'title' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users remove without a path', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'remove' }), status: 400, scimType: 'noTarget' },
  { name: 'PATCH /Users replace of the read-only id', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 'id', value: '999' }), status: 400, scimType: 'mutability' },
  { name: 'PATCH /Users removing userName', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'remove', path: 'userName' }), status: 400, scimType: 'mutability' },
  { name: 'PATCH /Users no-path replace with a string value', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', value: 'active=false' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users active "maybe"', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 'active', value: 'maybe' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users second of two operations invalid (nothing applied)', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 'title', value: 'Changed' }, { op: 'replace', path: 'active', value: 7 }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Users/{tombstone} op "copy"', method: 'PATCH', url: '/scim/v2/Users/{tombstone}', body: patch({ op: 'copy', path: 'title' }), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Users with schemas as a string', method: 'PATCH', url: '/scim/v2/Users/{user}', body: { schemas: PATCH_OP, Operations: [] }, status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Groups op "merge"', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'merge', path: 'members', value: [] }), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Groups with an unclosed member filter', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'remove', path: 'members[value eq "1"' }), status: 400, scimType: 'invalidPath' },
  { name: 'PATCH /Groups with path "__proto__"', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'add', path: '__proto__', value: { polluted: true } }), status: 400, scimType: 'invalidPath' },
  { name: 'PATCH /Groups add members with an object value', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'add', path: 'members', value: { value: {} } }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups displayName replaced with a number', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', path: 'displayName', value: 12 }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups displayName replaced with ""', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', path: 'displayName', value: '' }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups add a member no user has', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'add', path: 'members', value: [{ value: 'not-a-user' }] }), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH /Groups removing displayName', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'remove', path: 'displayName' }), status: 400, scimType: 'mutability' },
  { name: 'PATCH /Groups replace of the read-only id', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', path: 'id', value: '77' }), status: 400, scimType: 'mutability' },
];

const pollutionRows: HostileRow[] = [
  { name: 'POST /Users with a __proto__ key', method: 'POST', url: '/scim/v2/Users', body: '{"userName":"mallory","__proto__":{"polluted":true}}', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with constructor.prototype', method: 'POST', url: '/scim/v2/Users', body: '{"userName":"mallory","constructor":{"prototype":{"polluted":true}}}', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with a nested __proto__ key', method: 'POST', url: '/scim/v2/Users', body: '{"userName":"mallory","name":{"__proto__":{"polluted":true}}}', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with a "prototype" key', method: 'POST', url: '/scim/v2/Users', body: user({ prototype: { polluted: true } }), status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Users with a plain "constructor" key', method: 'POST', url: '/scim/v2/Users', body: user({ constructor: 'x' }), status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Groups with a __proto__ key', method: 'POST', url: '/scim/v2/Groups', body: '{"displayName":"Hostile","__proto__":{"polluted":true}}', status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Groups with a __proto__ member', method: 'POST', url: '/scim/v2/Groups', body: '{"displayName":"Hostile","members":[{"value":"1","__proto__":{"polluted":true}}]}', status: 400, scimType: 'invalidSyntax' },
  { name: 'PUT /Groups/{group} with constructor.prototype', method: 'PUT', url: '/scim/v2/Groups/{group}', body: '{"displayName":"Engineering","constructor":{"prototype":{"polluted":true}}}', status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Users/{user} with a __proto__ value key', method: 'PATCH', url: '/scim/v2/Users/{user}', body: `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"replace","value":{"__proto__":{"polluted":true}}}]}`, status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Groups/{group} with a constructor value key', method: 'PATCH', url: '/scim/v2/Groups/{group}', body: patch({ op: 'replace', value: { constructor: { prototype: { polluted: true } } } }), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Users/{user} with a dotted "__proto__.polluted" value key', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', value: { '__proto__.polluted': true } }), status: 400, scimType: 'invalidPath' },
  { name: 'GET /Users/__proto__', method: 'GET', url: '/scim/v2/Users/__proto__', status: 404 },
  { name: 'GET /Users/constructor', method: 'GET', url: '/scim/v2/Users/constructor', status: 404 },
  { name: 'GET /Groups/__proto__', method: 'GET', url: '/scim/v2/Groups/__proto__', status: 404 },
  { name: 'PATCH /Users/__proto__', method: 'PATCH', url: '/scim/v2/Users/__proto__', body: patch({ op: 'replace', path: 'title', value: 'x' }), status: 404 },
  { name: 'PUT /Groups/constructor', method: 'PUT', url: '/scim/v2/Groups/constructor', body: group({}), status: 404 },
  { name: 'DELETE /Users/prototype', method: 'DELETE', url: '/scim/v2/Users/prototype', status: 404 },
  { name: 'DELETE /Groups/__proto__', method: 'DELETE', url: '/scim/v2/Groups/__proto__', status: 404 },
  { name: 'GET /Schemas/__proto__', method: 'GET', url: '/scim/v2/Schemas/__proto__', status: 404 },
  { name: 'GET /ResourceTypes/constructor', method: 'GET', url: '/scim/v2/ResourceTypes/constructor', status: 404 },
  { name: 'GET /Users?__proto__[polluted]=1&count=x', method: 'GET', url: '/scim/v2/Users?__proto__[polluted]=1&count=x', status: 400, scimType: 'invalidValue' },
  { name: 'GET /Groups?constructor[prototype][polluted]=1&startIndex=x', method: 'GET', url: '/scim/v2/Groups?constructor[prototype][polluted]=1&startIndex=x', status: 400, scimType: 'invalidValue' },
];

const pathRows: HostileRow[] = [
  { name: 'GET /Users/0', method: 'GET', url: '/scim/v2/Users/0', status: 404 },
  { name: 'GET /Users/-1', method: 'GET', url: '/scim/v2/Users/-1', status: 404 },
  { name: 'GET /Users/1e3', method: 'GET', url: '/scim/v2/Users/1e3', status: 404 },
  { name: 'GET /Users/{20-digit id}', method: 'GET', url: '/scim/v2/Users/99999999999999999999', status: 404 },
  { name: 'GET /Groups/1.5', method: 'GET', url: '/scim/v2/Groups/1.5', status: 404 },
  { name: 'GET /Users/ with an encoded path traversal', method: 'GET', url: '/scim/v2/Users/..%2F..%2Fetc%2Fpasswd', status: 404 },
  { name: 'GET /Groups/ with an encoded NUL', method: 'GET', url: '/scim/v2/Groups/1%00', status: 404 },
  { name: 'GET /Users/ with a broken %-escape', method: 'GET', url: '/scim/v2/Users/%E0%A4%A', status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH /Groups/ with a lone "%"', method: 'PATCH', url: '/scim/v2/Groups/%', body: patch({ op: 'remove', path: 'members' }), status: 400, scimType: 'invalidSyntax' },
  { name: 'DELETE /Users/ with XML in the id', method: 'DELETE', url: `/scim/v2/Users/${encodeURIComponent('<id>1</id>')}`, status: 404 },
  { name: 'GET /Users/{numeric id no user has}', method: 'GET', url: '/scim/v2/Users/424242', status: 404, jamf: 'reads' },
  { name: 'DELETE /Groups/{numeric id no group has}', method: 'DELETE', url: '/scim/v2/Groups/4242', status: 404, jamf: 'reads' },
];

const routeRows: HostileRow[] = [
  { name: 'PUT /Users (the collection)', method: 'PUT', url: '/scim/v2/Users', body: user({}), status: 404 },
  { name: 'DELETE /Users (the collection)', method: 'DELETE', url: '/scim/v2/Users', status: 404 },
  { name: 'PATCH /Groups (the collection)', method: 'PATCH', url: '/scim/v2/Groups', body: patch({ op: 'remove', path: 'members' }), status: 404 },
  { name: 'POST /Users/{user}', method: 'POST', url: '/scim/v2/Users/{user}', body: user({}), status: 404 },
  { name: 'POST /ServiceProviderConfig', method: 'POST', url: '/scim/v2/ServiceProviderConfig', body: {}, status: 404 },
  { name: 'DELETE /Schemas', method: 'DELETE', url: '/scim/v2/Schemas', status: 404 },
  { name: 'PUT /ResourceTypes/User', method: 'PUT', url: '/scim/v2/ResourceTypes/User', body: {}, status: 404 },
  { name: 'OPTIONS /Users', method: 'OPTIONS', url: '/scim/v2/Users', status: 404 },
  { name: 'POST /Bulk without the BulkRequest schema', method: 'POST', url: '/scim/v2/Bulk', body: { schemas: [PATCH_OP], Operations: [] }, status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /Bulk with Operations not an array', method: 'POST', url: '/scim/v2/Bulk', body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: { method: 'DELETE', path: '/Users/1' } }, status: 400, scimType: 'invalidSyntax' },
  { name: 'GET /Me (not offered)', method: 'GET', url: '/scim/v2/Me', status: 404 },
  { name: 'POST /Users/.search without the SearchRequest schema', method: 'POST', url: '/scim/v2/Users/.search', body: {}, status: 400, scimType: 'invalidSyntax' },
  { name: 'POST /.search with a count that is a string', method: 'POST', url: '/scim/v2/.search', body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], count: '10' }, status: 400, scimType: 'invalidValue' },
  { name: 'GET /scim/v2/Userz', method: 'GET', url: '/scim/v2/Userz', status: 404 },
  { name: 'GET /scim/v1/Users', method: 'GET', url: '/scim/v1/Users', status: 404 },
  { name: 'GET /Users/{user}/groups', method: 'GET', url: '/scim/v2/Users/{user}/groups', status: 404 },
];

const duplicateRows: HostileRow[] = [
  { name: 'POST /Users with the userName of a deactivated user (other case)', method: 'POST', url: '/scim/v2/Users', body: user({ userName: 'GONE@example.com' }), status: 409, scimType: 'uniqueness' },
  { name: 'PATCH /Users/{user} renaming to a deactivated user\'s userName', method: 'PATCH', url: '/scim/v2/Users/{user}', body: patch({ op: 'replace', path: 'userName', value: 'gone@example.com' }), status: 409, scimType: 'uniqueness', jamf: 'reads' },
];

export const HOSTILE_ROWS: HostileRow[] = [
  ...authRows,
  ...brokenJsonRows,
  ...wrongTypeRows,
  ...hugeRows,
  ...nestingRows,
  ...controlRows,
  ...textRows,
  ...whitespaceRows,
  ...coercionRows,
  ...filterRows,
  ...pagingRows,
  ...patchRows,
  ...pollutionRows,
  ...pathRows,
  ...routeRows,
  ...duplicateRows,
];
