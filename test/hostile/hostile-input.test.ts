/**
 * Hostile input against /Users, /Groups and discovery (rows.ts). Every row must get its 4xx
 * with a SCIM error body, send Jamf nothing it would have to refuse (no write at all; no call at
 * all unless the row allows reads), change nothing in Jamf or the store, and leak no stack
 * trace, file path or secret.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TOKEN, type TestServer } from '../helper.js';
import { GROUP, HOSTILE_ROWS, PATCH_OP, USER, type HostileRow } from './rows.js';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCIM_JSON = 'application/scim+json; charset=utf-8';
const isTokenRoute = (key: string) => /\/(oauth|auth)\/token$/.test(key);

let t: TestServer;
let ids: Record<string, string>;
let before: string;

/** Jamf users and groups, and every row of the state store. */
function snapshot(): string {
  const users = [...t.sim.state.users.values()].sort((a, b) => a.id - b.id);
  const groups = [...t.sim.state.groups.values()].map((g) => ({ ...g, memberIds: [...g.memberIds].sort() }));
  const db = new Database(t.statePath, { readonly: true, fileMustExist: true });
  try {
    const store = { users: db.prepare('SELECT * FROM users ORDER BY scim_id').all(), groups: db.prepare('SELECT * FROM groups ORDER BY scim_id').all() };
    return JSON.stringify({ users, groups, next: [t.sim.state.nextUserId, t.sim.state.nextGroupId], store });
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  // Many rows fail authentication on purpose; the per-address throttle is tested elsewhere.
  t = await startTestServer({}, { authFailureLimit: 100_000 });
  const ada = await t.scim('POST', '/scim/v2/Users', { schemas: [USER], userName: 'ada@example.com', title: 'Analyst' });
  const gone = await t.scim('POST', '/scim/v2/Users', { schemas: [USER], userName: 'gone@example.com' });
  const group = await t.scim('POST', '/scim/v2/Groups', { schemas: [GROUP], displayName: 'Engineering', members: [{ value: ada.json().id }] });
  ids = { user: ada.json().id, tombstone: gone.json().id, group: group.json().id };
  const deactivate = await t.scim('PATCH', `/scim/v2/Users/${ids.tombstone}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
  expect([ada.statusCode, gone.statusCode, group.statusCode, deactivate.statusCode]).toEqual([201, 201, 201, 200]);
  before = snapshot();
});

afterAll(async () => {
  await t?.close();
});

function send(row: HostileRow) {
  const url = row.url.replace(/\{(user|group|tombstone)\}/g, (_m, key: string) => ids[key] as string);
  const headers = row.headers ?? { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
  const payload = row.body === undefined ? undefined : typeof row.body === 'string' ? row.body : JSON.stringify(row.body);
  return t.app.inject({ method: row.method, url, headers, ...(payload === undefined ? {} : { payload }) });
}

/** Things no error body may carry: a stack frame, a source path, or a credential. */
function leaks(body: string, row: HostileRow): string[] {
  const found: string[] = [];
  if (/\n\s+at\s|\bat [\w$.<>]+ \(/.test(body)) found.push('stack trace');
  if (/\/(work|home|root|tmp|usr|app|src)\/|node_modules|file:\/\/|\.(ts|js|mjs):\d+/.test(body)) found.push('file path');
  const secrets = [TOKEN, t.sim.clientSecret, ...Object.values(row.headers ?? {}).filter((v) => v.length >= 16)];
  for (const secret of secrets) if (body.includes(secret)) found.push(`secret ${secret.slice(0, 6)}…`);
  return found;
}

describe(`hostile requests (${HOSTILE_ROWS.length} rows)`, () => {
  it('has at least 100 rows, each with a unique name', () => {
    expect(HOSTILE_ROWS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(HOSTILE_ROWS.map((r) => r.name)).size).toBe(HOSTILE_ROWS.length);
  });

  it.each(HOSTILE_ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    t.resetCalls();
    const res = await send(row);

    // The documented status, as a SCIM error (RFC 7644 §3.12).
    expect(res.statusCode, res.body.slice(0, 500)).toBe(row.status);
    expect(res.headers['content-type']).toBe(SCIM_JSON);
    const body = res.json() as Record<string, unknown>;
    expect(body.schemas).toEqual([ERROR_SCHEMA]);
    expect(body.status).toBe(String(row.status));
    expect(typeof body.detail).toBe('string');
    expect(body.scimType).toBe(row.scimType);
    expect(res.body.length, 'the error does not echo the input back in full').toBeLessThan(2048);
    expect(leaks(res.body, row)).toEqual([]);

    // Jamf: nothing to refuse, and no call at all when the request is refused before any lookup.
    const calls = t.sim.counters();
    const writes = Object.entries(calls).filter(([key]) => /^(POST|PUT|DELETE) /.test(key) && !isTokenRoute(key));
    expect(writes).toEqual([]);
    if ((row.jamf ?? 'none') === 'none') expect(calls).toEqual({});

    // Nothing changed, and nothing reached Object.prototype.
    expect(snapshot()).toBe(before);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('odd projection parameters are ignored, as RFC 7644 §3.9 allows for unknown attribute names', () => {
  it.each([
    ['prototype keys in attributes', '/scim/v2/Users/{user}?attributes=__proto__.polluted,constructor.prototype'],
    ['prototype keys in excludedAttributes', '/scim/v2/Groups/{group}?excludedAttributes=__proto__,constructor'],
    // 1,000 names stay under the request-line limit (a longer URL is 414, src/http/request-limits.ts).
    ['1,000 unknown attribute names', `/scim/v2/Users?attributes=${Array.from({ length: 1000 }, (_, i) => `x${i}`).join(',')}`],
    ['markup and control characters as attribute names', `/scim/v2/Groups?attributes=${encodeURIComponent('<a>,\u0000,"')}`],
  ])('%s: 200, nothing polluted or changed', async (_label, url) => {
    const res = await send({ name: url, method: 'GET', url, status: 400 });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toBe(SCIM_JSON);
    expect(res.json().id ?? res.json().totalResults).toBeDefined();
    expect(snapshot()).toBe(before);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
