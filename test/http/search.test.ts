import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { LIST_RESPONSE, createUser, expectScimError, oktaCreateBody, patchBody } from './users-support.js';

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
type Resource = Record<string, unknown> & { id: string };

async function search(path: string, body: Record<string, unknown>) {
  const res = await t.scim('POST', path, { schemas: [SEARCH], ...body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { schemas: string[]; totalResults: number; startIndex: number; itemsPerPage: number; Resources: Resource[] };
}

async function get(path: string) {
  const res = await t.scim('GET', path);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function directory(version = '11.30.1') {
  t = await startTestServer({ version });
  const ada = await createUser(t, { ...oktaCreateBody('ada@example.com'), externalId: 'e-ada' });
  const bob = await createUser(t, { ...oktaCreateBody('bob@example.com', 'Bob', 'Moss'), externalId: 'e-bob' });
  const cy = await createUser(t, { ...oktaCreateBody('cy@example.com', 'Cy', 'Young'), externalId: 'e-cy' });
  expect((await t.scim('PATCH', `/scim/v2/Users/${cy}`, patchBody({ op: 'replace', value: { active: false } }))).statusCode).toBe(200);
  const group = async (displayName: string, members: string[]) => {
    const res = await t.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const sales = await group('Sales', [ada]);
  const eng = await group('Engineering', [ada, bob]);
  t.resetCalls();
  return { ada, bob, cy, sales, eng };
}

describe('POST /Users/.search and /Groups/.search', () => {
  it.each(['11.30.1', '11.25.0'])('answers what the GET of the same parameters answers, with the same Jamf calls (%s)', async (version) => {
    await directory(version);
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['/Users', { filter: 'userName sw "b"' }, 'filter=userName%20sw%20%22b%22'],
      ['/Users', { filter: 'userName eq "ada@example.com"', attributes: ['userName'] }, 'filter=userName%20eq%20%22ada%40example.com%22&attributes=userName'],
      ['/Users', { startIndex: 2, count: 1, excludedAttributes: ['groups', 'emails'] }, 'startIndex=2&count=1&excludedAttributes=groups,emails'],
      ['/Users', { sortBy: 'userName', sortOrder: 'descending', count: 2 }, 'sortBy=userName&sortOrder=descending&count=2'],
      ['/Groups', { filter: 'displayName eq "Sales"', excludedAttributes: ['members'] }, 'filter=displayName%20eq%20%22Sales%22&excludedAttributes=members'],
      ['/Groups', { sortBy: 'displayName', startIndex: 1, count: 1 }, 'sortBy=displayName&startIndex=1&count=1'],
    ];
    for (const [type, body, query] of cases) {
      t.resetCalls();
      const viaGet = await get(`/scim/v2${type}?${query}`);
      const getCalls = t.calls();
      t.resetCalls();
      expect(await search(`/scim/v2${type}/.search`, body), `${type} ${query}`).toEqual(viaGet);
      expect(t.calls(), `${type} ${query}`).toEqual(getCalls);
    }
  });

  it('projects as asked: attributes keeps what was asked for, excludedAttributes drops', async () => {
    const { bob } = await directory();
    const body = await search('/scim/v2/Users/.search', { filter: 'externalId eq "e-bob"', attributes: ['userName'] });
    expect(body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 1, itemsPerPage: 1 });
    expect(body.Resources[0]).toMatchObject({ id: bob, userName: 'bob@example.com' });
    expect(body.Resources[0]).not.toHaveProperty('emails');
    expect(body.Resources[0]).not.toHaveProperty('name');
    const groups = await search('/scim/v2/Groups/.search', { excludedAttributes: ['members'] });
    expect(groups.Resources.every((g) => !('members' in g))).toBe(true);
    expect(groups.totalResults).toBe(2);
  });

  it('refuses a body that is not a SearchRequest, and members of the wrong type, before any Jamf call', async () => {
    await directory();
    const raw = (body: unknown) => t.scim('POST', '/scim/v2/Users/.search', body);
    expectScimError(await raw({ filter: 'userName pr' }), 400, 'invalidSyntax');
    expectScimError(await raw({ schemas: [LIST_RESPONSE] }), 400, 'invalidSyntax');
    expectScimError(await raw([SEARCH]), 400, 'invalidSyntax');
    for (const body of [{ count: '10' }, { startIndex: 1.5 }, { attributes: 'userName' }, { excludedAttributes: [3] }, { filter: { op: 'eq' } }, { sortBy: 5 }]) {
      expectScimError(await raw({ schemas: [SEARCH], ...body }), 400, 'invalidValue');
    }
    expectScimError(await raw({ schemas: [SEARCH], sortBy: 'title' }), 400, 'invalidValue');
    expectScimError(await raw({ schemas: [SEARCH], filter: 'userName eq' }), 400, 'invalidFilter');
    expect(t.jamfCalls()).toBe(0);
  });
});

describe('POST /.search (root)', () => {
  it('lists Users, then Groups, with a true totalResults, paging across both', async () => {
    const { ada, bob, cy, sales, eng } = await directory();
    const all = await search('/scim/v2/.search', { excludedAttributes: ['members', 'groups'] });
    expect(all.totalResults).toBe(5);
    // One users page and the group list: what GET /Users and GET /Groups of the same cost.
    expect(t.calls()).toEqual({ 'GET /api/v1/users': 1, 'GET /JSSResource/usergroups': 1 });
    const users = (await get('/scim/v2/Users')).Resources.map((r: Resource) => r.id);
    const groups = (await get('/scim/v2/Groups')).Resources.map((r: Resource) => r.id);
    expect(all.Resources.map((r) => r.id)).toEqual([...users, ...groups]);
    expect(new Set(users)).toEqual(new Set([ada, bob, cy]));
    expect(new Set(groups)).toEqual(new Set([sales, eng]));
    expect(all.Resources.map((r) => (r.meta as { resourceType: string }).resourceType)).toEqual(['User', 'User', 'User', 'Group', 'Group']);
    const pages: Resource[] = [];
    for (let start = 1; start <= 5; start += 2) {
      const page = await search('/scim/v2/.search', { startIndex: start, count: 2, excludedAttributes: ['members', 'groups'] });
      expect(page).toMatchObject({ totalResults: 5, startIndex: start });
      pages.push(...page.Resources);
    }
    expect(pages).toEqual(all.Resources);
  });

  it('applies the filter to each type; a type without the attribute matches nothing', async () => {
    const { ada, sales } = await directory();
    const byName = await search('/scim/v2/.search', { filter: 'userName eq "ada@example.com"' });
    expect(byName.Resources.map((r) => r.id)).toEqual([ada]);
    const shared = await search('/scim/v2/.search', { filter: 'displayName sw "S"', attributes: ['displayName'] });
    expect(shared.Resources.map((r) => r.id)).toEqual([sales]);
    const both = await search('/scim/v2/.search', { filter: 'displayName co "a"', attributes: ['displayName'] });
    expect(both).toMatchObject({ totalResults: 2, itemsPerPage: 2 });
    expect(both.Resources.map((r) => r.displayName)).toEqual(['Ada Lovelace', 'Sales']);
    expectScimError(await t.scim('POST', '/scim/v2/.search', { schemas: [SEARCH], filter: 'nosuch eq "x"' }), 400, 'invalidFilter');
  });

  it('merges both types by sortBy, groups (no userName) last when sorting by userName', async () => {
    await directory();
    const byName = await search('/scim/v2/.search', { sortBy: 'displayName', attributes: ['displayName'] });
    expect(byName.Resources.map((r) => r.displayName)).toEqual(['Ada Lovelace', 'Bob Moss', 'Cy Young', 'Engineering', 'Sales']);
    const desc = await search('/scim/v2/.search', { sortBy: 'displayName', sortOrder: 'descending', startIndex: 2, count: 2, attributes: ['displayName'] });
    expect(desc).toMatchObject({ totalResults: 5, itemsPerPage: 2 });
    expect(desc.Resources.map((r) => r.displayName)).toEqual(['Engineering', 'Cy Young']);
    // Without a value, groups come first descending (last ascending), in id order among themselves.
    const byUserName = await search('/scim/v2/.search', { sortBy: 'userName', sortOrder: 'descending', attributes: ['userName', 'displayName'] });
    expect(byUserName.Resources.map((r) => r.userName ?? r.displayName)).toEqual(['Sales', 'Engineering', 'cy@example.com', 'bob@example.com', 'ada@example.com']);
    const ascending = await search('/scim/v2/.search', { sortBy: 'userName', attributes: ['userName', 'displayName'] });
    expect(ascending.Resources.map((r) => r.userName ?? r.displayName)).toEqual(['ada@example.com', 'bob@example.com', 'cy@example.com', 'Sales', 'Engineering']);
  });
});
