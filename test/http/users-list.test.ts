import { afterEach, describe, expect, it } from 'vitest';
import { TOKEN, startTestServer, type TestServer } from '../helper.js';
import { ENTERPRISE, LIST_RESPONSE, createUser, oktaCreateBody, patchBody, q } from './users-support.js';

let t: TestServer;
afterEach(async () => {
  await t.close();
});

const ids = (body: { Resources: Array<{ id: string }> }) => body.Resources.map((r) => r.id);
const list = async (query: string) => {
  const res = await t.scim('GET', `/scim/v2/Users?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const filter = (text: string) => list(`filter=${q(text)}`);

describe('filters', () => {
  /** A small directory: two users from the IdP (one deactivated), one an admin made in Jamf. */
  async function directory() {
    t = await startTestServer();
    const ada = await createUser(t, {
      ...oktaCreateBody('ada@example.com'),
      externalId: '00123',
      emails: [
        { value: 'ada@example.com', type: 'work', primary: true },
        { value: 'ada@home.example', type: 'home' },
      ],
      title: 'Analyst',
    });
    const grace = await createUser(t, { ...oktaCreateBody('grace@example.com', 'Grace', 'Hopper'), externalId: 'okta-Grace' });
    await t.scim('PATCH', `/scim/v2/Users/${grace}`, patchBody({ op: 'replace', value: { active: false } }));
    const ken = String(t.sim.addUser({ name: 'ken', fullName: 'Ken Thompson', email: 'ken@example.com', position: 'Engineer' }));
    t.resetCalls();
    return { ada, grace, ken };
  }

  it("answers Okta's existence check (userName eq, case-insensitive) with one Jamf call", async () => {
    const { ada } = await directory();
    const body = await list('filter=userName%20eq%20%22ADA%40Example.com%22&startIndex=1&count=100');
    expect(body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(body.Resources).toMatchObject([{ id: ada, userName: 'ada@example.com', active: true }]);
    expect(t.jamfCalls()).toBe(1);
  });

  it("answers Entra's test connection (random GUID, no content headers) with 200 and an empty list", async () => {
    await directory();
    const res = await t.app.inject({
      method: 'GET',
      url: `/scim/v2/Users?filter=${q('userName eq "9d1f6e0c-5f2b-4b53-a1c4-6a1b0e1f0b71"')}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(res.json()).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('answers a userName, externalId, email or id lookup that matches nothing with 0 results and at most one Jamf call', async () => {
    await directory();
    for (const text of [
      'userName eq "nobody@example.com"',
      'externalId eq "0000-none"',
      'emails.value eq "nobody@example.com"',
      'emails[type eq "work"].value eq "nobody@example.com"',
      'id eq "4242"',
    ]) {
      t.resetCalls();
      const body = await filter(text);
      expect(body, text).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });
      expect(t.jamfCalls(), text).toBeLessThanOrEqual(1);
    }
  });

  const lookups: Array<[string, string, 'ada' | 'grace' | 'ken']> = [
    ['userName with + for spaces', 'filter=userName+eq+%22ada%40example.com%22', 'ada'],
    ['a different attribute-name case', `filter=${q('USERNAME EQ "ada@example.com"')}`, 'ada'],
    ['emails.value', `filter=${q('emails.value eq "ADA@example.com"')}`, 'ada'],
    ['the work email', `filter=${q('Emails[Type eq "work"].Value eq "ada@example.com"')}`, 'ada'],
    ['externalId, unquoted, keeping its zeros', `filter=${q('externalId eq 00123')}`, 'ada'],
    ['externalId, quoted', `filter=${q('ExternalId eq "okta-Grace"')}`, 'grace'],
    ['id', 'id eq', 'ada'],
    ['a Jamf user made by hand, by userName', `filter=${q('userName eq "KEN"')}`, 'ken'],
  ];

  it('finds a user by userName, email, externalId or id, in the forms IdPs send, with at most one Jamf call each', async () => {
    const people = await directory();
    for (const [label, query, who] of lookups) {
      t.resetCalls();
      const expected = people[who];
      const body = await list(query === 'id eq' ? `filter=${q(`id eq "${expected}"`)}` : query);
      expect(ids(body), label).toEqual([expected]);
      expect(body.totalResults, label).toBe(1);
      expect(t.jamfCalls(), label).toBeLessThanOrEqual(1);
    }
  });

  it('does not match the work email filter against another type, nor externalId in another case', async () => {
    await directory();
    expect((await filter('emails[type eq "work"].value eq "ada@home.example"')).totalResults).toBe(0);
    expect((await filter('externalId eq "OKTA-GRACE"')).totalResults).toBe(0);
  });

  const scans: Array<[string, Array<'ada' | 'grace' | 'ken'>]> = [
    ['active eq true', ['ada', 'ken']],
    ['active eq false', ['grace']],
    ['name.givenName eq "ken"', ['ken']],
    ['name.familyName eq "Hopper"', ['grace']],
    ['displayName eq "ada lovelace"', ['ada']],
    ['userName sw "g"', ['grace']],
    ['title co "ngine"', ['ken']],
    ['title pr', ['ada', 'ken']],
    ['not (title pr)', ['grace']],
    ['userName eq "ken" or externalId eq "okta-Grace"', ['ken', 'grace']],
    ['name.familyName eq "lovelace" and active eq true', ['ada']],
    ['emails[type eq "home"] and userName sw "a"', ['ada']],
  ];

  it('evaluates other filters (active, name parts, displayName, sw, co, pr, not, or, and) over the whole directory', async () => {
    const people = await directory();
    for (const [text, expected] of scans) {
      const body = await filter(text);
      expect(ids(body), text).toEqual(expected.map((who) => people[who]));
      expect(body.totalResults, text).toBe(expected.length);
    }
  });

  it("answers Entra's manager check (id eq … and manager eq …) with at most one Jamf call", async () => {
    const { ada, ken } = await directory();
    await t.scim('PATCH', `/scim/v2/Users/${ada}`, patchBody({ op: 'Add', path: 'manager', value: [{ value: ken }] }));
    t.resetCalls();
    expect(ids(await filter(`id eq "${ada}" and manager eq "${ken}"`))).toEqual([ada]);
    expect(t.jamfCalls()).toBeLessThanOrEqual(1);
    expect((await filter(`id eq "${ada}" and manager eq "999"`)).totalResults).toBe(0);
    expect(ids(await filter(`${ENTERPRISE}:manager.value eq "${ken}"`))).toEqual([ada]);
  });
});

describe('paging', () => {
  /** `jamfUsers` users in Jamf (by hand), then two IdP users, the first of them deactivated. */
  async function directory(jamfUsers: number, options: Parameters<typeof startTestServer>[0] = {}, maxPageSize?: number) {
    t = await startTestServer({ seedUsers: jamfUsers, ...options }, maxPageSize === undefined ? {} : { maxPageSize });
    const gone = await createUser(t, oktaCreateBody('gone@example.com'));
    const kept = await createUser(t, oktaCreateBody('kept@example.com'));
    await t.scim('PATCH', `/scim/v2/Users/${gone}`, patchBody({ op: 'replace', value: { active: false } }));
    t.resetCalls();
    return { gone, kept };
  }

  it('pages 1-based and stably: Jamf users by id, then tombstones by id, with the true totalResults on every page', async () => {
    const { gone, kept } = await directory(5);
    // A second tombstone; the first one is changed last, which must not move it.
    const later = await createUser(t, oktaCreateBody('later@example.com'));
    await t.scim('PATCH', `/scim/v2/Users/${later}`, patchBody({ op: 'replace', value: { active: false } }));
    await t.scim('PATCH', `/scim/v2/Users/${gone}`, patchBody({ op: 'replace', path: 'title', value: 'touched after' }));
    const expected = ['1', '2', '3', '4', '5', kept, gone, later];

    const seen: string[] = [];
    for (let start = 1; start <= 9; start += 3) {
      const page = await list(`startIndex=${start}&count=3`);
      expect(page).toMatchObject({ totalResults: 8, startIndex: start, itemsPerPage: page.Resources.length });
      seen.push(...ids(page));
    }
    expect(seen).toEqual(expected);
    expect(ids(await list(''))).toEqual(expected);
    expect((await list('startIndex=7&count=3')).Resources).toMatchObject([
      { id: gone, active: false },
      { id: later, active: false },
    ]);
  });

  it('defaults count to 100 and clamps a larger count to the server maximum', async () => {
    await directory(120);
    expect((await list('')).itemsPerPage).toBe(100);
    await t.close();

    await directory(10, {}, 4);
    const page = await list('count=50');
    expect(page).toMatchObject({ itemsPerPage: 4, totalResults: 12 });
  });

  it('reads startIndex below 1 as 1, answers past the end with an empty page, and count=0 with the total only', async () => {
    await directory(3);
    expect(ids(await list('startIndex=0&count=1'))).toEqual(['1']);
    expect(await list('startIndex=50')).toMatchObject({ totalResults: 5, startIndex: 50, itemsPerPage: 0, Resources: [] });
    expect(await list('count=0')).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
  });

  it('imports everything on Jamf ≥ 11.26 with one Jamf call per page of 100', async () => {
    const { gone, kept } = await directory(230);
    const seen: string[] = [];
    for (const start of [1, 101, 201]) {
      t.resetCalls();
      const page = await list(`startIndex=${start}&count=100`);
      expect(page.totalResults).toBe(232);
      expect(t.calls()).toEqual({ 'GET /api/v1/users': 1 });
      seen.push(...ids(page));
    }
    expect(seen).toHaveLength(232);
    expect(new Set(seen).size).toBe(232);
    expect(seen.slice(-2)).toEqual([kept, gone]);
  });

  it('imports everything on Jamf < 11.26 with the Classic list and at most 100 reads per page, groups included', async () => {
    await directory(130, { version: '11.25.2', seedGroups: 1 });
    t.resetCalls();
    const first = await list('startIndex=1&count=100');
    expect(first.totalResults).toBe(132);
    expect(t.calls()).toEqual({ 'GET /JSSResource/users': 1, 'GET /JSSResource/users/id/:id': 100 });
    expect(first.Resources.some((r: { groups?: unknown[] }) => (r.groups ?? []).length > 0)).toBe(true);

    t.resetCalls();
    const second = await list('startIndex=101&count=100');
    expect(second.itemsPerPage).toBe(32);
    // The following page of one import reuses the id list its first page read.
    expect(t.calls()).toEqual({ 'GET /JSSResource/users/id/:id': 31 });
    expect(new Set([...ids(first), ...ids(second)]).size).toBe(132);
  });

  it('reads Jamf with no more calls at once than the configured concurrency', async () => {
    await directory(40, { version: '11.25.2', latencyMs: 2 });
    await list('count=40');
    expect(t.sim.maxObservedConcurrency()).toBeLessThanOrEqual(5);
  });
});

describe('attributes and excludedAttributes', () => {
  it('returns only the attributes asked for, always with id, on lists and single reads', async () => {
    t = await startTestServer();
    const id = await createUser(t, { ...oktaCreateBody('ada@example.com'), title: 'Analyst' });

    const only = (await list(`filter=${q('userName eq "ada@example.com"')}&attributes=userName,emails.value`)).Resources[0];
    expect(Object.keys(only).sort()).toEqual(['emails', 'id', 'meta', 'schemas', 'userName']);
    expect(only.emails).toEqual([{ value: 'ada@example.com' }]);

    const without = (await t.scim('GET', `/scim/v2/Users/${id}?excludedAttributes=emails,groups,name,id`)).json();
    expect(without).toMatchObject({ id, userName: 'ada@example.com', title: 'Analyst' });
    expect(without).not.toHaveProperty('emails');
    expect(without).not.toHaveProperty('groups');
    expect(without).not.toHaveProperty('name');

    const single = (await t.scim('GET', `/scim/v2/Users/${id}?attributes=title`)).json();
    expect(Object.keys(single).sort()).toEqual(['id', 'meta', 'schemas', 'title']);
  });
});
