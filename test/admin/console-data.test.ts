/** The console's data: status, the connection check, users, deactivated users and their purge, traffic history. */
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/types.js';
import { DEFAULT_PRIVILEGES } from '../../src/simulator/index.js';
import { BEARER, createUser, signIn, startConsoleServer, STARTED, type Cleanups, type ConsoleServer } from './support.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface Hit {
  id: string;
  userName: string;
  displayName: string | null;
  externalId: string | null;
  active: boolean;
  jamfId: number | null;
}

async function deactivate(t: ConsoleServer, id: string) {
  const res = await t.scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
  expect(res.statusCode).toBe(200);
}

async function people(t: ConsoleServer) {
  const alice = await createUser(t, 'alice@example.com', { externalId: 'ext-77-alice', displayName: 'Alice Liddell', emails: [{ value: 'alice@example.com', primary: true }] });
  const bob = await createUser(t, 'bob@example.com');
  const carol = await createUser(t, 'carol@example.com', { externalId: 'ext-78-carol' });
  const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Staff', members: [{ value: alice }, { value: carol }] });
  expect(group.statusCode).toBe(201);
  await deactivate(t, carol);
  return { alice, bob, carol };
}

describe('admin console data', () => {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('shows the status: version, uptime, Jamf reachability, version, token path, queue and the last check', async () => {
    const t = await startConsoleServer(cleanups);
    await createUser(t, 'alice@example.com');
    t.clock.ms = STARTED + 90_500;
    const res = await t.admin('GET', '/admin/api/status');
    expect(res.statusCode).toBe(200);
    const body = res.json() as Record<string, unknown> & { jamf: Record<string, unknown> };
    expect(body).toMatchObject({ uptimeSeconds: 90, startedAt: new Date(STARTED).toISOString(), check: null });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.jamf).toEqual({
      url: 'https://example.jamfcloud.com',
      reachable: true,
      since: new Date(STARTED).toISOString(),
      lastError: null,
      lastSuccess: expect.any(String),
      version: expect.stringMatching(/^11\.30\.1/),
      tokenPath: '/api/v1/oauth/token',
      missingPrivileges: [],
      queue: { queued: 0, inFlight: 0, limit: 100 },
    });
  });

  it('runs the connection check against Jamf, names a missing privilege, keeps the result in status, one at a time', async () => {
    const t = await startConsoleServer(cleanups, { sim: { privileges: DEFAULT_PRIVILEGES.filter((p) => p !== 'Delete Static User Groups') } });
    const [first, second] = await Promise.all([t.admin('POST', '/admin/api/check'), t.admin('POST', '/admin/api/check')]);
    expect(second?.statusCode).toBe(409);
    expect(second?.json()).toEqual({ error: expect.stringMatching(/running/) });
    expect(first?.statusCode).toBe(200);
    const check = first?.json() as { ranAt: string; ok: boolean; steps: Array<{ name: string; ok: boolean; detail: string }> };
    expect(check.ok).toBe(false);
    expect(check.ranAt).toBe(new Date(STARTED).toISOString());
    const failed = check.steps.filter((s) => !s.ok);
    expect(failed.map((s) => s.name)).toContain('Delete a static user group');
    expect(failed.find((s) => s.name === 'Delete a static user group')?.detail).toContain('"Delete Static User Groups"');
    expect(check.steps.find((s) => s.name === 'Create a user')?.ok).toBe(true);
    const status = (await t.admin('GET', '/admin/api/status')).json() as { check: unknown; jamf: { missingPrivileges: Array<{ privilege: string }> } };
    expect(status.check).toEqual(check);
    expect(status.jamf.missingPrivileges.map((m) => m.privilege)).toContain('Delete Static User Groups');
  });

  it('finds users by a part of userName, displayName or externalId, Jamf users no SCIM user holds, and tombstones', async () => {
    const t = await startConsoleServer(cleanups);
    const { alice, carol } = await people(t);
    const unmanaged = t.sim.addUser({ name: 'dave.unmanaged' });
    const search = async (q: string) => {
      const res = await t.admin('GET', `/admin/api/users?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(200);
      return res.json() as { results: Hit[]; total: number };
    };
    expect((await search('ALICE@')).results).toEqual([
      { id: alice, userName: 'alice@example.com', displayName: 'Alice Liddell', externalId: 'ext-77-alice', active: true, jamfId: Number(alice) },
    ]);
    expect((await search('liddell')).results.map((h) => h.id)).toEqual([alice]);
    expect((await search('ext-77')).results.map((h) => h.id)).toEqual([alice]);
    expect((await search('ext-7')).results.map((h) => h.id)).toEqual([alice, carol]);
    expect((await search('carol')).results).toEqual([
      { id: carol, userName: 'carol@example.com', displayName: null, externalId: 'ext-78-carol', active: false, jamfId: null },
    ]);
    expect((await search('unmanaged')).results).toEqual([
      { id: String(unmanaged), userName: 'dave.unmanaged', displayName: null, externalId: null, active: true, jamfId: unmanaged },
    ]);
    const capped = await t.admin('GET', '/admin/api/users?q=example.com&count=2');
    expect(capped.json()).toMatchObject({ total: 3, results: [{ userName: 'alice@example.com' }, { userName: 'bob@example.com' }] });
    expect((await t.admin('GET', '/admin/api/users?q=')).statusCode).toBe(400);
    expect((await t.admin('GET', '/admin/api/users?q=a&count=101')).statusCode).toBe(400);
  });

  it("keeps Jamf's user list for 30 s between searches", async () => {
    const t = await startConsoleServer(cleanups);
    await createUser(t, 'alice@example.com');
    t.resetCalls();
    await t.admin('GET', '/admin/api/users?q=a');
    await t.admin('GET', '/admin/api/users?q=al');
    expect(t.jamfCalls()).toBe(1);
    t.clock.ms += 30_000;
    await t.admin('GET', '/admin/api/users?q=ali');
    expect(t.jamfCalls()).toBe(2);
  });

  it('shows a user: the SCIM resource, the Jamf record and its audit entries', async () => {
    const t = await startConsoleServer(cleanups);
    const { alice, carol } = await people(t);
    t.resetCalls();
    const res = await t.admin('GET', `/admin/api/users/${alice}`);
    expect(res.statusCode).toBe(200);
    // The SCIM view and the Jamf record shown beside it come from one Jamf read.
    expect(t.jamfCalls()).toBe(1);
    const body = res.json() as { scim: Record<string, unknown>; jamf: Record<string, unknown>; audit: AuditEntry[] };
    const scimView = (await t.scim('GET', `/Users/${alice}`)).json() as Record<string, unknown>;
    expect(body.scim).toEqual(scimView);
    expect(body.jamf).toEqual({
      id: Number(alice),
      name: 'alice@example.com',
      fullName: 'Alice Liddell',
      email: 'alice@example.com',
      phoneNumber: '',
      position: '',
      groups: [{ id: expect.any(Number), name: 'Staff' }],
    });
    // Newest first: the group created with her as a member, then her creation.
    expect(body.audit.map((e) => [e.action, e.credential])).toEqual([
      ['group.created', 'okta'],
      ['user.created', 'okta'],
    ]);

    const tomb = (await t.admin('GET', `/admin/api/users/${carol}`)).json() as { scim: { active: boolean }; jamf: unknown; audit: AuditEntry[] };
    expect(tomb.scim.active).toBe(false);
    expect(tomb.jamf).toBeNull();
    expect(tomb.audit[0]).toMatchObject({ action: 'user.deactivated', credential: 'okta' });

    const unknown = await t.admin('GET', '/admin/api/users/99999');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: expect.any(String) });
  });

  it('lists deactivated users with who deactivated them, and purges one: no Jamf call, an audit entry by admin', async () => {
    const t = await startConsoleServer(cleanups);
    const { alice, carol } = await people(t);
    t.clock.ms += 5000;
    const list = await t.admin('GET', '/admin/api/deactivated');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({
      total: 1,
      results: [
        { id: carol, userName: 'carol@example.com', externalId: 'ext-78-carol', status: 'inactive', deactivatedAt: new Date(STARTED).toISOString(), deactivatedBy: 'okta', groups: 1 },
      ],
    });
    expect((await t.admin('GET', '/admin/api/deactivated?startIndex=2')).json()).toEqual({ total: 1, results: [] });
    expect((await t.admin('GET', '/admin/api/deactivated?count=0')).statusCode).toBe(400);

    const { cookie, csrf } = await signIn(t);
    const active = await t.admin('DELETE', `/admin/api/deactivated/${alice}`, { headers: BEARER });
    expect(active.statusCode).toBe(409);
    expect(active.json()).toEqual({ error: expect.stringMatching(/active/) });
    expect((await t.admin('DELETE', '/admin/api/deactivated/424242', { headers: BEARER })).statusCode).toBe(404);

    t.resetCalls();
    const purged = await t.admin('DELETE', `/admin/api/deactivated/${carol}`, { headers: { cookie, 'x-csrf-token': csrf, 'x-request-id': 'purge-req-1' } });
    expect(purged.statusCode).toBe(204);
    expect(t.jamfCalls()).toBe(0);
    expect(await t.store.getUser(carol)).toBeNull();
    const entry = (await t.store.audit.query({ action: ['tombstone.purged'], limit: 10 })).entries;
    expect(entry).toEqual([
      expect.objectContaining({ action: 'tombstone.purged', scimId: carol, name: 'carol@example.com', credential: 'admin', requestId: 'purge-req-1', outcome: 'success', jamfCalls: [] }),
    ]);
    expect((await t.admin('GET', '/admin/api/deactivated')).json()).toEqual({ total: 0, results: [] });
    expect((await t.admin('DELETE', `/admin/api/deactivated/${carol}`)).statusCode).toBe(404);
    expect((await t.scim('GET', `/Users/${carol}`)).statusCode).toBe(404);
  });

  it('counts SCIM requests and Jamf calls per minute, with Jamf errors and latency', async () => {
    const t = await startConsoleServer(cleanups);
    const minute = Math.floor(STARTED / 60_000) * 60_000;
    t.resetCalls();
    await createUser(t, 'alice@example.com');
    expect((await t.scim('GET', '/Users/77777')).statusCode).toBe(404);
    expect((await t.scim('GET', '/NoSuchEndpoint')).statusCode).toBe(404);
    const jamfInFirst = t.sim.totalCalls();
    t.clock.ms += 2 * 60_000;
    t.sim.setKnobs({ faults: { next: [{ method: 'GET', fault: 500, count: 1 }] } });
    await t.scim('GET', '/Users?count=5');
    t.resetCalls();
    t.clock.ms += 60_000;
    const res = await t.admin('GET', '/admin/api/history');
    expect(res.statusCode).toBe(200);
    const { minutes } = res.json() as { minutes: Array<Record<string, number>> };
    expect(minutes.map((m) => m.t)).toEqual([minute, minute + 120_000, minute + 180_000]);
    expect(minutes[0]).toMatchObject({ scimRequests: 3, scimErrors: 0, jamfCalls: jamfInFirst, jamfErrors: 0 });
    expect(minutes[0]?.jamfMaxMs).toBeGreaterThanOrEqual(minutes[0]?.jamfMeanMs ?? 0);
    expect(minutes[1]).toMatchObject({ scimRequests: 1, jamfErrors: 1 });
    // Admin requests are not SCIM traffic; the current minute is shown even when empty.
    expect(minutes[2]).toEqual({ t: minute + 180_000, scimRequests: 0, scimErrors: 0, jamfCalls: 0, jamfErrors: 0, jamfMeanMs: 0, jamfMaxMs: 0 });

    t.clock.ms += 24 * 60 * 60_000;
    const later = (await t.admin('GET', '/admin/api/history')).json() as { minutes: Array<{ t: number }> };
    expect(later.minutes.map((m) => m.t)).toEqual([minute + 180_000 + 24 * 60 * 60_000]);
  });
});
