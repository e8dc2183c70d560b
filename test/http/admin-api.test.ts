import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { AuditEntry } from '../../src/audit/types.js';
import { registerAdminRoutes } from '../../src/http/admin-routes.js';
import { createJamfClient } from '../../src/jamf/index.js';
import { createSimulator } from '../../src/simulator/index.js';
import { openSqliteStore, type SqliteStateStore } from '../../src/store/sqlite-store.js';
import { auditEntry } from '../audit/fixtures.js';
import { TOKEN, captureLogs } from '../helper.js';

const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghijklmnop';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('admin audit API', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function adminApp(options: { adminToken?: string | undefined; authFailureLimit?: number } = {}) {
    const store: SqliteStateStore = openSqliteStore(':memory:');
    const logs = captureLogs('info');
    const app: FastifyInstance = Fastify({ loggerInstance: logs.logger }) as unknown as FastifyInstance;
    cleanups.push(() => store.close(), () => app.close());
    const adminToken = 'adminToken' in options ? options.adminToken : ADMIN_TOKEN;
    registerAdminRoutes(app, { adminToken, audit: store.audit, authFailureLimit: options.authFailureLimit ?? 20 });
    const get = async (query = '', headers: Record<string, string> = admin) => {
      const res = await app.inject({ method: 'GET', url: `/admin/api/audit${query}`, headers });
      return { res, body: res.json() as { total: number; entries: AuditEntry[]; next: number | null; error?: string } };
    };
    return { app, store, logs, get, append: (e: Partial<Parameters<typeof auditEntry>[0]> = {}) => store.audit.append(auditEntry(e)) };
  }

  it('answers the entries newest first as JSON that no cache keeps', async () => {
    const t = await adminApp();
    const first = await t.append({ detail: { changed: ['title'] } });
    const second = await t.append({ action: 'user.deactivated', jamfIds: [101] });
    const { res, body } = await t.get();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(body.total).toBe(2);
    expect(body.next).toBeNull();
    expect(body.entries.map((e) => [e.seq, e.action])).toEqual([
      [second, 'user.deactivated'],
      [first, 'user.created'],
    ]);
    expect(body.entries[1]).toMatchObject({ requestId: 'req-1', credential: 'okta', name: 'alice@example.com', detail: { changed: ['title'] }, jamfCalls: [{ method: 'POST', status: 201 }] });
  });

  it('filters by user, group, action, outcome and time', async () => {
    const t = await adminApp();
    const alice = await t.append({ time: '2026-03-01T08:00:00.000Z' });
    const bob = await t.append({ scimId: '102', name: 'bob@example.com', time: '2026-03-02T08:00:00.000Z', outcome: 'failure', detail: { error: 'Jamf answered 500', status: 500 } });
    const added = await t.append({ action: 'group.members_added', resourceType: 'Group', scimId: '7', name: 'Staff', members: ['101'], time: '2026-03-03T08:00:00.000Z' });
    const seqs = async (query: string) => (await t.get(query)).body.entries.map((e) => e.seq);
    expect(await seqs('?user=ALICE@example.com')).toEqual([added, alice]);
    expect(await seqs('?user=102')).toEqual([bob]);
    expect(await seqs('?group=staff')).toEqual([added]);
    expect(await seqs('?action=group.members_added,user.deleted')).toEqual([added]);
    expect(await seqs('?outcome=failure')).toEqual([bob]);
    expect(await seqs('?since=2026-03-02T08:00:00Z&until=2026-03-03')).toEqual([bob]);
    expect(await seqs(`?since=${encodeURIComponent('2026-03-02T10:00:00+02:00')}`)).toEqual([added, bob]);
    expect((await t.get('?user=nobody')).body).toEqual({ total: 0, entries: [], next: null });
  });

  it('pages through next and polls for new entries with after', async () => {
    const t = await adminApp();
    const all = await Promise.all(Array.from({ length: 7 }, (_, i) => t.append({ requestId: `r${i}` })));
    const seen: number[] = [];
    let url = '?count=3';
    for (;;) {
      const { body } = await t.get(url);
      expect(body.total).toBe(7);
      seen.push(...body.entries.map((e) => e.seq));
      if (body.next === null) break;
      url = `?count=3&before=${body.next}`;
    }
    expect(seen).toEqual([...all].reverse());

    const newest = all[all.length - 1] as number;
    expect((await t.get(`?after=${newest}`)).body.entries).toEqual([]);
    const later = await t.append({ requestId: 'later' });
    expect((await t.get(`?after=${newest}`)).body.entries.map((e) => e.requestId)).toEqual(['later']);
    expect(later).toBeGreaterThan(newest);
  });

  it('refuses a bad parameter with 400 naming it', async () => {
    const t = await adminApp();
    for (const [query, name] of [
      ['?action=user.created,user.exploded', 'action'],
      ['?outcome=maybe', 'outcome'],
      ['?since=yesterday', 'since'],
      ['?until=2026-02-30', 'until'],
      ['?before=-1', 'before'],
      ['?after=1.5', 'after'],
      ['?count=0', 'count'],
      ['?count=1001', 'count'],
      ['?limit=5', 'limit'],
      ['?user=a&user=b', 'user'],
      ['?group=', 'group'],
    ] as const) {
      const { res, body } = await t.get(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(body.error, query).toContain(name);
    }
  });

  it('answers 401 with a Bearer challenge without the admin token, and logs the address, never the token', async () => {
    const t = await adminApp();
    t.append();
    const missing = await t.get('', {});
    expect(missing.res.statusCode).toBe(401);
    expect(missing.res.headers['www-authenticate']).toBe('Bearer');
    expect(missing.body).toEqual({ error: 'missing or invalid admin token' });
    const wrong = await t.get('', { authorization: 'Bearer not-the-admin-token-but-long-enough' });
    expect(wrong.res.statusCode).toBe(401);
    expect(wrong.res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(wrong.body.entries).toBeUndefined();
    const warnings = t.logs.lines.filter((l) => l.includes('authentication failed'));
    expect(warnings).toHaveLength(2);
    expect(JSON.parse(warnings[1] as string)).toMatchObject({ ip: '127.0.0.1', endpoint: 'admin', credentials: 'invalid' });
    expect(t.logs.lines.join('\n')).not.toContain('not-the-admin-token');
  });

  it('throttles failed attempts from an address with 429 and Retry-After, and still lets the admin token in', async () => {
    const t = await adminApp({ authFailureLimit: 3 });
    const bad = { authorization: 'Bearer wrong-token-wrong-token-wrong' };
    for (let i = 0; i < 3; i++) expect((await t.get('', bad)).res.statusCode).toBe(401);
    const limited = await t.get('', bad);
    expect(limited.res.statusCode).toBe(429);
    expect(Number(limited.res.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error).toMatch(/too many/);
    expect((await t.get()).res.statusCode).toBe(200);
  });

  it('does not exist without ADMIN_TOKEN', async () => {
    const t = await adminApp({ adminToken: undefined });
    expect((await t.get()).res.statusCode).toBe(404);
    expect((await t.get('', {})).res.statusCode).toBe(404);
  });

  it('in the server: takes no SCIM token, and the admin token opens nothing under /scim/v2', async () => {
    const sim = createSimulator();
    const baseUrl = await sim.listen();
    const logger = pino({ level: 'silent' });
    const jamf = createJamfClient({ baseUrl, clientId: sim.clientId, clientSecret: sim.clientSecret, logger, retryBaseMs: 1 });
    const store = openSqliteStore(':memory:');
    const app = await buildApp({ jamf, store, logger, bearerTokens: [TOKEN], audit: store.audit, adminToken: ADMIN_TOKEN });
    cleanups.push(() => sim.close(), () => store.close(), () => jamf.close(), () => app.close());
    await store.audit.append(auditEntry());
    const get = (url: string, token: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

    expect((await get('/admin/api/audit', TOKEN)).statusCode).toBe(401);
    const audit = await get('/admin/api/audit', ADMIN_TOKEN);
    expect(audit.statusCode).toBe(200);
    expect((audit.json() as { total: number }).total).toBe(1);
    expect((await get('/scim/v2/Users?count=1', ADMIN_TOKEN)).statusCode).toBe(401);
    expect((await get('/scim/v2/Users?count=1', TOKEN)).statusCode).toBe(200);
  });
});
