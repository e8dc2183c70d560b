import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import {
  GROUP_SCHEMA,
  JAMF,
  createGroup,
  createUser,
  expectNoContent,
  expectScimError,
  jamfGroup,
  jamfSnapshot,
  patchBody,
  q,
} from './groups-support.js';

let t: TestServer;
afterEach(async () => {
  await t.close();
});

const NAMES = ['alice', 'bob', 'carol', 'dave'] as const;
type Name = (typeof NAMES)[number];
const mail = (n: Name) => `${n}@example.com`;

let ids: Record<Name, string>;
let group: string;

async function setUp(initial: Name[]) {
  t = await startTestServer();
  ids = {} as Record<Name, string>;
  for (const n of NAMES) ids[n] = await createUser(t, mail(n));
  group = await createGroup(t, 'Engineering', initial.map((n) => ids[n]));
  t.resetCalls();
}

const member = (n: Name) => ({ value: ids[n] });
const filterPath = (n: Name) => `members[value eq "${ids[n]}"]`;

interface ShapeCase {
  shape: string;
  initial: Name[];
  ops: () => unknown[];
  members: Name[];
  name?: string;
}

/** Every PATCH shape Okta and Entra send (idp-behaviour A1.2, A2.1, A2.2, A3.3). */
const SHAPES: ShapeCase[] = [
  { shape: 'Okta add one member (with display)', initial: ['alice'], ops: () => [{ op: 'add', path: 'members', value: [{ value: ids.bob, display: mail('bob') }] }], members: ['alice', 'bob'] },
  {
    shape: 'Entra Add several members with "$ref": null',
    initial: [],
    ops: () => [{ op: 'Add', path: 'members', value: [{ $ref: null, value: ids.alice }, { $ref: null, value: ids.bob }, { $ref: null, value: ids.carol }] }],
    members: ['alice', 'bob', 'carol'],
  },
  { shape: 'add of a member already in the group (idempotent)', initial: ['alice'], ops: () => [{ op: 'add', path: 'members', value: [member('alice')] }], members: ['alice'] },
  { shape: 'remove with members[value eq] (Okta, Entra aadOptscim062020)', initial: ['alice', 'bob'], ops: () => [{ op: 'remove', path: filterPath('alice') }], members: ['bob'] },
  {
    shape: 'Entra default Remove with path "members" and a value list',
    initial: ['alice', 'bob', 'carol'],
    ops: () => [{ op: 'Remove', path: 'members', value: [member('alice'), member('carol')] }],
    members: ['bob'],
  },
  {
    shape: 'Okta remove and add in one PATCH, with the rename-with-id it sends on every push',
    initial: ['alice', 'bob'],
    ops: () => [
      { op: 'replace', value: { id: group, displayName: 'Engineering' } },
      { op: 'remove', path: filterPath('alice') },
      { op: 'add', path: 'members', value: [{ value: ids.carol, display: mail('carol') }, { value: ids.dave, display: mail('dave') }] },
    ],
    members: ['bob', 'carol', 'dave'],
  },
  { shape: 'remove of all members (no value)', initial: ['alice', 'bob'], ops: () => [{ op: 'remove', path: 'members' }], members: [] },
  { shape: 'replace members with a list', initial: ['alice', 'bob'], ops: () => [{ op: 'replace', path: 'members', value: [member('bob'), member('carol')] }], members: ['bob', 'carol'] },
  { shape: 'Okta "Push now" replace members []', initial: ['alice', 'bob'], ops: () => [{ op: 'replace', path: 'members', value: [] }], members: [] },
  { shape: 'replace members then add (folded into one replace)', initial: ['alice'], ops: () => [{ op: 'replace', path: 'members', value: [member('bob')] }, { op: 'add', path: 'members', value: [member('carol')] }], members: ['bob', 'carol'] },
  { shape: 'Entra rename by path "displayName"', initial: ['alice'], ops: () => [{ op: 'Replace', path: 'displayName', value: 'Platform' }], members: ['alice'], name: 'Platform' },
  { shape: 'Okta rename by no-path value carrying the same id', initial: ['alice'], ops: () => [{ op: 'replace', value: { id: group, displayName: 'Platform' } }], members: ['alice'], name: 'Platform' },
  { shape: 'Entra validator no-path replace of displayName', initial: [], ops: () => [{ op: 'replace', value: { displayName: 'Platform' } }], members: [], name: 'Platform' },
  {
    shape: 'rename and membership in one PATCH, op names in odd case',
    initial: ['alice', 'bob'],
    ops: () => [
      { op: 'ADD', path: 'members', value: [member('carol')] },
      { op: 'rEmOvE', path: 'members', value: [member('alice')] },
      { op: 'REPLACE', path: 'displayName', value: 'Platform' },
    ],
    members: ['bob', 'carol'],
    name: 'Platform',
  },
  {
    shape: 'add then remove of the same member in one PATCH (the later op wins)',
    initial: ['alice', 'bob'],
    ops: () => [{ op: 'add', path: 'members', value: [member('bob')] }, { op: 'remove', path: filterPath('bob') }],
    members: ['alice'],
  },
];

describe('PATCH /Groups/{id}: every IdP shape is ONE Jamf PUT, answered 204', () => {
  it.each(SHAPES)('$shape', async ({ initial, ops, members, name }) => {
    await setUp(initial);

    const res = await t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody(...ops()));

    expectNoContent(res);
    expect(jamfGroup(t, group)).toEqual({ name: name ?? 'Engineering', isSmart: false, members: members.map(mail) });
    expect(t.calls()).toEqual({ [JAMF.putGroup]: 1 });
  });
});

describe('PATCH /Groups/{id}: semantics', () => {
  beforeEach(async () => {
    await setUp(['alice', 'bob']);
  });

  it('sends a membership delta: a member an administrator added in Jamf meanwhile is kept', async () => {
    // A full-membership write from the server's view would drop the admin's addition.
    const byAdmin = t.sim.addUser({ name: 'added.in.jamf' });
    t.sim.state.groups.get(Number(group))?.memberIds.add(byAdmin);

    const res = await t.scim(
      'PATCH',
      `/scim/v2/Groups/${group}`,
      patchBody({ op: 'add', path: 'members', value: [member('carol')] }, { op: 'remove', path: filterPath('alice') }),
    );

    expectNoContent(res);
    expect(jamfGroup(t, group)?.members).toEqual(['added.in.jamf', mail('bob'), mail('carol')]);
  });

  it('answers 200 with the group when attributes are requested', async () => {
    const res = await t.scim(
      'PATCH',
      `/scim/v2/Groups/${group}?attributes=displayName,members`,
      patchBody({ op: 'add', path: 'members', value: [member('carol')] }),
    );

    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      schemas: [GROUP_SCHEMA],
      id: group,
      displayName: 'Engineering',
      members: [{ value: ids.alice }, { value: ids.bob }, { value: ids.carol, display: mail('carol') }],
    });
    expect(res.json()).not.toHaveProperty('externalId');
    // The change, then the read the response needs.
    expect(t.calls()).toEqual({ [JAMF.putGroup]: 1, [JAMF.getGroup]: 1 });
  });

  it('removing a user who is not a member is a no-op, also next to other changes', async () => {
    const alone = await t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'remove', path: filterPath('carol') }));
    expectNoContent(alone);
    expect(jamfGroup(t, group)?.members).toEqual([mail('alice'), mail('bob')]);
    // Jamf refuses a PUT that removes a non-member (jamf-pro-api.md §4.4): the group is read to see why.
    expect(t.calls()).toEqual({ [JAMF.putGroup]: 1, [JAMF.getGroup]: 1 });

    t.resetCalls();
    const mixed = await t.scim(
      'PATCH',
      `/scim/v2/Groups/${group}`,
      patchBody(
        { op: 'Remove', path: 'members', value: [member('carol'), member('alice')] },
        { op: 'Add', path: 'members', value: [member('dave')] },
        { op: 'Replace', path: 'displayName', value: 'Platform' },
      ),
    );
    expectNoContent(mixed);
    expect(jamfGroup(t, group)).toEqual({ name: 'Platform', isSmart: false, members: [mail('bob'), mail('dave')] });
    expect(t.calls()).toEqual({ [JAMF.putGroup]: 2, [JAMF.getGroup]: 1 });
  });

  it('removing an id no user has is a no-op without any Jamf call', async () => {
    const res = await t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'remove', path: 'members[value eq "9c1f2d55-gone"]' }));
    expectNoContent(res);
    expect(jamfGroup(t, group)?.members).toEqual([mail('alice'), mail('bob')]);
    expect(t.jamfCalls()).toBe(0);
  });

  it('removing a user deleted from Jamf is a no-op', async () => {
    expectNoContent(await t.scim('DELETE', `/scim/v2/Users/${ids.carol}`));
    t.resetCalls();

    const res = await t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'remove', path: filterPath('carol') }));

    expectNoContent(res);
    expect(jamfGroup(t, group)?.members).toEqual([mail('alice'), mail('bob')]);
  });

  it.each([
    { kind: 'an id this server never issued', id: () => 'no-such-user', jamfCalls: 0 },
    { kind: 'a Jamf-style id with no Jamf user', id: () => '424242', jamfCalls: undefined },
  ])('adding $kind is 400 invalidValue naming it, and nothing of the PATCH is applied', async ({ id, jamfCalls }) => {
    const before = jamfSnapshot(t);
    const res = await t.scim(
      'PATCH',
      `/scim/v2/Groups/${group}`,
      patchBody(
        { op: 'replace', path: 'displayName', value: 'Renamed' },
        { op: 'remove', path: filterPath('alice') },
        { op: 'add', path: 'members', value: [member('carol'), { value: id() }] },
      ),
    );

    expect(expectScimError(res, 400, 'invalidValue').detail).toContain(`"${id()}"`);
    expect(jamfSnapshot(t)).toBe(before);
    if (jamfCalls !== undefined) expect(t.jamfCalls()).toBe(jamfCalls);
  });

  it('a rename to a name another group has (any case) is 409 uniqueness, and the membership part is not applied', async () => {
    await createGroup(t, 'Design');
    const before = jamfSnapshot(t);
    t.resetCalls();

    const res = await t.scim(
      'PATCH',
      `/scim/v2/Groups/${group}`,
      patchBody({ op: 'replace', path: 'displayName', value: 'DESIGN' }, { op: 'add', path: 'members', value: [member('carol')] }),
    );

    expectScimError(res, 409, 'uniqueness');
    expect(jamfSnapshot(t)).toBe(before);
    expect(t.calls()).toEqual({ [JAMF.putGroup]: 1, [JAMF.listGroups]: 1 });
  });

  it('refuses an Okta rename whose id is another group, and a PATCH that removes displayName, without a Jamf call', async () => {
    const other = await t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'replace', value: { id: '999', displayName: 'X' } }));
    expectScimError(other, 400, 'mutability');
    const noName = await t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'remove', path: 'displayName' }));
    expect(noName.statusCode).toBe(400);
    expect(t.jamfCalls()).toBe(0);
    expect(jamfGroup(t, group)?.name).toBe('Engineering');
  });

  it('an externalId change is kept in the store (no Jamf call) and is filterable', async () => {
    const res = await t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'replace', value: { externalId: 'entra-7d1c' } }));
    expectNoContent(res);
    expect(t.jamfCalls()).toBe(0);

    const found = await t.scim('GET', `/scim/v2/Groups?filter=${q('externalId eq "entra-7d1c"')}&excludedAttributes=members`);
    expect(found.json()).toMatchObject({ totalResults: 1, Resources: [{ id: group, externalId: 'entra-7d1c' }] });
  });

  it('PATCH on an unknown group is 404', async () => {
    expectScimError(await t.scim('PATCH', '/scim/v2/Groups/31337', patchBody({ op: 'add', path: 'members', value: [member('alice')] })), 404);
    expectScimError(await t.scim('PATCH', '/scim/v2/Groups/abc', patchBody({ op: 'add', path: 'members', value: [member('alice')] })), 404);
  });

  it('after a restart a group this server created still costs one call per PATCH', async () => {
    await t.restart();
    t.resetCalls();
    expectNoContent(await t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'add', path: 'members', value: [member('dave')] })));
    expect(t.calls()).toEqual({ [JAMF.putGroup]: 1 });
  });

  it('a group made in Jamf by hand is read once to make sure it is static, then costs one call per PATCH', async () => {
    const byHand = String(t.sim.addGroup({ name: 'Made in Jamf' }));
    expectNoContent(await t.scim('PATCH', `/scim/v2/Groups/${byHand}`, patchBody({ op: 'add', path: 'members', value: [member('alice')] })));
    expect(t.calls()).toEqual({ [JAMF.getGroup]: 1, [JAMF.putGroup]: 1 });

    t.resetCalls();
    expectNoContent(await t.scim('PATCH', `/scim/v2/Groups/${byHand}`, patchBody({ op: 'add', path: 'members', value: [member('bob')] })));
    expect(t.calls()).toEqual({ [JAMF.putGroup]: 1 });
    expect(jamfGroup(t, byHand)?.members).toEqual([mail('alice'), mail('bob')]);
  });
});

describe('concurrent PATCHes to one group', () => {
  it('20 parallel adds of different users lose no change: Jamf ends with the union', async () => {
    t = await startTestServer();
    const initial = t.sim.addUser({ name: 'already.there' });
    const group = String(t.sim.addGroup({ name: 'Crowd', memberIds: [initial] }));
    const users = Array.from({ length: 20 }, (_, i) => String(t.sim.addUser({ name: `user${String(i).padStart(2, '0')}` })));
    t.resetCalls();

    const results = await Promise.all(
      users.map((u) => t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'add', path: 'members', value: [{ value: u }] }))),
    );

    for (const r of results) expectNoContent(r);
    expect(jamfGroup(t, group)?.members).toEqual(['already.there', ...users.map((_, i) => `user${String(i).padStart(2, '0')}`)]);
    // One writer per group: the PATCHes that arrived while a PUT was in flight went out merged.
    const puts = t.calls()[JAMF.putGroup] ?? 0;
    expect(puts).toBeGreaterThanOrEqual(1);
    expect(puts).toBeLessThan(20);
    expect(t.sim.maxConcurrentWrites()).toBe(1);
    // The Jamf client never exceeds its concurrency limit, however many PATCHes arrive.
    expect(t.sim.maxObservedConcurrency()).toBeLessThanOrEqual(5);
  });

  it('parallel adds, removes and non-member removes mixed: every change lands', async () => {
    t = await startTestServer();
    const stay = Array.from({ length: 5 }, (_, i) => t.sim.addUser({ name: `stay${i}` }));
    const leave = Array.from({ length: 5 }, (_, i) => t.sim.addUser({ name: `leave${i}` }));
    const join = Array.from({ length: 5 }, (_, i) => t.sim.addUser({ name: `join${i}` }));
    const outsiders = Array.from({ length: 5 }, (_, i) => t.sim.addUser({ name: `outsider${i}` }));
    const group = String(t.sim.addGroup({ name: 'Churn', memberIds: [...stay, ...leave] }));

    const requests = [
      ...join.map((u) => patchBody({ op: 'add', path: 'members', value: [{ value: String(u) }] })),
      ...leave.map((u) => patchBody({ op: 'remove', path: `members[value eq "${u}"]` })),
      ...outsiders.map((u) => patchBody({ op: 'Remove', path: 'members', value: [{ value: String(u) }] })),
    ];
    const results = await Promise.all(requests.map((body) => t.scim('PATCH', `/scim/v2/Groups/${group}`, body)));

    for (const r of results) expectNoContent(r);
    const expected = [...stay.map((_, i) => `stay${i}`), ...join.map((_, i) => `join${i}`)].sort();
    expect(jamfGroup(t, group)?.members).toEqual(expected);
  });
});
