/**
 * Single lifecycle steps interrupted at an exact Jamf call (targeted faults), then repeated by
 * the IdP: the cases the random runs found, pinned so they cannot come back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { PATCH_OP, USER_SCHEMA, GROUP_SCHEMA } from './lifecycles.js';

const USER_ROUTE = '/JSSResource/users/id/:id';
const BY_NAME = '/JSSResource/users/name/:name';
const GROUP_ROUTE = '/JSSResource/usergroups/id/:id';
const setActive = (active: boolean) => ({ schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] });

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  await t.close();
});

async function userInGroup(): Promise<{ id: string; group: string }> {
  const created = await t.scim('POST', '/scim/v2/Users', { schemas: [USER_SCHEMA], userName: 'ada@example.com', name: { givenName: 'Ada', familyName: 'L' } });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const group = await t.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: id }] });
  expect(group.statusCode, group.body).toBe(201);
  return { id, group: group.json().id as string };
}

const jamfUsersNamed = (name: string) => [...t.sim.state.users.values()].filter((u) => u.name === name);
const storeStatus = async (id: string) => (await t.store.getUser(id))?.status;

describe('a reactivation interrupted after Jamf created the user', () => {
  it('stays pending while Jamf cannot be read, then adopts that user: no 409, no second user, groups restored', async () => {
    const { id, group } = await userInGroup();
    expect((await t.scim('PATCH', `/scim/v2/Users/${id}`, setActive(false))).statusCode).toBe(200);

    // 1st attempt: Jamf creates the user but the answer is lost, and the lookup that would find it fails.
    t.sim.setKnobs({
      faults: {
        next: [
          { method: 'POST', route: USER_ROUTE, fault: 'reset-after' },
          { method: 'GET', route: BY_NAME, fault: 503, count: 4 },
        ],
      },
    });
    expect((await t.scim('PATCH', `/scim/v2/Users/${id}`, setActive(true))).statusCode).toBe(503);
    expect(await storeStatus(id)).toBe('reactivating');

    // The IdP repeats: Jamf says "duplicate name", and the lookup fails again. Nothing is decided.
    t.sim.setKnobs({ faults: { next: [{ method: 'GET', route: BY_NAME, fault: 503, count: 4 }] } });
    const second = await t.scim('PATCH', `/scim/v2/Users/${id}`, setActive(true));
    expect(second.statusCode, second.body).toBe(503);
    expect(await storeStatus(id)).toBe('reactivating');

    // Jamf is back: the repeat adopts the user Jamf already holds.
    t.sim.setKnobs({ faults: {} });
    const third = await t.scim('PATCH', `/scim/v2/Users/${id}`, setActive(true));
    expect(third.statusCode, third.body).toBe(200);
    expect(third.json()).toMatchObject({ id, active: true, groups: [{ value: group, display: 'Engineering' }] });
    expect(jamfUsersNamed('ada@example.com')).toHaveLength(1);
    expect(await storeStatus(id)).toBe('active');
    const jamfId = jamfUsersNamed('ada@example.com')[0]?.id as number;
    expect([...(t.sim.state.groups.get(Number(group))?.memberIds ?? [])]).toEqual([jamfId]);
  });
});

describe('a deletion whose answer was lost', () => {
  it('DELETE /Groups repeated by the IdP answers 204, and a third DELETE 404', async () => {
    const { group } = await userInGroup();
    // Jamf deletes the group, the answer is lost, and the client's own retries get 503.
    t.sim.setKnobs({
      faults: {
        next: [
          { method: 'DELETE', route: GROUP_ROUTE, fault: 'reset-after' },
          { method: 'DELETE', route: GROUP_ROUTE, fault: 503, count: 3 },
        ],
      },
    });
    expect((await t.scim('DELETE', `/scim/v2/Groups/${group}`)).statusCode).toBe(503);
    expect(t.sim.state.groups.size).toBe(0);

    const repeat = await t.scim('DELETE', `/scim/v2/Groups/${group}`);
    expect(repeat.statusCode, repeat.body).toBe(204);
    expect(await t.store.getGroup(group)).toBeNull();
    expect((await t.scim('DELETE', `/scim/v2/Groups/${group}`)).statusCode).toBe(404);
  });

  it('DELETE /Users repeated by the IdP answers 204, and a third DELETE 404', async () => {
    const { id } = await userInGroup();
    t.sim.setKnobs({
      faults: {
        next: [
          { method: 'DELETE', route: USER_ROUTE, fault: 'reset-after' },
          { method: 'DELETE', route: USER_ROUTE, fault: 503, count: 3 },
        ],
      },
    });
    expect((await t.scim('DELETE', `/scim/v2/Users/${id}`)).statusCode).toBe(503);
    expect(jamfUsersNamed('ada@example.com')).toHaveLength(0);

    expect((await t.scim('DELETE', `/scim/v2/Users/${id}`)).statusCode).toBe(204);
    expect(await t.store.getUser(id)).toBeNull();
    expect((await t.scim('DELETE', `/scim/v2/Users/${id}`)).statusCode).toBe(404);
  });
});
