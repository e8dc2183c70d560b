import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PRIVILEGES } from '../../src/simulator/index.js';
import { startTestServer, type TestServer } from '../helper.js';
import {
  ENTRA_GROUP_SCHEMA,
  GROUP_SCHEMA,
  JAMF,
  LIST_RESPONSE,
  SCIM_CONTENT_TYPE,
  createGroup,
  createUser,
  expectNoContent,
  expectScimError,
  groupBody,
  jamfGroup,
  jamfSnapshot,
  patchBody,
  q,
} from './groups-support.js';

let t: TestServer;
afterEach(async () => {
  await t.close();
});

describe('POST /Groups', () => {
  beforeEach(async () => {
    t = await startTestServer();
  });

  it('creates an empty static group (Okta Group Push) with one Jamf call and answers 201 with Location', async () => {
    const res = await t.scim('POST', '/scim/v2/Groups', groupBody('Engineering', { members: [] }));

    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['content-type']).toBe(SCIM_CONTENT_TYPE);
    const body = res.json();
    expect(body).toMatchObject({ schemas: [GROUP_SCHEMA], displayName: 'Engineering', meta: { resourceType: 'Group' } });
    // No members: `members` is unassigned and omitted (RFC 7643 §2.5).
    expect(body).not.toHaveProperty('members');
    expect(body.id).toMatch(/^\d+$/);
    expect(res.headers.location).toBe(body.meta.location);
    expect(body.meta.location).toMatch(new RegExp(`/scim/v2/Groups/${body.id}$`));
    expect(jamfGroup(t, body.id)).toEqual({ name: 'Engineering', isSmart: false, members: [] });
    expect(t.calls()).toEqual({ [JAMF.createGroup]: 1 });
  });

  it('creates the group with its members in ONE Jamf call; members carry SCIM ids and the userName as display', async () => {
    const alice = await createUser(t, 'alice@example.com');
    // A user made by hand in Jamf, never seen by this server: the IdP's display is all it knows.
    const jamfOnly = String(t.sim.addUser({ name: 'jo.admin' }));
    t.resetCalls();

    const res = await t.scim(
      'POST',
      '/scim/v2/Groups',
      groupBody('Builders', { members: [{ value: alice }, { value: jamfOnly, display: 'jo.admin' }] }),
    );

    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().members).toEqual([
      { value: alice, display: 'alice@example.com', $ref: expect.stringMatching(new RegExp(`/Users/${alice}$`)), type: 'User' },
      { value: jamfOnly, display: 'jo.admin', $ref: expect.stringMatching(new RegExp(`/Users/${jamfOnly}$`)), type: 'User' },
    ]);
    expect(t.calls()).toEqual({ [JAMF.createGroup]: 1 });
    expect(jamfGroup(t, res.json().id)?.members).toEqual(['alice@example.com', 'jo.admin']);
  });

  it('accepts the Entra create body (extra schema URN, externalId, meta) and keeps externalId', async () => {
    const res = await t.scim('POST', '/scim/v2/Groups', {
      schemas: [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Sales',
      meta: { resourceType: 'Group' },
    });

    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ displayName: 'Sales', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159' });
    expect(res.json()).not.toHaveProperty('members');
    expect(t.calls()).toEqual({ [JAMF.createGroup]: 1 });
    const get = await t.scim('GET', `/scim/v2/Groups/${res.json().id}`);
    expect(get.json().externalId).toBe('8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159');
  });

  it('refuses a displayName taken in another case with 409 uniqueness and creates nothing', async () => {
    await createGroup(t, 'Engineering');
    const before = jamfSnapshot(t);
    t.resetCalls();

    const res = await t.scim('POST', '/scim/v2/Groups', groupBody('ENGINEERING'));

    expectScimError(res, 409, 'uniqueness');
    expect(jamfSnapshot(t)).toBe(before);
    // Jamf's 409 is read as a duplicate only after the list shows the name taken.
    expect(t.calls()).toEqual({ [JAMF.createGroup]: 1, [JAMF.listGroups]: 1 });
  });

  it('refuses the name of a smart group with 409 uniqueness, although filters never show that group', async () => {
    t.sim.addGroup({ name: 'All Staff', isSmart: true });
    expectScimError(await t.scim('POST', '/scim/v2/Groups', groupBody('all staff')), 409, 'uniqueness');
    expect([...t.sim.state.groups.values()].filter((g) => !g.is_smart)).toEqual([]);
  });

  it('keeps XML-special characters in names exactly, on create and on rename', async () => {
    const name = 'R&D <Core> "Ops" \'24';
    const res = await t.scim('POST', '/scim/v2/Groups', groupBody(name));
    expect(res.statusCode, res.body).toBe(201);
    expect(jamfGroup(t, res.json().id)?.name).toBe(name);

    const renamed = `${name} & Friends`;
    expectNoContent(await t.scim('PATCH', `/scim/v2/Groups/${res.json().id}`, patchBody({ op: 'replace', path: 'displayName', value: renamed })));
    expect(jamfGroup(t, res.json().id)?.name).toBe(renamed);
    const found = await t.scim('GET', `/scim/v2/Groups?filter=${q(`displayName eq "${renamed.replace(/"/g, '\\"')}"`)}`);
    expect(found.json()).toMatchObject({ totalResults: 1, Resources: [{ displayName: renamed }] });
  });

  it('refuses a member who does not exist with 400 invalidValue naming the id, and creates no group', async () => {
    const alice = await createUser(t, 'alice@example.com');
    const before = jamfSnapshot(t);

    // An id this server never issued is refused before Jamf is called.
    t.resetCalls();
    const unknown = await t.scim('POST', '/scim/v2/Groups', groupBody('Ghosts', { members: [{ value: alice }, { value: 'no-such-user' }] }));
    expect(expectScimError(unknown, 400, 'invalidValue').detail).toContain('"no-such-user"');
    expect(t.jamfCalls()).toBe(0);

    // A Jamf-style id with no Jamf user: Jamf refuses the create, so nothing is half made.
    const missing = await t.scim('POST', '/scim/v2/Groups', groupBody('Ghosts', { members: [{ value: alice }, { value: '9999' }] }));
    expect(expectScimError(missing, 400, 'invalidValue').detail).toContain('"9999"');
    expect(jamfSnapshot(t)).toBe(before);
  });

  it('refuses a group without displayName with 400', async () => {
    const res = await t.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_SCHEMA], members: [] });
    expect(res.statusCode, res.body).toBe(400);
    expect(t.sim.state.groups.size).toBe(0);
  });
});

describe('GET /Groups/{id}, PUT and DELETE', () => {
  let alice: string;
  let bob: string;
  let group: string;
  beforeEach(async () => {
    t = await startTestServer();
    alice = await createUser(t, 'alice@example.com');
    bob = await createUser(t, 'bob@example.com');
    group = await createGroup(t, 'Engineering', [alice, bob], { externalId: 'ext-eng' });
    t.resetCalls();
  });

  it('reads the group with one Jamf call: members with SCIM ids and display, externalId, meta', async () => {
    const res = await t.scim('GET', `/scim/v2/Groups/${group}`);

    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      schemas: [GROUP_SCHEMA],
      id: group,
      displayName: 'Engineering',
      externalId: 'ext-eng',
      members: [
        { value: alice, display: 'alice@example.com', type: 'User' },
        { value: bob, display: 'bob@example.com', type: 'User' },
      ],
      meta: { resourceType: 'Group', location: expect.stringMatching(new RegExp(`/scim/v2/Groups/${group}$`)) },
    });
    expect(t.calls()).toEqual({ [JAMF.getGroup]: 1 });
  });

  it('reflects changes made in Jamf by an administrator (Jamf is the source of truth)', async () => {
    const g = t.sim.state.groups.get(Number(group));
    if (!g) throw new Error('group missing');
    g.name = 'Engineering (renamed in Jamf)';
    g.memberIds.delete(Number(alice));

    const res = await t.scim('GET', `/scim/v2/Groups/${group}`);
    expect(res.json().displayName).toBe('Engineering (renamed in Jamf)');
    expect(res.json().members.map((m: { value: string }) => m.value)).toEqual([bob]);
  });

  it('honours excludedAttributes=members and attributes=displayName', async () => {
    const excluded = await t.scim('GET', `/scim/v2/Groups/${group}?excludedAttributes=members`);
    expect(excluded.statusCode).toBe(200);
    expect(excluded.json()).not.toHaveProperty('members');
    expect(excluded.json()).toMatchObject({ id: group, displayName: 'Engineering' });

    const only = await t.scim('GET', `/scim/v2/Groups/${group}?attributes=displayName`);
    expect(only.json()).toEqual({ schemas: [GROUP_SCHEMA], id: group, displayName: 'Engineering', meta: { resourceType: 'Group' } });
    expect(t.calls()).toEqual({ [JAMF.getGroup]: 2 });
  });

  it('answers 404 for an id that is no Jamf group, without a Jamf call when the id cannot be one', async () => {
    expectScimError(await t.scim('GET', '/scim/v2/Groups/98765'), 404);
    t.resetCalls();
    expectScimError(await t.scim('GET', '/scim/v2/Groups/not-a-jamf-id'), 404);
    expect(t.jamfCalls()).toBe(0);
  });

  it('PUT (Okta AIW) replaces displayName and members', async () => {
    const carol = await createUser(t, 'carol@example.com');
    const res = await t.scim('PUT', `/scim/v2/Groups/${group}`, groupBody('Platform', { id: group, members: [{ value: bob }, { value: carol }] }));

    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: group, displayName: 'Platform', members: [{ value: bob }, { value: carol }] });
    expect(jamfGroup(t, group)).toEqual({ name: 'Platform', isSmart: false, members: ['bob@example.com', 'carol@example.com'] });
  });

  it('DELETE removes the Jamf group with one call; a second DELETE and a GET are 404', async () => {
    const res = await t.scim('DELETE', `/scim/v2/Groups/${group}`);

    expectNoContent(res);
    expect(t.calls()).toEqual({ [JAMF.deleteGroup]: 1 });
    expect(jamfGroup(t, group)).toBeUndefined();
    expect(t.sim.state.users.size).toBe(2);
    expectScimError(await t.scim('DELETE', `/scim/v2/Groups/${group}`), 404);
    expectScimError(await t.scim('GET', `/scim/v2/Groups/${group}`), 404);
    const byExternalId = await t.scim('GET', `/scim/v2/Groups?filter=${q('externalId eq "ext-eng"')}`);
    expect(byExternalId.json()).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('a group deleted in Jamf by an administrator is 404 to GET, PATCH and DELETE', async () => {
    t.sim.state.groups.delete(Number(group));

    expectScimError(await t.scim('GET', `/scim/v2/Groups/${group}`), 404);
    expectScimError(await t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'add', path: 'members', value: [{ value: alice }] })), 404);
    expectScimError(await t.scim('DELETE', `/scim/v2/Groups/${group}`), 404);
    expect(t.sim.state.groups.size).toBe(0);
  });
});

const SMART_PRIVILEGES = ['Create', 'Read', 'Update', 'Delete'].map((a) => `${a} Smart User Groups`);

describe.each([
  // The least-privilege role (design §1) cannot even read a smart group by id; the list says what it is.
  { role: 'static-group privileges only (default)', privileges: DEFAULT_PRIVILEGES },
  { role: 'smart-group privileges too', privileges: [...DEFAULT_PRIVILEGES, ...SMART_PRIVILEGES] },
])('smart user groups are never exposed or changed, API client with $role', ({ privileges }) => {
  let alice: string;
  let smart: number;
  beforeEach(async () => {
    t = await startTestServer({ privileges });
    alice = await createUser(t, 'alice@example.com');
    smart = t.sim.addGroup({ name: 'All Staff (smart)', isSmart: true, memberIds: [Number(alice)] });
    await createGroup(t, 'Engineering', [alice]);
    t.resetCalls();
  });

  it('GET, PATCH, PUT and DELETE on a smart group are 404 and write nothing to Jamf', async () => {
    const before = jamfSnapshot(t);

    expectScimError(await t.scim('GET', `/scim/v2/Groups/${smart}`), 404);
    expectScimError(await t.scim('PATCH', `/scim/v2/Groups/${smart}`, patchBody({ op: 'replace', path: 'displayName', value: 'Hijacked' })), 404);
    expectScimError(await t.scim('PUT', `/scim/v2/Groups/${smart}`, groupBody('Hijacked', { members: [] })), 404);
    expectScimError(await t.scim('DELETE', `/scim/v2/Groups/${smart}`), 404);

    expect(jamfSnapshot(t)).toBe(before);
    expect(Object.keys(t.calls()).filter((k) => !k.startsWith('GET '))).toEqual([]);
  });

  it('after a restart (nothing remembered) a PATCH on a smart group is still 404', async () => {
    await t.restart();
    const before = jamfSnapshot(t);
    expectScimError(await t.scim('PATCH', `/scim/v2/Groups/${smart}`, patchBody({ op: 'remove', path: 'members' })), 404);
    expect(jamfSnapshot(t)).toBe(before);
  });

  it('lists, filters and the user groups attribute leave smart groups out', async () => {
    const list = await t.scim('GET', '/scim/v2/Groups');
    expect(list.json().Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Engineering']);
    expect(list.json().totalResults).toBe(1);

    const byName = await t.scim('GET', `/scim/v2/Groups?filter=${q('displayName eq "All Staff (smart)"')}`);
    expect(byName.json()).toMatchObject({ totalResults: 0, Resources: [] });
    const byId = await t.scim('GET', `/scim/v2/Groups?filter=${q(`id eq "${smart}"`)}`);
    expect(byId.json()).toMatchObject({ totalResults: 0, Resources: [] });
    const byMember = await t.scim('GET', `/scim/v2/Groups?filter=${q(`members[value eq "${alice}"]`)}`);
    expect(byMember.json().Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Engineering']);

    const user = await t.scim('GET', `/scim/v2/Users/${alice}`);
    expect(user.json().groups.map((g: { display: string }) => g.display)).toEqual(['Engineering']);
  });
});

describe('GET /Groups: import paging and filters', () => {
  let alice: string;
  let bob: string;
  let staticIds: number[];
  beforeEach(async () => {
    t = await startTestServer();
    alice = await createUser(t, 'alice@example.com');
    bob = await createUser(t, 'bob@example.com');
    // Groups made by hand in Jamf, smart ones in between, plus one made through SCIM.
    staticIds = [];
    staticIds.push(t.sim.addGroup({ name: 'Jamf Admins', memberIds: [Number(alice)] }));
    t.sim.addGroup({ name: 'Smart One', isSmart: true, memberIds: [Number(alice)] });
    staticIds.push(t.sim.addGroup({ name: 'Engineering', memberIds: [Number(alice), Number(bob)] }));
    staticIds.push(t.sim.addGroup({ name: 'Design' }));
    t.sim.addGroup({ name: 'Smart Two', isSmart: true });
    staticIds.push(t.sim.addGroup({ name: 'Sales', memberIds: [Number(bob)] }));
    staticIds.push(Number(await createGroup(t, 'Support', [bob], { externalId: 'okta-00g-support' })));
    t.resetCalls();
  });

  it('pages over every static group in id order with the true totalResults (Okta Import Groups)', async () => {
    const seen: string[] = [];
    for (let startIndex = 1; startIndex <= 5; startIndex += 2) {
      t.resetCalls();
      const res = await t.scim('GET', `/scim/v2/Groups?startIndex=${startIndex}&count=2`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      expect(page.schemas).toEqual([LIST_RESPONSE]);
      expect(page.totalResults).toBe(5);
      expect(page.startIndex).toBe(startIndex);
      expect(page.itemsPerPage).toBe(page.Resources.length);
      seen.push(...page.Resources.map((g: { id: string }) => g.id));
      // One list plus one read per group on the page, for its members.
      expect(t.calls()).toEqual({ [JAMF.listGroups]: 1, [JAMF.getGroup]: page.Resources.length });
    }
    expect(seen).toEqual(staticIds.map(String));

    const past = await t.scim('GET', '/scim/v2/Groups?startIndex=6&count=2');
    expect(past.json()).toMatchObject({ totalResults: 5, startIndex: 6, itemsPerPage: 0, Resources: [] });
  });

  it('lists members as SCIM ids with display, and externalId where the IdP set one', async () => {
    const res = await t.scim('GET', '/scim/v2/Groups?startIndex=1&count=100');
    const byName = new Map(res.json().Resources.map((g: { displayName: string }) => [g.displayName, g]));
    expect(byName.get('Engineering')).toMatchObject({
      members: [
        { value: alice, display: 'alice@example.com' },
        { value: bob, display: 'bob@example.com' },
      ],
    });
    expect(byName.get('Design')).not.toHaveProperty('members');
    expect(byName.get('Support')).toMatchObject({ externalId: 'okta-00g-support' });
  });

  it('serves a list with excludedAttributes=members (or attributes=displayName) from ONE Jamf call', async () => {
    const excluded = await t.scim('GET', '/scim/v2/Groups?excludedAttributes=members');
    expect(excluded.json().totalResults).toBe(5);
    for (const g of excluded.json().Resources) expect(g).not.toHaveProperty('members');
    expect(t.calls()).toEqual({ [JAMF.listGroups]: 1 });

    t.resetCalls();
    const only = await t.scim('GET', '/scim/v2/Groups?attributes=displayName&startIndex=2&count=2');
    expect(only.json().Resources).toEqual([
      { schemas: [GROUP_SCHEMA], id: String(staticIds[1]), displayName: 'Engineering', meta: { resourceType: 'Group' } },
      { schemas: [GROUP_SCHEMA], id: String(staticIds[2]), displayName: 'Design', meta: { resourceType: 'Group' } },
    ]);
    expect(t.calls()).toEqual({ [JAMF.listGroups]: 1 });
  });

  it('filters displayName eq case-insensitively; with excludedAttributes=members from one call (Entra match)', async () => {
    const full = await t.scim('GET', `/scim/v2/Groups?filter=${q('displayName eq "ENGINEERING"')}&startIndex=1&count=100`);
    expect(full.json()).toMatchObject({ totalResults: 1, Resources: [{ id: String(staticIds[1]), displayName: 'Engineering', members: [{}, {}] }] });
    expect(t.calls()).toEqual({ [JAMF.listGroups]: 1, [JAMF.getGroup]: 1 });

    t.resetCalls();
    const lean = await t.scim('GET', `/scim/v2/Groups?excludedAttributes=members&filter=${q('displayName eq "engineering"')}`);
    expect(lean.json()).toMatchObject({ totalResults: 1, Resources: [{ id: String(staticIds[1]), displayName: 'Engineering' }] });
    expect(lean.json().Resources[0]).not.toHaveProperty('members');
    expect(t.calls()).toEqual({ [JAMF.listGroups]: 1 });

    // Entra's test connection and a first-time match: no match is 200 with an empty list.
    const none = await t.scim('GET', `/scim/v2/Groups?excludedAttributes=members&filter=${q('displayName eq "9d0e2c3a-nope"')}`);
    expect(none.statusCode).toBe(200);
    expect(none.json()).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 0, Resources: [] });
  });

  it('filters externalId eq (exact case) and id eq', async () => {
    const support = String(staticIds[4]);
    const ext = await t.scim('GET', `/scim/v2/Groups?filter=${q('externalId eq "okta-00g-support"')}`);
    expect(ext.json()).toMatchObject({ totalResults: 1, Resources: [{ id: support, externalId: 'okta-00g-support' }] });
    const otherCase = await t.scim('GET', `/scim/v2/Groups?filter=${q('externalId eq "OKTA-00G-SUPPORT"')}`);
    expect(otherCase.json().totalResults).toBe(0);

    t.resetCalls();
    const byId = await t.scim('GET', `/scim/v2/Groups?filter=${q(`id eq "${support}"`)}&excludedAttributes=members`);
    expect(byId.json()).toMatchObject({ totalResults: 1, Resources: [{ id: support, displayName: 'Support' }] });
    expect(t.calls()).toEqual({ [JAMF.getGroup]: 1 });
  });

  it('filters members[value eq] to the static groups of that user; without members from one call', async () => {
    const full = await t.scim('GET', `/scim/v2/Groups?filter=${q(`members[value eq "${alice}"]`)}`);
    expect(full.json().Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Jamf Admins', 'Engineering']);

    t.resetCalls();
    const lean = await t.scim('GET', `/scim/v2/Groups?filter=${q(`members[value eq "${bob}"]`)}&excludedAttributes=members`);
    expect(lean.json()).toMatchObject({
      totalResults: 3,
      Resources: [{ displayName: 'Engineering' }, { displayName: 'Sales' }, { displayName: 'Support', externalId: 'okta-00g-support' }],
    });
    expect(t.calls()).toEqual({ [JAMF.getUser]: 1 });

    const nobody = await t.scim('GET', `/scim/v2/Groups?filter=${q('members[value eq "no-such-user"]')}`);
    expect(nobody.json()).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('combines a lookup with further terms (and) and pages the matches', async () => {
    const both = await t.scim('GET', `/scim/v2/Groups?filter=${q(`displayName eq "Engineering" and members[value eq "${bob}"]`)}`);
    expect(both.json()).toMatchObject({ totalResults: 1, Resources: [{ displayName: 'Engineering' }] });
    const neither = await t.scim('GET', `/scim/v2/Groups?filter=${q(`displayName eq "Sales" and members[value eq "${alice}"]`)}`);
    expect(neither.json().totalResults).toBe(0);

    const paged = await t.scim('GET', `/scim/v2/Groups?filter=${q(`members[value eq "${bob}"]`)}&startIndex=2&count=1`);
    expect(paged.json()).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1, Resources: [{ displayName: 'Sales' }] });
  });
});
