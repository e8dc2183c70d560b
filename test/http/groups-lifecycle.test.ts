import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import {
  JAMF,
  USER_SCHEMA,
  createGroup,
  createUser,
  expectNoContent,
  groupBody,
  jamfGroup,
  jamfIdOf,
  patchBody,
  q,
  setActive,
} from './groups-support.js';

let t: TestServer;
let alice: string;
let bob: string;
beforeEach(async () => {
  t = await startTestServer();
  alice = await createUser(t, 'alice@example.com');
  bob = await createUser(t, 'bob@example.com');
});
afterEach(async () => {
  await t.close();
});

const groupsOf = async (userId: string) => {
  const res = await t.scim('GET', `/scim/v2/Users/${userId}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().groups as Array<{ value: string; display?: string }>).map((g) => ({ value: g.value, display: g.display }));
};
const memberValues = async (groupId: string) => {
  const res = await t.scim('GET', `/scim/v2/Groups/${groupId}`);
  expect(res.statusCode, res.body).toBe(200);
  return ((res.json().members ?? []) as Array<{ value: string }>).map((m) => m.value).sort();
};

describe('deactivated members', () => {
  it('a user in three groups is deactivated, one group renamed, one deleted: reactivated, it is back in the two that exist', async () => {
    const a = await createGroup(t, 'Alpha', [alice, bob]);
    const b = await createGroup(t, 'Bravo', [alice]);
    const c = await createGroup(t, 'Charlie', [alice]);

    await setActive(t, alice, false);
    // Jamf has no disabled state: the user is gone from Jamf and so from the Jamf groups...
    expect(t.sim.state.users.size).toBe(1);
    expect(jamfGroup(t, a)?.members).toEqual(['bob@example.com']);
    expect(jamfGroup(t, b)?.members).toEqual([]);
    // ...but to the IdP it is still a member, and its groups attribute says where.
    expect(await groupsOf(alice)).toEqual([
      { value: a, display: 'Alpha' },
      { value: b, display: 'Bravo' },
      { value: c, display: 'Charlie' },
    ]);
    expect(await memberValues(a)).toEqual([alice, bob].sort());
    const lean = await t.scim('GET', `/scim/v2/Groups?filter=${q(`members[value eq "${alice}"]`)}&excludedAttributes=members`);
    expect(lean.json().Resources.map((g: { id: string }) => g.id)).toEqual([a, b, c]);

    expectNoContent(await t.scim('PATCH', `/scim/v2/Groups/${a}`, patchBody({ op: 'replace', path: 'displayName', value: 'Alpha Renamed' })));
    expectNoContent(await t.scim('DELETE', `/scim/v2/Groups/${b}`));
    expect(await groupsOf(alice)).toEqual([
      { value: a, display: 'Alpha Renamed' },
      { value: c, display: 'Charlie' },
    ]);

    t.resetCalls();
    const res = await t.scim('PATCH', `/scim/v2/Users/${alice}`, patchBody({ op: 'Replace', path: 'active', value: 'True' }));

    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: alice, active: true });
    expect(res.json().groups.map((g: { value: string; display: string }) => [g.value, g.display])).toEqual([
      [a, 'Alpha Renamed'],
      [c, 'Charlie'],
    ]);
    expect(jamfGroup(t, a)?.members).toEqual(['alice@example.com', 'bob@example.com']);
    expect(jamfGroup(t, c)?.members).toEqual(['alice@example.com']);
    expect(jamfGroup(t, b)).toBeUndefined();
    // One create, one PUT per group that still exists, one list for the group names.
    expect(t.calls()).toEqual({ [JAMF.postUser]: 1, [JAMF.putGroup]: 2 });

    // The same SCIM id, although Jamf gave the re-created user a new id.
    expect(jamfIdOf(t, 'alice@example.com')).not.toBe(Number(alice));
    expect(await memberValues(a)).toEqual([alice, bob].sort());
    expect(await groupsOf(alice)).toEqual([
      { value: a, display: 'Alpha Renamed' },
      { value: c, display: 'Charlie' },
    ]);
  });

  it('a group deleted in Jamf by an administrator while the user was inactive is skipped on reactivation', async () => {
    const a = await createGroup(t, 'Alpha', [alice]);
    const b = await createGroup(t, 'Bravo', [alice]);
    await setActive(t, alice, false);
    t.sim.state.groups.delete(Number(a));

    await setActive(t, alice, true);

    expect(jamfGroup(t, b)?.members).toEqual(['alice@example.com']);
    expect((await groupsOf(alice)).map((g) => g.value)).toEqual([b]);
  });

  it('adding a deactivated user records it in the tombstone (no Jamf write) and Jamf gets it on reactivation', async () => {
    const g = await createGroup(t, 'Sales');
    await setActive(t, alice, false);
    t.resetCalls();

    const res = await t.scim('PATCH', `/scim/v2/Groups/${g}`, patchBody({ op: 'Add', path: 'members', value: [{ $ref: null, value: alice }] }));

    expectNoContent(res);
    expect(t.jamfCalls()).toBe(0);
    expect(jamfGroup(t, g)?.members).toEqual([]);
    expect(await memberValues(g)).toEqual([alice]);
    expect(await groupsOf(alice)).toEqual([{ value: g, display: 'Sales' }]);

    await setActive(t, alice, true);
    expect(jamfGroup(t, g)?.members).toEqual(['alice@example.com']);
  });

  it('a group PATCH adding a deactivated user while the IdP reactivates it is not lost', async () => {
    // Okta re-assigns a user and pushes its group at once: the two requests overlap.
    const g = await createGroup(t, 'Sales');
    await setActive(t, alice, false);
    let reactivation: ReturnType<TestServer['scim']> | undefined;
    const stop = t.sim.onCall((call) => {
      // The group PUT (for bob) is in Jamf's hands when the reactivation arrives.
      if (call.phase === 'received' && call.method === 'PUT' && reactivation === undefined) {
        reactivation = t.scim('PATCH', `/scim/v2/Users/${alice}`, patchBody({ op: 'replace', value: { active: true } }));
      }
    });

    const res = await t.scim('PATCH', `/scim/v2/Groups/${g}`, patchBody({ op: 'add', path: 'members', value: [{ value: alice }, { value: bob }] }));
    const reactivated = await reactivation;
    stop();

    expectNoContent(res);
    expect(reactivated?.statusCode, reactivated?.body).toBe(200);
    expect(jamfGroup(t, g)?.members).toEqual(['alice@example.com', 'bob@example.com']);
    expect(await groupsOf(alice)).toEqual([{ value: g, display: 'Sales' }]);
  });

  it('one PATCH adding an active and a deactivated user makes one Jamf PUT for the active one', async () => {
    const g = await createGroup(t, 'Sales');
    await setActive(t, alice, false);
    t.resetCalls();

    const res = await t.scim('PATCH', `/scim/v2/Groups/${g}`, patchBody({ op: 'add', path: 'members', value: [{ value: alice }, { value: bob }] }));

    expectNoContent(res);
    expect(t.calls()).toEqual({ [JAMF.putGroup]: 1 });
    expect(jamfGroup(t, g)?.members).toEqual(['bob@example.com']);
    expect(await memberValues(g)).toEqual([alice, bob].sort());
  });

  it.each([
    { shape: 'Entra value form', op: (id: string) => ({ op: 'Remove', path: 'members', value: [{ value: id }] }) },
    { shape: 'filter form', op: (id: string) => ({ op: 'remove', path: `members[value eq "${id}"]` }) },
    { shape: 'replace members []', op: () => ({ op: 'replace', path: 'members', value: [] }) },
  ])('removing a deactivated member ($shape) drops it from the tombstone: reactivation does not re-add it', async ({ op }) => {
    const g = await createGroup(t, 'Sales', [alice]);
    await setActive(t, alice, false);

    expectNoContent(await t.scim('PATCH', `/scim/v2/Groups/${g}`, patchBody(op(alice))));
    expect(await memberValues(g)).toEqual([]);
    expect(await groupsOf(alice)).toEqual([]);

    await setActive(t, alice, true);
    expect(jamfGroup(t, g)?.members).toEqual([]);
  });

  it('POST /Groups with a deactivated member records it; the Jamf group gets the active ones', async () => {
    await setActive(t, alice, false);
    t.resetCalls();

    const res = await t.scim('POST', '/scim/v2/Groups', groupBody('Mixed', { members: [{ value: alice }, { value: bob }] }));

    expect(res.statusCode, res.body).toBe(201);
    const g = res.json().id as string;
    expect(res.json().members.map((m: { value: string; display: string }) => [m.value, m.display])).toEqual([
      [alice, 'alice@example.com'],
      [bob, 'bob@example.com'],
    ]);
    expect(t.calls()).toEqual({ [JAMF.createGroup]: 1 });
    expect(jamfGroup(t, g)?.members).toEqual(['bob@example.com']);
    expect(await groupsOf(alice)).toEqual([{ value: g, display: 'Mixed' }]);
  });
});

describe('the groups attribute of a User', () => {
  it('lists the static groups only, with id, display and $ref', async () => {
    const g = await createGroup(t, 'Engineering', [alice]);
    t.sim.addGroup({ name: 'Everyone (smart)', isSmart: true, memberIds: [Number(alice)] });

    const res = await t.scim('GET', `/scim/v2/Users/${alice}`);

    expect(res.json().groups).toEqual([
      { value: g, display: 'Engineering', $ref: expect.stringMatching(new RegExp(`/scim/v2/Groups/${g}$`)), type: 'direct' },
    ]);
  });

  it('is read-only: an Okta PUT with "groups": [] and a PATCH of groups leave Jamf memberships alone', async () => {
    const g = await createGroup(t, 'Engineering', [alice]);

    const put = await t.scim('PUT', `/scim/v2/Users/${alice}`, {
      schemas: [USER_SCHEMA],
      id: alice,
      userName: 'alice@example.com',
      name: { givenName: 'alice', familyName: 'Tester' },
      emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
      active: true,
      groups: [],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().groups.map((x: { value: string }) => x.value)).toEqual([g]);

    const patch = await t.scim('PATCH', `/scim/v2/Users/${bob}`, patchBody({ op: 'add', path: 'groups', value: [{ value: g }] }));
    expect(patch.statusCode, patch.body).toBe(200);

    expect(jamfGroup(t, g)?.members).toEqual(['alice@example.com']);
  });
});
