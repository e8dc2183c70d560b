import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { GROUP_SCHEMA, groupBody } from './groups-support.js';
import { ENTERPRISE, USER_SCHEMA, createUser, expectScimError, jamfUserByName, oktaCreateBody, patchBody, q } from './users-support.js';

/**
 * RFC 7643/7644 conformance of what the server returns: value-filtered projection (RFC 7644
 * §3.9, §3.10), complex attributes kept as the schema defines them (RFC 7643 §4.2, §4.3),
 * unassigned attributes (RFC 7643 §2.5), name composition (design.md §3), and /Schemas
 * describing every attribute the server returns (RFC 7643 §7).
 */
let t: TestServer;

beforeEach(async () => {
  t = await startTestServer();
});

afterEach(async () => {
  await t.close();
});

const get = async (url: string) => {
  const res = await t.scim('GET', url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Record<string, unknown> & { Resources?: Array<Record<string, unknown>> };
};

const patchUser = async (id: string, ...operations: unknown[]) => {
  const res = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody(...operations));
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Record<string, unknown>;
};

const jamfFullName = (id: string): string | undefined => t.sim.state.users.get(Number(id))?.full_name;

async function twoEmailUser(): Promise<string> {
  return createUser(t, {
    ...oktaCreateBody('ada@example.com'),
    emails: [
      { value: 'ada@example.com', type: 'work', primary: true },
      { value: 'ada@home.example.org', type: 'home' },
    ],
  });
}

describe('value-filtered attribute paths in attributes and excludedAttributes (RFC 7644 §3.9, §3.10)', () => {
  it('attributes=emails[type eq "work"] returns exactly the matching values, with no Jamf call beyond the read', async () => {
    const id = await twoEmailUser();
    t.resetCalls();
    const user = await get(`/scim/v2/Users/${id}?attributes=${q('emails[type eq "work"]')}`);
    expect(user.emails).toEqual([{ value: 'ada@example.com', type: 'work', primary: true }]);
    expect(Object.keys(user).sort()).toEqual(['emails', 'id', 'meta', 'schemas']);
    expect(t.jamfCalls()).toBe(1);

    const byValue = await get(`/scim/v2/Users/${id}?attributes=${q('emails[value eq "ADA@home.example.org"]')}`);
    expect(byValue.emails).toEqual([{ value: 'ada@home.example.org', type: 'home' }]);
  });

  it('attributes=emails[type eq "work"].value returns only that sub-attribute, also in a list and beside other names', async () => {
    const id = await twoEmailUser();
    const user = await get(`/scim/v2/Users/${id}?attributes=${q('emails[type eq "work"].value')}`);
    expect(user.emails).toEqual([{ value: 'ada@example.com' }]);

    const list = await get(`/scim/v2/Users?filter=${q('userName eq "ada@example.com"')}&attributes=${q('userName,emails[type eq "home"].value')}`);
    expect(list.Resources?.[0]).toMatchObject({ userName: 'ada@example.com', emails: [{ value: 'ada@home.example.org' }] });
    expect(list.Resources?.[0]).not.toHaveProperty('name');

    const none = await get(`/scim/v2/Users/${id}?attributes=${q('emails[type eq "other"]')}`);
    expect(none).not.toHaveProperty('emails');
  });

  it('a comma inside a value filter does not split the name', async () => {
    const id = await twoEmailUser();
    const user = await get(`/scim/v2/Users/${id}?attributes=${q('emails[value eq "x,y" or type eq "home"].type,title')}`);
    expect(user.emails).toEqual([{ type: 'home' }]);
  });

  it('excludedAttributes drops the matching values, or their sub-attribute', async () => {
    const id = await twoEmailUser();
    const without = await get(`/scim/v2/Users/${id}?excludedAttributes=${q('emails[type eq "work"]')}`);
    expect(without.emails).toEqual([{ value: 'ada@home.example.org', type: 'home' }]);
    expect(without).toMatchObject({ userName: 'ada@example.com', name: { givenName: 'Ada' } });

    const noValue = await get(`/scim/v2/Users/${id}?excludedAttributes=${q('emails[type eq "work"].value')}`);
    expect(noValue.emails).toEqual([{ type: 'work', primary: true }, { value: 'ada@home.example.org', type: 'home' }]);

    const all = await get(`/scim/v2/Users/${id}?excludedAttributes=${q('emails[value ew "example.com" or value ew "example.org"]')}`);
    expect(all).not.toHaveProperty('emails');
  });

  it('projects group members by value filter, on a single group and in a list', async () => {
    const alice = await createUser(t, oktaCreateBody('alice@example.com', 'Alice', 'A'));
    const bob = await createUser(t, oktaCreateBody('bob@example.com', 'Bob', 'B'));
    const created = await t.scim('POST', '/scim/v2/Groups', groupBody('Pilots', { members: [{ value: alice }, { value: bob }] }));
    expect(created.statusCode, created.body).toBe(201);
    const groupId = created.json().id as string;

    const group = await get(`/scim/v2/Groups/${groupId}?attributes=${q(`members[value eq "${bob}"]`)}`);
    expect(group.members).toEqual([expect.objectContaining({ value: bob, display: 'bob@example.com' })]);
    expect(group).not.toHaveProperty('displayName');

    const list = await get(`/scim/v2/Groups?attributes=${q(`members[value eq "${alice}"].value`)}`);
    expect(list.Resources).toEqual([expect.objectContaining({ id: groupId, members: [{ value: alice }] })]);

    const excluded = await get(`/scim/v2/Groups/${groupId}?excludedAttributes=${q(`members[value eq "${alice}"]`)}`);
    expect((excluded.members as Array<{ value: string }>).map((m) => m.value)).toEqual([bob]);
  });

  it('a malformed value filter is 400 invalidFilter', async () => {
    const id = await twoEmailUser();
    expectScimError(await t.scim('GET', `/scim/v2/Users/${id}?attributes=${q('emails[type eq]')}`), 400, 'invalidFilter');
    expectScimError(await t.scim('GET', `/scim/v2/Users/${id}?attributes=${q('emails[type eq "work"')}`), 400, 'invalidFilter');
    expectScimError(await t.scim('GET', `/scim/v2/Users/${id}?attributes=${q('name[givenName eq "Ada"]')}`), 400, 'invalidFilter');
  });
});

describe('enterprise manager keeps value, $ref and displayName (RFC 7643 §4.3)', () => {
  it('round-trips through POST, GET, PUT and PATCH, with no Jamf write for a manager-only change', async () => {
    const boss = await createUser(t, oktaCreateBody('boss@example.com', 'Grace', 'Hopper'));
    const other = await createUser(t, oktaCreateBody('other@example.com', 'Alan', 'Turing'));
    const manager = { value: boss, $ref: `https://idp.example.com/Users/${boss}`, displayName: 'Grace Hopper' };
    const body = { ...oktaCreateBody('ada@example.com'), [ENTERPRISE]: { department: 'R&D', manager } };
    const id = await createUser(t, body);
    const managerOf = async () => ((await get(`/scim/v2/Users/${id}`))[ENTERPRISE] as { manager?: unknown } | undefined)?.manager;
    expect(await managerOf()).toEqual(manager);

    // PUT replaces: what the PUT carries is what is kept.
    const put = await t.scim('PUT', `/scim/v2/Users/${id}`, { ...body, [ENTERPRISE]: { manager: { value: other, $ref: `../Users/${other}` } } });
    expect(put.statusCode, put.body).toBe(200);
    expect(await managerOf()).toEqual({ value: other, $ref: `../Users/${other}` });

    t.resetCalls();
    let res = await patchUser(id, { op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'Alan Turing' });
    expect((res[ENTERPRISE] as { manager: unknown }).manager).toEqual({ value: other, $ref: `../Users/${other}`, displayName: 'Alan Turing' });
    expect(t.calls()).toEqual({ 'GET /JSSResource/users/id/:id': 1 });

    // The same manager id merges (RFC 7644 §3.5.2.3); a new id starts a new manager.
    res = await patchUser(id, { op: 'replace', path: 'manager', value: { value: other } });
    expect((res[ENTERPRISE] as { manager: unknown }).manager).toEqual({ value: other, $ref: `../Users/${other}`, displayName: 'Alan Turing' });
    res = await patchUser(id, { op: 'replace', path: 'manager', value: [{ value: boss, $ref: `../Users/${boss}` }] });
    expect((res[ENTERPRISE] as { manager: unknown }).manager).toEqual({ value: boss, $ref: `../Users/${boss}` });

    res = await patchUser(id, { op: 'remove', path: 'manager.$ref' });
    expect((res[ENTERPRISE] as { manager: unknown }).manager).toEqual({ value: boss });
    expect(await managerOf()).toEqual({ value: boss });

    const filtered = await get(`/scim/v2/Users?filter=${q(`manager eq "${boss}"`)}`);
    expect(filtered.Resources?.map((r) => r.id)).toEqual([id]);
  });

  it('refuses a $ref or displayName that is not a string', async () => {
    const id = await createUser(t, oktaCreateBody('ada@example.com'));
    const bad = { ...oktaCreateBody('bad@example.com'), [ENTERPRISE]: { manager: { value: id, $ref: 7 } } };
    expectScimError(await t.scim('POST', '/scim/v2/Users', bad), 400, 'invalidValue');
    const res = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'add', path: 'manager.displayName', value: { x: 1 } }));
    expectScimError(res, 400, 'invalidValue');
  });
});

describe('group members as the schema defines them (RFC 7643 §4.2, §2.5)', () => {
  it('returns value, $ref, display from the server and type "User"; refuses another type without a Jamf call', async () => {
    const alice = await createUser(t, oktaCreateBody('alice@example.com', 'Alice', 'A'));
    const created = await t.scim('POST', '/scim/v2/Groups', groupBody('Pilots', { members: [{ value: alice, type: 'User', display: 'whatever' }] }));
    expect(created.statusCode, created.body).toBe(201);
    const groupId = created.json().id as string;
    const members = (await get(`/scim/v2/Groups/${groupId}`)).members;
    expect(members).toEqual([{ value: alice, display: 'alice@example.com', $ref: expect.stringMatching(new RegExp(`/Users/${alice}$`)), type: 'User' }]);

    t.resetCalls();
    const nested = await t.scim('POST', '/scim/v2/Groups', groupBody('Nested', { members: [{ value: groupId, type: 'Group' }] }));
    expectScimError(nested, 400, 'invalidValue');
    const patched = await t.scim('PATCH', `/scim/v2/Groups/${groupId}`, patchBody({ op: 'add', path: 'members', value: [{ value: groupId, type: 'Group' }] }));
    expectScimError(patched, 400, 'invalidValue');
    expect(t.jamfCalls()).toBe(0);
  });

  it('omits members once the last one is removed, on GET and in a list', async () => {
    const alice = await createUser(t, oktaCreateBody('alice@example.com', 'Alice', 'A'));
    const created = await t.scim('POST', '/scim/v2/Groups', groupBody('Pilots', { members: [{ value: alice }] }));
    const groupId = created.json().id as string;
    const removed = await t.scim('PATCH', `/scim/v2/Groups/${groupId}`, patchBody({ op: 'remove', path: 'members' }));
    expect([200, 204]).toContain(removed.statusCode);

    const group = await get(`/scim/v2/Groups/${groupId}`);
    expect(group).toMatchObject({ schemas: [GROUP_SCHEMA], displayName: 'Pilots' });
    expect(group).not.toHaveProperty('members');
    const list = await get(`/scim/v2/Groups?filter=${q('displayName eq "Pilots"')}`);
    expect(list.Resources?.[0]).not.toHaveProperty('members');
  });
});

describe('a removed name stays unassigned (RFC 7643 §2.5, RFC 7644 §3.5.2.2)', () => {
  it('PATCH remove name: absent in the response and on every reread; Jamf full_name falls back to displayName', async () => {
    const id = await createUser(t, { ...oktaCreateBody('ada@example.com'), displayName: 'Countess Ada' });
    expect(jamfFullName(id)).toBe('Ada Lovelace');

    const res = await patchUser(id, { op: 'remove', path: 'name' });
    expect(res).not.toHaveProperty('name');
    expect(res.displayName).toBe('Countess Ada');
    // design.md §3 composition: with no name, full_name is written from displayName.
    expect(jamfFullName(id)).toBe('Countess Ada');

    expect(await get(`/scim/v2/Users/${id}`)).not.toHaveProperty('name');
    await t.restart();
    expect(await get(`/scim/v2/Users/${id}`)).not.toHaveProperty('name');

    // An unrelated change does not bring it back; a new displayName still reaches Jamf.
    const renamed = await patchUser(id, { op: 'replace', path: 'displayName', value: 'Ada King' });
    expect(renamed).not.toHaveProperty('name');
    expect(jamfFullName(id)).toBe('Ada King');
    expect(await get(`/scim/v2/Users/${id}`)).not.toHaveProperty('name');

    // Jamf changed the value itself: Jamf wins and the parts are derived (design.md §3).
    const jamfUser = t.sim.state.users.get(Number(id));
    if (jamfUser) jamfUser.full_name = 'Augusta Ada King';
    expect((await get(`/scim/v2/Users/${id}`)).name).toEqual({ formatted: 'Augusta Ada King', givenName: 'Augusta Ada', familyName: 'King' });
  });

  it('a PUT without name leaves it unassigned; name.givenName alone removed leaves the rest', async () => {
    const id = await createUser(t, oktaCreateBody('ada@example.com'));
    const { name: _name, ...withoutName } = oktaCreateBody('ada@example.com');
    const put = await t.scim('PUT', `/scim/v2/Users/${id}`, withoutName);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).not.toHaveProperty('name');
    expect(await get(`/scim/v2/Users/${id}`)).not.toHaveProperty('name');

    const other = await createUser(t, oktaCreateBody('grace@example.com', 'Grace', 'Hopper'));
    const res = await patchUser(other, { op: 'remove', path: 'name.givenName' });
    expect(res.name).toEqual({ familyName: 'Hopper', formatted: 'Hopper' });
    expect((await get(`/scim/v2/Users/${other}`)).name).toEqual({ familyName: 'Hopper', formatted: 'Hopper' });
  });

  it('stays unassigned across a deactivation and a reactivation, also when removed while inactive', async () => {
    const id = await createUser(t, { ...oktaCreateBody('ada@example.com'), displayName: 'Countess Ada' });
    const off = await patchUser(id, { op: 'remove', path: 'name' }, { op: 'replace', path: 'active', value: false });
    expect(off).toMatchObject({ active: false });
    expect(off).not.toHaveProperty('name');
    const on = await patchUser(id, { op: 'replace', path: 'active', value: true });
    expect(on).not.toHaveProperty('name');
    expect(await get(`/scim/v2/Users/${id}`)).not.toHaveProperty('name');

    const other = await createUser(t, oktaCreateBody('grace@example.com', 'Grace', 'Hopper'));
    await patchUser(other, { op: 'replace', path: 'active', value: false });
    expect(await patchUser(other, { op: 'remove', path: 'name' })).not.toHaveProperty('name');
    await patchUser(other, { op: 'replace', path: 'active', value: true });
    const reread = await get(`/scim/v2/Users/${other}`);
    expect(reread).not.toHaveProperty('name');
    // Reactivated under a new Jamf id; full_name written from displayName.
    expect(jamfUserByName(t, 'grace@example.com')?.full_name).toBe('Grace Hopper');
  });

  it('a user made in Jamf keeps its derived name through an unrelated PATCH', async () => {
    const jamfId = t.sim.addUser({ name: 'ken', fullName: 'Ken Thompson' });
    await patchUser(String(jamfId), { op: 'replace', path: 'title', value: 'Engineer' });
    expect((await get(`/scim/v2/Users/${jamfId}`)).name).toEqual({ formatted: 'Ken Thompson', givenName: 'Ken', familyName: 'Thompson' });
  });
});

describe('name composition follows new parts unless formatted was set explicitly (design.md §3)', () => {
  it('a formatted that was the composition of the parts follows new parts', async () => {
    const id = await createUser(t, { ...oktaCreateBody('ada@example.com'), name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' } });
    const res = await patchUser(id, { op: 'replace', path: 'name.givenName', value: 'Augusta' });
    expect(jamfFullName(id)).toBe('Augusta Lovelace');
    expect(res.name).toEqual({ givenName: 'Augusta', familyName: 'Lovelace', formatted: 'Augusta Lovelace' });
    // And again, now that the stored formatted is the server's composition.
    await patchUser(id, { op: 'replace', value: { 'name.familyName': 'King' } });
    expect(jamfFullName(id)).toBe('Augusta King');
    expect((await get(`/scim/v2/Users/${id}`)).name).toMatchObject({ formatted: 'Augusta King' });
  });

  it('a formatted the IdP set to something else is kept', async () => {
    const name = { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Countess of Lovelace' };
    const id = await createUser(t, { ...oktaCreateBody('ada@example.com'), name });
    const res = await patchUser(id, { op: 'replace', path: 'name.givenName', value: 'Augusta' });
    expect(jamfFullName(id)).toBe('Countess of Lovelace');
    expect(res.name).toEqual({ ...name, givenName: 'Augusta' });
    await patchUser(id, { op: 'replace', path: 'name.formatted', value: 'Lady Lovelace' });
    expect(jamfFullName(id)).toBe('Lady Lovelace');
  });
});

interface PublishedAttribute {
  name: string;
  type: string;
  multiValued: boolean;
  mutability: string;
  returned: string;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: PublishedAttribute[];
}

describe('/Schemas describes what the server returns (RFC 7643 §7)', () => {
  const COMMON = new Set(['schemas', 'id', 'externalid', 'meta']);

  /** Every attribute path of a resource, with the published definition it must have. */
  function checkAgainst(resource: Record<string, unknown>, schemas: Map<string, PublishedAttribute[]>, core: string): string[] {
    const problems: string[] = [];
    const typeOf = (value: unknown): string => (typeof value === 'object' && value !== null ? 'complex' : typeof value);
    const check = (value: unknown, definition: PublishedAttribute | undefined, path: string): void => {
      if (!definition) return void problems.push(`${path}: not in /Schemas`);
      if (definition.returned === 'never') problems.push(`${path}: returned although "never"`);
      if (Array.isArray(value) !== definition.multiValued) problems.push(`${path}: multiValued is ${definition.multiValued}`);
      for (const item of Array.isArray(value) ? value : [value]) {
        const expected = { string: 'string', reference: 'string', dateTime: 'string', boolean: 'boolean', complex: 'complex' }[definition.type];
        if (typeOf(item) !== expected) problems.push(`${path}: ${typeOf(item)} where /Schemas says ${definition.type}`);
        if (definition.canonicalValues && typeof item === 'string' && !definition.canonicalValues.includes(item)) {
          problems.push(`${path}: "${item}" is not a canonical value`);
        }
        if (definition.type === 'complex' && typeof item === 'object' && item !== null) {
          for (const [key, sub] of Object.entries(item)) {
            check(sub, definition.subAttributes?.find((d) => d.name.toLowerCase() === key.toLowerCase()), `${path}.${key}`);
          }
        }
      }
    };
    for (const [key, value] of Object.entries(resource)) {
      if (COMMON.has(key.toLowerCase())) continue;
      const extension = schemas.get(key);
      if (extension) {
        for (const [sub, subValue] of Object.entries(value as Record<string, unknown>)) {
          check(subValue, extension.find((d) => d.name === sub), `${key}:${sub}`);
        }
      } else {
        check(value, schemas.get(core)?.find((d) => d.name === key), key);
      }
    }
    return problems;
  }

  it('every attribute a user and a group are returned with is published with matching characteristics', async () => {
    const list = await get('/scim/v2/Schemas');
    const schemas = new Map((list.Resources ?? []).map((s) => [s.id as string, s.attributes as PublishedAttribute[]]));

    const boss = await createUser(t, oktaCreateBody('boss@example.com', 'Grace', 'Hopper'));
    const id = await createUser(t, {
      ...oktaCreateBody('ada@example.com'),
      title: 'Analyst',
      phoneNumbers: [{ value: '555-0100', type: 'work', primary: true }],
      [ENTERPRISE]: { employeeNumber: '1815', department: 'R&D', manager: { value: boss, $ref: `../Users/${boss}`, displayName: 'Grace Hopper' } },
    });
    const created = await t.scim('POST', '/scim/v2/Groups', groupBody('Pilots', { members: [{ value: id, type: 'User' }] }));
    const groupId = created.json().id as string;
    t.sim.addUser({ name: 'ken', fullName: 'Ken Thompson', email: 'ken@example.com', phoneNumber: '555-0199', position: 'Engineer' });

    const users = (await get('/scim/v2/Users')).Resources ?? [];
    expect(users.length).toBe(3);
    for (const user of [...users, await get(`/scim/v2/Users/${id}`)]) expect(checkAgainst(user, schemas, USER_SCHEMA)).toEqual([]);
    const group = await get(`/scim/v2/Groups/${groupId}`);
    expect(group.members).toBeDefined();
    expect(checkAgainst(group, schemas, GROUP_SCHEMA)).toEqual([]);
  });

  it('publishes the member type, the manager sub-attributes and the group references as supported', async () => {
    const group = await get(`/scim/v2/Schemas/${GROUP_SCHEMA}`);
    const members = (group.attributes as PublishedAttribute[]).find((a) => a.name === 'members');
    const sub = (name: string) => members?.subAttributes?.find((a) => a.name === name);
    expect(sub('type')).toMatchObject({ canonicalValues: ['User'], mutability: 'immutable' });
    expect(sub('$ref')).toMatchObject({ referenceTypes: ['User'] });
    expect(sub('display')).toMatchObject({ mutability: 'readOnly' });
    // Member values are SCIM ids, looked up exactly (the members[value eq] lookup).
    expect(sub('value')).toMatchObject({ caseExact: true });

    const enterprise = await get(`/scim/v2/Schemas/${ENTERPRISE}`);
    const manager = (enterprise.attributes as PublishedAttribute[]).find((a) => a.name === 'manager');
    expect(manager?.subAttributes?.map((a) => [a.name, a.mutability])).toEqual([
      ['value', 'readWrite'],
      ['$ref', 'readWrite'],
      ['displayName', 'readWrite'],
    ]);

    const user = await get(`/scim/v2/Schemas/${USER_SCHEMA}`);
    const groups = (user.attributes as PublishedAttribute[]).find((a) => a.name === 'groups');
    expect(groups).toMatchObject({ mutability: 'readOnly' });
    expect(groups?.subAttributes?.find((a) => a.name === '$ref')).toMatchObject({ referenceTypes: ['Group'] });
  });
});
