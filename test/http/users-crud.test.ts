import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import {
  ENTERPRISE,
  USER_SCHEMA,
  createUser,
  expectScimError,
  jamfUserByName,
  oktaCreateBody,
  patchBody,
  q,
  snapshot,
  storeUserRows,
} from './users-support.js';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  await t.close();
});

const GET_USER = 'GET /JSSResource/users/id/:id';
const PUT_USER = 'PUT /JSSResource/users/id/:id';
const POST_USER = 'POST /JSSResource/users/id/:id';
const DELETE_USER = 'DELETE /JSSResource/users/id/:id';

describe('POST /Users', () => {
  it('creates the Jamf user with one call and answers 201 with Location and the full resource', async () => {
    const res = await t.scim('POST', '/scim/v2/Users', oktaCreateBody('ada.lovelace@example.com'));

    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    const jamf = jamfUserByName(t, 'ada.lovelace@example.com');
    expect(jamf).toMatchObject({
      full_name: 'Ada Lovelace',
      email: 'ada.lovelace@example.com',
      email_address: 'ada.lovelace@example.com',
    });
    expect(body).toEqual({
      schemas: [USER_SCHEMA],
      id: String(jamf?.id),
      userName: 'ada.lovelace@example.com',
      name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
      displayName: 'Ada Lovelace',
      emails: [{ primary: true, value: 'ada.lovelace@example.com', type: 'work' }],
      locale: 'en-US',
      externalId: '00u24okta',
      active: true,
      groups: [],
      meta: {
        resourceType: 'User',
        location: `http://localhost:80/scim/v2/Users/${jamf?.id}`,
        created: expect.any(String),
        lastModified: expect.any(String),
        version: res.headers.etag,
      },
    });
    expect(res.headers.location).toBe(body.meta.location);
    expect(t.calls()).toEqual({ [POST_USER]: 1 });

    // The created resource is what later reads return (Okta stores it as the user's state).
    const read = await t.scim('GET', `/scim/v2/Users/${body.id}`);
    expect(read.json()).toEqual(body);
  });

  it.each([
    ['name.formatted', { name: { formatted: 'Lady Ada', givenName: 'Ada', familyName: 'Lovelace' }, displayName: 'AL' }, 'Lady Ada'],
    ['givenName familyName', { name: { givenName: 'Ada', familyName: 'Lovelace' }, displayName: 'AL' }, 'Ada Lovelace'],
    ['displayName alone', { displayName: 'Countess of Lovelace' }, 'Countess of Lovelace'],
  ])('writes Jamf full_name from %s', async (_label, fields, fullName) => {
    await createUser(t, { schemas: [USER_SCHEMA], userName: 'ada', ...fields });
    expect(jamfUserByName(t, 'ada')?.full_name).toBe(fullName);
  });

  it('writes the primary email (else the first), phone and title to Jamf, and keeps every email', async () => {
    const emails = [
      { value: 'ada@home.example', type: 'home' },
      { value: 'ada@work.example', type: 'work', primary: true },
    ];
    const id = await createUser(t, {
      userName: 'ada',
      emails,
      phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work' }, { value: '+44 7700 900000', type: 'mobile' }],
      title: 'Analyst',
    });
    expect(jamfUserByName(t, 'ada')).toMatchObject({
      email: 'ada@work.example',
      email_address: 'ada@work.example',
      phone_number: '+44 20 7946 0000',
      position: 'Analyst',
    });
    const read = (await t.scim('GET', `/scim/v2/Users/${id}`)).json();
    expect(read.emails).toEqual(emails);
    expect(read.phoneNumbers).toHaveLength(2);
  });

  it('refuses a userName a Jamf user holds, case-insensitively: 409 uniqueness, Jamf unchanged', async () => {
    t.sim.addUser({ name: 'grace.hopper', fullName: 'Grace Hopper' });
    const before = snapshot(t);

    const res = await t.scim('POST', '/scim/v2/Users', oktaCreateBody('Grace.Hopper'));

    expectScimError(res, 409, 'uniqueness');
    expect(snapshot(t)).toBe(before);
    // Jamf's 409 is read as a duplicate only after a lookup shows the name taken.
    expect(t.calls()).toEqual({ [POST_USER]: 1, 'GET /JSSResource/users/name/:name': 1 });
  });

  it('refuses a userName a deactivated user holds, case-insensitively, without calling Jamf', async () => {
    const id = await createUser(t, oktaCreateBody('ada'));
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', value: { active: false } }));
    const before = snapshot(t);
    t.resetCalls();

    const res = await t.scim('POST', '/scim/v2/Users', oktaCreateBody('ADA'));

    expectScimError(res, 409, 'uniqueness');
    expect(t.jamfCalls()).toBe(0);
    expect(snapshot(t)).toBe(before);
  });

  it("accepts Entra's create body: string boolean, nulls, stray enterprise keys, meta and unknown schema URIs", async () => {
    const res = await t.scim(
      'POST',
      '/scim/v2/Users',
      {
        schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7894c0a8d1d6',
        userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
        active: 'True',
        addresses: null,
        phoneNumbers: null,
        title: null,
        meta: { resourceType: 'User' },
        roles: [],
        department: 'Sales',
        displayName: 'Test User',
        emails: [{ Primary: 'True', type: 'work', value: 'Test_User_fd0ea19b@testuser.com' }],
        name: { familyName: 'User', givenName: 'Test' },
      },
      { 'content-type': 'application/scim+json; charset=utf-8' },
    );

    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      active: true,
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@testuser.com' }],
      [ENTERPRISE]: { department: 'Sales' },
    });
    expect(body.schemas).toEqual(expect.arrayContaining([USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User', ENTERPRISE]));
    // Entra rejects nulls in responses (idp-behaviour A2.1).
    expect(res.body).not.toContain('null');
    expect(jamfUserByName(t, 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1')).toMatchObject({
      full_name: 'Test User',
      email: 'Test_User_fd0ea19b@testuser.com',
    });
  });
});

describe('GET /Users/{id}', () => {
  it('reads a user with one Jamf call', async () => {
    const id = await createUser(t, oktaCreateBody('ada'));
    t.resetCalls();
    const res = await t.scim('GET', `/scim/v2/Users/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, userName: 'ada', active: true });
    expect(t.calls()).toEqual({ [GET_USER]: 1 });
  });

  it('reads a user an admin created in Jamf by its Jamf id, with derived name parts and only static groups', async () => {
    const jamfId = t.sim.addUser({
      name: 'ken',
      fullName: 'Ken Thompson',
      email: 'ken@example.com',
      phoneNumber: '555-0100',
      position: 'Engineer',
    });
    const staticGroup = t.sim.addGroup({ name: 'Unix', memberIds: [jamfId] });
    t.sim.addGroup({ name: 'Everyone (smart)', isSmart: true, memberIds: [jamfId] });

    const res = await t.scim('GET', `/scim/v2/Users/${jamfId}`);

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: String(jamfId),
      userName: 'ken',
      name: { formatted: 'Ken Thompson', givenName: 'Ken', familyName: 'Thompson' },
      displayName: 'Ken Thompson',
      emails: [{ value: 'ken@example.com', type: 'work', primary: true }],
      phoneNumbers: [{ value: '555-0100' }],
      title: 'Engineer',
      active: true,
      groups: [{ value: String(staticGroup), display: 'Unix' }],
    });
  });

  it.each([
    ['an unknown numeric id', '987654', 1],
    ['a non-numeric id', 'not-a-user', 0],
    ['a zero-padded id', '0001', 0],
  ])('answers 404 with a SCIM error for %s', async (_label, id, calls) => {
    await createUser(t, oktaCreateBody('ada'));
    t.resetCalls();
    expectScimError(await t.scim('GET', `/scim/v2/Users/${id}`), 404);
    expect(t.jamfCalls()).toBe(calls);
  });

  it('answers 404 once an admin deleted the user in Jamf', async () => {
    const id = await createUser(t, oktaCreateBody('ada'));
    t.sim.state.users.delete(Number(id));
    expectScimError(await t.scim('GET', `/scim/v2/Users/${id}`), 404);
  });
});

describe('PUT /Users/{id}', () => {
  it("replaces the user from Okta's whole-object PUT; id, meta, groups and password are ignored and never echoed", async () => {
    const id = await createUser(t, { ...oktaCreateBody('ada'), title: 'Analyst', phoneNumbers: [{ value: '555-0100' }] });
    const current = (await t.scim('GET', `/scim/v2/Users/${id}`)).json();
    const { title: _title, phoneNumbers: _phones, ...rest } = current;
    t.resetCalls();

    const res = await t.scim('PUT', `/scim/v2/Users/${id}`, {
      ...rest,
      schemas: [USER_SCHEMA, 'urn:example:params:scim:schemas:badge:1.0'],
      id: '424242',
      meta: { ...current.meta, lastModified: '1999-01-01T00:00:00Z' },
      groups: [{ value: '1' }],
      password: 'new-secret-Pw1!',
      name: { givenName: 'Augusta', familyName: 'Lovelace', middleName: '' },
      nickName: 'Ada',
      'urn:example:params:scim:schemas:badge:1.0': { badge: '7' },
    });

    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.id).toBe(id);
    expect(body.meta.lastModified).not.toBe('1999-01-01T00:00:00Z');
    expect(body.groups).toEqual([]);
    expect(res.body).not.toContain('new-secret');
    expect(body).not.toHaveProperty('title');
    expect(body).not.toHaveProperty('phoneNumbers');
    expect(body.name).toEqual({ givenName: 'Augusta', familyName: 'Lovelace', formatted: 'Augusta Lovelace' });
    expect(body.nickName).toBe('Ada');
    expect(body['urn:example:params:scim:schemas:badge:1.0']).toEqual({ badge: '7' });
    expect(body.schemas).toContain('urn:example:params:scim:schemas:badge:1.0');
    expect(jamfUserByName(t, 'ada')).toMatchObject({ id: Number(id), full_name: 'Augusta Lovelace', position: '', phone_number: '' });
    expect(t.calls()).toEqual({ [GET_USER]: 1, [PUT_USER]: 1 });
    expect((await t.scim('GET', `/scim/v2/Users/${id}`)).json()).toEqual(body);
  });

  it('updates a user an admin made in Jamf, which the IdP linked instead of creating', async () => {
    const jamfId = t.sim.addUser({ name: 'ken@example.com', fullName: 'Ken Thompson', email: 'ken@example.com', position: 'Engineer' });
    const linked = (await t.scim('GET', `/scim/v2/Users?filter=${q('userName eq "ken@example.com"')}`)).json().Resources[0];
    expect(linked.id).toBe(String(jamfId));

    const res = await t.scim('PUT', `/scim/v2/Users/${linked.id}`, { ...oktaCreateBody('ken@example.com', 'Kenneth', 'Thompson'), title: 'Fellow' });

    expect(res.json()).toMatchObject({ id: String(jamfId), externalId: '00u15okta', name: { givenName: 'Kenneth', familyName: 'Thompson' }, title: 'Fellow' });
    expect(t.sim.state.users.get(jamfId)).toMatchObject({ full_name: 'Kenneth Thompson', position: 'Fellow' });
    expect((await t.scim('GET', `/scim/v2/Users?filter=${q('externalId eq "00u15okta"')}`)).json().Resources[0].id).toBe(String(jamfId));
  });

  it('makes no Jamf write when nothing Jamf holds changed', async () => {
    const id = await createUser(t, oktaCreateBody('ada'));
    t.resetCalls();
    const res = await t.scim('PUT', `/scim/v2/Users/${id}`, { ...oktaCreateBody('ada'), locale: 'en-GB' });
    expect(res.json().locale).toBe('en-GB');
    expect(t.calls()).toEqual({ [GET_USER]: 1 });
  });

  it('renames the Jamf user; a name another user holds is 409 and changes nothing', async () => {
    const id = await createUser(t, oktaCreateBody('ada'));
    await createUser(t, oktaCreateBody('grace', 'Grace', 'Hopper'));

    const renamed = await t.scim('PUT', `/scim/v2/Users/${id}`, oktaCreateBody('ada.king'));
    expect(renamed.json().userName).toBe('ada.king');
    expect(t.sim.state.users.get(Number(id))?.name).toBe('ada.king');

    const before = snapshot(t);
    expectScimError(await t.scim('PUT', `/scim/v2/Users/${id}`, oktaCreateBody('GRACE')), 409, 'uniqueness');
    expect(snapshot(t)).toBe(before);
  });

  it('answers 404 for an unknown user and creates nothing', async () => {
    expectScimError(await t.scim('PUT', '/scim/v2/Users/4242', oktaCreateBody('ghost')), 404);
    expect(t.sim.state.users.size).toBe(0);
    expect(storeUserRows(t)).toEqual([]);
  });
});

describe('DELETE /Users/{id}', () => {
  it('deletes the Jamf user and forgets it; a second DELETE is 404', async () => {
    const id = await createUser(t, oktaCreateBody('ada'));
    t.resetCalls();

    const res = await t.scim('DELETE', `/scim/v2/Users/${id}`);

    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(t.calls()).toEqual({ [DELETE_USER]: 1 });
    expect(jamfUserByName(t, 'ada')).toBeUndefined();
    expect(storeUserRows(t)).toEqual([]);
    expectScimError(await t.scim('GET', `/scim/v2/Users/${id}`), 404);
    expectScimError(await t.scim('DELETE', `/scim/v2/Users/${id}`), 404);
  });

  it('deletes a user an admin created in Jamf', async () => {
    const jamfId = t.sim.addUser({ name: 'ken' });
    expect((await t.scim('DELETE', `/scim/v2/Users/${jamfId}`)).statusCode).toBe(204);
    expect(t.sim.state.users.has(jamfId)).toBe(false);
  });

  it('answers 404 for an id that never existed', async () => {
    expectScimError(await t.scim('DELETE', '/scim/v2/Users/31337'), 404);
    expectScimError(await t.scim('DELETE', '/scim/v2/Users/nobody'), 404);
  });
});

describe('values', () => {
  // Every mapped field, with each XML metacharacter and text from several scripts.
  const tricky = {
    schemas: [USER_SCHEMA, ENTERPRISE],
    userName: `o'brien+<dev>&"co"@例え.jp`,
    name: { givenName: 'Zoë <b>', familyName: 'Ørsted & "Co"' },
    displayName: '山田 太郎 &amp; <i>',
    title: 'Ведущий инженер & <Lead>',
    emails: [{ value: `o'brien&<x>@例え.jp`, type: 'work', primary: true }],
    phoneNumbers: [{ value: '+81 (3) <1234> ☎', type: 'work' }],
    nickName: '🦄 ]]> <![CDATA[',
    [ENTERPRISE]: { department: 'Ventes & Marketing — Été', employeeNumber: '٤٢' },
  };

  it('round-trips XML metacharacters and non-Latin text in every mapped field exactly', async () => {
    const created = await t.scim('POST', '/scim/v2/Users', tricky);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ ...tricky, schemas: [USER_SCHEMA, ENTERPRISE] });

    const jamf = t.sim.state.users.get(Number(id));
    expect(jamf).toMatchObject({
      name: tricky.userName,
      full_name: 'Zoë <b> Ørsted & "Co"',
      email: tricky.emails[0]?.value,
      email_address: tricky.emails[0]?.value,
      phone_number: tricky.phoneNumbers[0]?.value,
      position: tricky.title,
    });

    const read = (await t.scim('GET', `/scim/v2/Users/${id}`)).json();
    expect(read).toMatchObject(tricky);
    t.resetCalls();
    const found = (await t.scim('GET', `/scim/v2/Users?filter=${q(`userName eq "O'BRIEN+<DEV>&\\"CO\\"@例え.jp"`)}`)).json();
    expect(found.Resources).toEqual([read]);
    expect(t.jamfCalls()).toBe(1);

    const changed = await t.scim(
      'PATCH',
      `/scim/v2/Users/${id}`,
      patchBody({ op: 'replace', value: { title: `<x a="1"/> & 'ü'`, 'name.familyName': 'Ørsted ]]>' } }),
    );
    expect(changed.json()).toMatchObject({ title: `<x a="1"/> & 'ü'`, name: { familyName: 'Ørsted ]]>' } });
    expect(t.sim.state.users.get(Number(id))).toMatchObject({ position: `<x a="1"/> & 'ü'`, full_name: 'Zoë <b> Ørsted ]]>' });

    // The import page (Jamf Pro API JSON) and a deactivate/reactivate round trip keep them too.
    const expected = { ...tricky, title: `<x a="1"/> & 'ü'`, name: { ...tricky.name, familyName: 'Ørsted ]]>' } };
    expect((await t.scim('GET', '/scim/v2/Users')).json().Resources).toMatchObject([expected]);
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', value: { active: false } }));
    const back = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', value: { active: true } }));
    expect(back.json()).toMatchObject({ ...expected, id, active: true });
    expect(jamfUserByName(t, tricky.userName)).toMatchObject({ full_name: 'Zoë <b> Ørsted ]]>', email: tricky.emails[0]?.value, phone_number: tricky.phoneNumbers[0]?.value });
  });

  it('keeps surrounding spaces Jamf trims in the store and returns them as sent', async () => {
    // CR and control characters are refused instead (test/hostile/text-roundtrip.test.ts), and so
    // are spaces around an e-mail address, which would stop `emails.value eq` from finding it.
    const sent = {
      userName: 'ada',
      name: { givenName: '  Ada', familyName: 'Lovelace  ' },
      displayName: ' Ada Lovelace ',
      title: ' Lead\nEngineer ',
      phoneNumbers: [{ value: ' +44 20 7946 0000 ', type: 'work' }],
      emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
    };
    const id = await createUser(t, sent);
    // Jamf gets the trimmed text; the SCIM values live in the store.
    expect(t.sim.state.users.get(Number(id))).toMatchObject({
      full_name: 'Ada Lovelace',
      position: 'Lead\nEngineer',
      phone_number: '+44 20 7946 0000',
      email: 'ada@example.com',
    });

    t.resetCalls();
    const read = (await t.scim('GET', `/scim/v2/Users/${id}`)).json();
    expect(read).toMatchObject(sent);

    // A later PATCH of another attribute does not rewrite what Jamf already holds.
    const patched = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'add', path: 'nickName', value: 'Ada' }));
    expect(patched.json()).toMatchObject({ ...sent, nickName: 'Ada' });
    expect(t.calls()).toEqual({ [GET_USER]: 2 });
  });

  it('lets a full_name an admin changed in Jamf win over the stored name parts', async () => {
    const id = await createUser(t, { userName: 'mary', name: { givenName: 'Mary Ann', familyName: 'van Dyke' }, displayName: 'Mary' });
    // While Jamf holds what the IdP wrote, the parts are returned as sent (not re-split).
    expect((await t.scim('GET', `/scim/v2/Users/${id}`)).json()).toMatchObject({
      name: { givenName: 'Mary Ann', familyName: 'van Dyke', formatted: 'Mary Ann van Dyke' },
      displayName: 'Mary',
    });

    const jamf = t.sim.state.users.get(Number(id));
    if (!jamf) throw new Error('Jamf user missing');
    t.sim.state.users.set(jamf.id, { ...jamf, full_name: 'Mary-Ann Smith', email: 'mary@jamf.example', position: 'Principal' });

    const read = (await t.scim('GET', `/scim/v2/Users/${id}`)).json();
    expect(read).toMatchObject({
      name: { formatted: 'Mary-Ann Smith', givenName: 'Mary-Ann', familyName: 'Smith' },
      displayName: 'Mary-Ann Smith',
      emails: [{ value: 'mary@jamf.example' }],
      title: 'Principal',
    });

    // An unrelated change from the IdP does not write the stale name back.
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'add', path: 'nickName', value: 'M' }));
    expect(t.sim.state.users.get(jamf.id)?.full_name).toBe('Mary-Ann Smith');
  });
});
