/** The console's groups: search by displayName or externalId, a group's page with members and history, 404s. */
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/types.js';
import { createUser, startConsoleServer, type Cleanups, type ConsoleServer } from './support.js';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

async function createGroup(t: ConsoleServer, displayName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, ...extra });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
}

describe('admin console groups', () => {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('finds static groups by a part of displayName or externalId, never smart groups, and caches the Jamf list for 30 s', async () => {
    const t = await startConsoleServer(cleanups);
    const staff = await createGroup(t, 'Engineering Staff', { externalId: 'okta-grp-4411' });
    const design = await createGroup(t, 'Design');
    t.sim.addGroup({ name: 'Engineering (smart)', isSmart: true });

    const byName = await t.admin('GET', '/admin/api/groups?q=ENGINEER');
    expect(byName.statusCode).toBe(200);
    expect(byName.headers['cache-control']).toBe('no-store');
    expect(byName.json()).toEqual({ results: [{ id: staff, displayName: 'Engineering Staff', externalId: 'okta-grp-4411', members: null }], total: 1 });

    t.resetCalls();
    const byExternal = (await t.admin('GET', '/admin/api/groups?q=grp-44')).json() as { results: Array<{ id: string }> };
    expect(byExternal.results.map((g) => g.id)).toEqual([staff]);
    expect(t.jamfCalls()).toBe(0);

    // A group created in Jamf shows once the cached list has expired.
    const later = t.sim.addGroup({ name: 'Design Ops' });
    expect(((await t.admin('GET', '/admin/api/groups?q=design')).json() as { total: number }).total).toBe(1);
    t.clock.ms += 30_000;
    const both = (await t.admin('GET', '/admin/api/groups?q=design&count=1')).json() as { results: Array<{ id: string }>; total: number };
    expect(both).toEqual({ results: [{ id: design, displayName: 'Design', externalId: null, members: null }], total: 2 });
    expect(((await t.admin('GET', '/admin/api/groups?q=ops')).json() as { results: Array<{ id: string }> }).results.map((g) => g.id)).toEqual([String(later)]);

    expect((await t.admin('GET', '/admin/api/groups?q=nothing-like-this')).json()).toEqual({ results: [], total: 0 });
    for (const bad of ['/admin/api/groups', '/admin/api/groups?q=%20', '/admin/api/groups?q=a&count=0', '/admin/api/groups?q=a&count=101']) {
      const res = await t.admin('GET', bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json()).toEqual({ error: expect.any(String) });
    }
  });

  it('shows a group: the SCIM resource with its members, and its history newest first', async () => {
    const t = await startConsoleServer(cleanups);
    const alice = await createUser(t, 'alice@example.com');
    const bob = await createUser(t, 'bob@example.com');
    const staff = await createGroup(t, 'Staff', { externalId: 'okta-grp-1', members: [{ value: alice }] });
    t.clock.ms += 1000;
    const added = await t.scim('PATCH', `/Groups/${staff}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: bob }] }] });
    expect(added.statusCode).toBe(204);

    const res = await t.admin('GET', `/admin/api/groups/${staff}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json() as { scim: { members: Array<{ value: string; display: string }> } & Record<string, unknown>; audit: AuditEntry[] };
    expect(body.scim).toEqual((await t.scim('GET', `/Groups/${staff}`)).json());
    expect(body.scim).toMatchObject({ id: staff, displayName: 'Staff', externalId: 'okta-grp-1' });
    expect(body.scim.members.map((m) => [m.value, m.display]).sort()).toEqual([
      [alice, 'alice@example.com'],
      [bob, 'bob@example.com'],
    ]);
    expect(body.audit.map((e) => e.action)).toEqual(['group.members_added', 'group.created']);
    expect(body.audit.every((e) => e.scimId === staff && e.credential === 'okta')).toBe(true);
  });

  it('answers 404 for an unknown group and for a smart group', async () => {
    const t = await startConsoleServer(cleanups);
    const smart = t.sim.addGroup({ name: 'All Engineers (smart)', isSmart: true });
    for (const id of ['99999', String(smart), 'not-an-id']) {
      const res = await t.admin('GET', `/admin/api/groups/${id}`);
      expect(res.statusCode, id).toBe(404);
      expect(res.json()).toEqual({ error: expect.any(String) });
    }
  });
});
