import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { ENTERPRISE, createUser, expectScimError, jamfUserByName, oktaCreateBody, patchBody, q } from './users-support.js';

let t: TestServer;
let id: string;
beforeEach(async () => {
  t = await startTestServer();
  id = await createUser(t, {
    ...oktaCreateBody('ada@example.com'),
    title: 'Analyst',
    phoneNumbers: [{ value: '555-0100', type: 'work' }],
  });
  t.resetCalls();
});
afterEach(async () => {
  await t.close();
});

const GET_USER = 'GET /JSSResource/users/id/:id';
const PUT_USER = 'PUT /JSSResource/users/id/:id';
const patch = (ops: unknown[], userId = id) => t.scim('PATCH', `/scim/v2/Users/${userId}`, patchBody(...ops));
const jamf = () => t.sim.state.users.get(Number(id));

describe('PATCH /Users/{id} dialects', () => {
  it('takes op names in any case and applies several ops with one read and one partial write', async () => {
    const res = await patch([
      { op: 'Replace', path: 'title', value: 'CTO' },
      { op: 'ADD', path: 'nickName', value: 'Babs' },
      { op: 'remove', path: 'phoneNumbers' },
    ]);

    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id, title: 'CTO', nickName: 'Babs', active: true });
    expect(res.json()).not.toHaveProperty('phoneNumbers');
    expect(jamf()).toMatchObject({ position: 'CTO', phone_number: '', full_name: 'Ada Lovelace' });
    expect(t.calls()).toEqual({ [GET_USER]: 1, [PUT_USER]: 1 });
  });

  it("applies Entra's default form: one Replace op per attribute, value paths and URN paths", async () => {
    const res = await patch([
      { op: 'Replace', path: 'displayName', value: 'Augusta King' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'augusta@example.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Augusta' },
      { op: 'Replace', path: 'name.familyName', value: 'King' },
      { op: 'Replace', path: 'externalId', value: '1c0ffee0-0000-4000-8000-000000000001' },
      { op: 'Add', path: `${ENTERPRISE}:employeeNumber`, value: '1815' },
    ]);

    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      displayName: 'Augusta King',
      name: { givenName: 'Augusta', familyName: 'King', formatted: 'Augusta King' },
      emails: [{ type: 'work', value: 'augusta@example.com', primary: true }],
      externalId: '1c0ffee0-0000-4000-8000-000000000001',
      [ENTERPRISE]: { employeeNumber: '1815' },
    });
    expect(jamf()).toMatchObject({ full_name: 'Augusta King', email: 'augusta@example.com', email_address: 'augusta@example.com' });
    expect(t.calls()).toEqual({ [GET_USER]: 1, [PUT_USER]: 1 });

    const byExternalId = await t.scim('GET', `/scim/v2/Users?filter=${q('externalId eq "1c0ffee0-0000-4000-8000-000000000001"')}`);
    expect(byExternalId.json().Resources.map((r: { id: string }) => r.id)).toEqual([id]);
  });

  it("applies Entra's aadOptscim062020 form: one no-path replace with plain, dotted and URN-qualified keys", async () => {
    const res = await patch([
      {
        op: 'replace',
        value: {
          displayName: 'Augusta King',
          'name.givenName': 'Augusta',
          'name.familyName': 'King',
          'urn:ietf:params:scim:schemas:core:2.0:User:title': 'Countess',
          [`${ENTERPRISE}:employeeNumber`]: '1815',
          [`${ENTERPRISE}:department`]: 'Mathematics',
        },
      },
    ]);

    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      displayName: 'Augusta King',
      name: { givenName: 'Augusta', familyName: 'King' },
      title: 'Countess',
      [ENTERPRISE]: { employeeNumber: '1815', department: 'Mathematics' },
    });
    expect(jamf()).toMatchObject({ full_name: 'Augusta King', position: 'Countess' });
  });

  it('matches attribute paths case-insensitively', async () => {
    const res = await patch([
      { op: 'replace', path: 'Name.GivenName', value: 'Augusta' },
      { op: 'replace', path: 'EMAILS[TYPE eq "WORK"].VALUE', value: 'augusta@example.com' },
      { op: 'replace', path: 'Title', value: 'CTO' },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(jamf()).toMatchObject({ full_name: 'Augusta Lovelace', email: 'augusta@example.com', position: 'CTO' });
  });

  it('creates the element a value path names when the user has none (Entra Add to a missing work email)', async () => {
    const bare = await createUser(t, { userName: 'grace' });

    const res = await patch(
      [
        { op: 'Add', path: 'emails[type eq "work"].value', value: 'grace@example.com' },
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0199' },
        { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Infinite Loop' },
      ],
      bare,
    );

    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      emails: [{ type: 'work', value: 'grace@example.com' }],
      phoneNumbers: [{ type: 'mobile', value: '+1 555 0199' }],
      addresses: [{ type: 'work', streetAddress: '1 Infinite Loop' }],
    });
    expect(jamfUserByName(t, 'grace')).toMatchObject({ email: 'grace@example.com', phone_number: '+1 555 0199' });
  });

  it('applies a value path whose filter is not an equality to the elements that match it', async () => {
    // Only the user's own emails can tell whether such a filter matches, so it must not be judged without them.
    const res = await patch([{ op: 'replace', path: 'emails[value co "@example.com"].value', value: 'ada@example.org' }]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().emails).toEqual([{ primary: true, value: 'ada@example.org', type: 'work' }]);
    expect(jamf()?.email).toBe('ada@example.org');
  });

  it('renames the user with a no-path replace of userName', async () => {
    const res = await patch([{ op: 'replace', value: { userName: 'augusta@example.com' } }]);
    expect(res.json().userName).toBe('augusta@example.com');
    expect(jamf()?.name).toBe('augusta@example.com');
  });

  it('clears an attribute replaced with "" or null (the gallery validator\'s "null update")', async () => {
    await patch([{ op: 'replace', path: 'title', value: '' }]);
    await patch([{ op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: null }]);
    const read = (await t.scim('GET', `/scim/v2/Users/${id}`)).json();
    expect(read).not.toHaveProperty('title');
    expect(read).not.toHaveProperty('phoneNumbers');
    expect(jamf()).toMatchObject({ position: '', phone_number: '' });
  });

  it('ignores what Okta echoes back: id (unchanged), meta, groups and password; no Jamf write follows', async () => {
    const res = await patch([
      { op: 'replace', value: { id, meta: { resourceType: 'User' }, groups: [], password: 'Secret-Pw-1' } },
      { op: 'replace', path: 'password', value: 'Secret-Pw-2' },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain('Secret-Pw');
    expect(t.calls()).toEqual({ [GET_USER]: 1 });
  });

  it('takes active as the strings "False"/"True" and as Okta\'s no-path {"active": …}', async () => {
    const off = await patch([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(off.json().active).toBe(false);
    expect(jamfUserByName(t, 'ada@example.com')).toBeUndefined();

    const on = await patch([{ op: 'replace', value: { active: true } }]);
    expect(on.json()).toMatchObject({ id, active: true });
    expect(jamfUserByName(t, 'ada@example.com')).toBeDefined();

    const offAgain = await patch([{ op: 'replace', value: { active: 'false' } }]);
    expect(offAgain.json().active).toBe(false);
  });
});

describe('manager', () => {
  let managerId: string;
  beforeEach(async () => {
    managerId = await createUser(t, oktaCreateBody('boss@example.com', 'Charles', 'Babbage'));
    t.resetCalls();
  });
  const managerOf = async (userId: string) => (await t.scim('GET', `/scim/v2/Users/${userId}`)).json()[ENTERPRISE]?.manager;

  it('takes the three forms Entra sends and always returns an object with the id and the $ref sent, with no Jamf write', async () => {
    // The develop doc: unqualified path, array value with $ref (kept, RFC 7643 §4.3).
    let res = await patch([{ op: 'Add', path: 'manager', value: [{ $ref: `../Users/${managerId}`, value: managerId }] }]);
    expect(res.json()[ENTERPRISE].manager).toEqual({ value: managerId, $ref: `../Users/${managerId}` });
    expect(t.calls()).toEqual({ [GET_USER]: 1 });

    // The validator: URN path, object value.
    const other = await createUser(t, oktaCreateBody('boss2@example.com', 'Luigi', 'Menabrea'));
    res = await patch([{ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: other } }]);
    expect(res.json()[ENTERPRISE].manager).toEqual({ value: other });
    expect(await managerOf(id)).toEqual({ value: other });

    // A bare id string, in PATCH and in a create body.
    res = await patch([{ op: 'replace', path: 'manager', value: managerId }]);
    expect(res.json()[ENTERPRISE].manager).toEqual({ value: managerId });
    const report = await createUser(t, { userName: 'report', [ENTERPRISE]: { manager: managerId } });
    expect(await managerOf(report)).toEqual({ value: managerId });

    res = await patch([{ op: 'remove', path: `${ENTERPRISE}:manager` }]);
    expect(res.json()[ENTERPRISE]?.manager).toBeUndefined();
    expect(await managerOf(id)).toBeUndefined();
  });
});

describe('unknown users', () => {
  it('answers 404 for an unknown user', async () => {
    const valid = { op: 'replace', path: 'title', value: 'Changed' };
    expectScimError(await patch([valid], '777'), 404);
    expectScimError(await patch([valid], 'nobody'), 404);
  });
});

describe('displayName-only users', () => {
  it('writes a new displayName to full_name when the IdP never sent name parts', async () => {
    const created = await t.scim('POST', '/scim/v2/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'bob@example.com',
      displayName: 'Bob Smith',
    });
    expect(created.statusCode).toBe(201);
    const bobId = created.json().id as string;
    expect(t.sim.state.users.get(Number(bobId))?.full_name).toBe('Bob Smith');

    const res = await patch([{ op: 'replace', path: 'displayName', value: 'Robert Smith' }], bobId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ displayName: 'Robert Smith', name: { formatted: 'Robert Smith' } });
    expect(t.sim.state.users.get(Number(bobId))?.full_name).toBe('Robert Smith');
  });
});
