import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { createUser, expectScimError, oktaCreateBody, patchBody, q } from './users-support.js';

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

const GET_USER = 'GET /JSSResource/users/id/:id';
const PRO = '11.30.1';
const CLASSIC = '11.25.0';
type Resource = Record<string, unknown> & { id: string };

async function list(path: string): Promise<{ totalResults: number; Resources: Resource[] }> {
  const res = await t.scim('GET', path);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/**
 * Users from the IdP (with externalIds and meta), one an admin made in Jamf (no externalId or
 * meta), an accented name, and optionally a deactivated one (a tombstone, not in Jamf).
 */
async function directory(version: string, withTombstone: boolean) {
  t = await startTestServer({ version });
  await createUser(t, { ...oktaCreateBody('carol', 'Carol', 'Young'), externalId: 'x-2' });
  await createUser(t, { ...oktaCreateBody('alice', 'Alice', 'Zed'), externalId: 'X-1' });
  await createUser(t, { ...oktaCreateBody('Émile', 'Émile', 'Borel'), externalId: 'x-3' });
  t.sim.addUser({ name: 'ezra', fullName: 'Alice Zed', email: 'ezra@example.com' });
  if (withTombstone) {
    const bob = await createUser(t, { ...oktaCreateBody('bob', 'Bob', 'Moss'), externalId: 'x-0' });
    expect((await t.scim('PATCH', `/scim/v2/Users/${bob}`, patchBody({ op: 'replace', value: { active: false } }))).statusCode).toBe(200);
  }
  t.resetCalls();
}

const valueOf = (r: Resource, attribute: string): string | undefined => {
  const v = attribute.startsWith('meta.') ? (r.meta as Record<string, unknown>)[attribute.slice(5)] : r[attribute];
  return typeof v === 'string' ? v : undefined;
};
const numericFirst = (a: string, b: string) => {
  const [na, nb] = [/^\d+$/.test(a), /^\d+$/.test(b)];
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
};
const CASE_EXACT = ['id', 'externalId', 'meta.created', 'meta.lastModified'];

/** What an IdP checks: every neighbouring pair in order, missing values last ascending, ties by id. */
function expectSorted(resources: Resource[], attribute: string, descending: boolean) {
  for (let i = 1; i < resources.length; i++) {
    const [a, b] = [resources[i - 1] as Resource, resources[i] as Resource];
    const [va, vb] = [valueOf(a, attribute), valueOf(b, attribute)];
    let d: number;
    if (va === undefined || vb === undefined) d = va === vb ? 0 : va === undefined ? 1 : -1;
    else if (attribute === 'id') d = numericFirst(va, vb);
    else if (CASE_EXACT.includes(attribute)) d = va < vb ? -1 : va > vb ? 1 : 0;
    else d = va.localeCompare(vb, 'en', { sensitivity: 'accent' });
    if (descending) d = -d;
    expect(d, `${attribute}: ${va} then ${vb}`).toBeLessThanOrEqual(0);
    if (d === 0) expect(numericFirst(a.id, b.id), `tie on ${attribute} broken by id`).toBeLessThan(0);
  }
}

const ATTRIBUTES = ['userName', 'displayName', 'externalId', 'meta.created', 'meta.lastModified', 'id'];

describe.each([
  ['Jamf Pro API (11.30.1)', PRO],
  ['Classic (11.25.0)', CLASSIC],
])('GET /Users sorted, %s', (_name, version) => {
  it.each(ATTRIBUTES)('sorts by %s both ways, tombstones in their place, and pages of 2 add up to the whole list', async (attribute) => {
    await directory(version, true);
    const all = await list('/scim/v2/Users?count=100');
    for (const order of ['ascending', 'descending']) {
      const sorted = await list(`/scim/v2/Users?sortBy=${attribute}&sortOrder=${order}&count=100`);
      expect(sorted.totalResults).toBe(all.totalResults);
      expect(sorted.Resources.map((r) => r.id).sort()).toEqual(all.Resources.map((r) => r.id).sort());
      expectSorted(sorted.Resources, attribute, order === 'descending');
      const pages: Resource[] = [];
      for (let start = 1; start <= sorted.totalResults; start += 2) {
        const page = await list(`/scim/v2/Users?sortBy=${attribute}&sortOrder=${order}&startIndex=${start}&count=2`);
        expect(page.totalResults).toBe(sorted.totalResults);
        pages.push(...page.Resources);
      }
      expect(pages).toEqual(sorted.Resources);
    }
  });

  it('puts the tombstone and the Jamf-made user where their userName belongs', async () => {
    await directory(version, true);
    const asc = await list('/scim/v2/Users?sortBy=userName');
    expect(asc.Resources.map((r) => [r.userName, r.active])).toEqual([
      ['alice', true],
      ['bob', false],
      ['carol', true],
      ['Émile', true],
      ['ezra', true],
    ]);
    const desc = await list('/scim/v2/Users?sortBy=userName&sortOrder=descending');
    expect(desc.Resources.map((r) => r.userName)).toEqual(['ezra', 'Émile', 'carol', 'bob', 'alice']);
  });

  it('sorts the matches of a filter, at the cost of the filter alone', async () => {
    await directory(version, true);
    const unsorted = await list(`/scim/v2/Users?filter=${q('userName co "r"')}`);
    const unsortedCalls = t.calls();
    t.resetCalls();
    const sorted = await list(`/scim/v2/Users?filter=${q('userName co "r"')}&sortBy=userName&sortOrder=descending`);
    expect(t.calls()).toEqual(unsortedCalls);
    expect(sorted.Resources.map((r) => r.userName)).toEqual(['ezra', 'carol']);
    expect(unsorted.totalResults).toBe(2);
  });

  it('refuses an attribute it cannot sort by, naming it', async () => {
    await directory(version, false);
    const res = await t.scim('GET', '/scim/v2/Users?sortBy=title');
    expectScimError(res, 400, 'invalidValue');
    expect(res.json().detail).toContain('title');
    expectScimError(await t.scim('GET', '/scim/v2/Users?sortBy=userName&sortOrder=up'), 400, 'invalidValue');
    expect(t.jamfCalls()).toBe(0);
  });
});

describe('Jamf calls of a sorted user list (README, Import / Users lists)', () => {
  it('Jamf Pro ≥ 11.26, userName, no tombstones: Jamf sorts, one call per page, as unsorted', async () => {
    await directory(PRO, false);
    const page = await list('/scim/v2/Users?sortBy=userName&sortOrder=descending&startIndex=3&count=2');
    expect(page.Resources.map((r) => r.userName)).toEqual(['carol', 'alice']);
    expect(t.calls()).toEqual({ 'GET /api/v1/users': 1 });
  });

  it('Jamf Pro ≥ 11.26 otherwise: every page of 1,000 users, sorted here', async () => {
    await directory(PRO, true);
    await list('/scim/v2/Users?sortBy=userName&count=2');
    expect(t.calls()).toEqual({ 'GET /api/v1/users': 1 });
    t.resetCalls();
    await list('/scim/v2/Users?sortBy=displayName&count=2');
    expect(t.calls()).toEqual({ 'GET /api/v1/users': 1 });
  });

  it('Classic: the list plus the reads of the page, except displayName (the list plus every user)', async () => {
    await directory(CLASSIC, true);
    for (const attribute of ['userName', 'externalId', 'meta.created', 'meta.lastModified', 'id']) {
      t.resetCalls();
      const page = await list(`/scim/v2/Users?sortBy=${attribute}&count=2`);
      const inJamf = page.Resources.filter((r) => r.active === true).length;
      expect(t.calls(), attribute).toEqual({ 'GET /JSSResource/users': 1, ...(inJamf > 0 ? { [GET_USER]: inJamf } : {}) });
    }
    t.resetCalls();
    await list('/scim/v2/Users?sortBy=displayName&count=2');
    expect(t.calls()).toEqual({ 'GET /JSSResource/users': 1, [GET_USER]: 4 });
  });

  it('keeps the unsorted budget on both paths', async () => {
    await directory(PRO, true);
    await list('/scim/v2/Users?startIndex=1&count=2');
    expect(t.calls()).toEqual({ 'GET /api/v1/users': 1 });
    await t.close();
    await directory(CLASSIC, true);
    await list('/scim/v2/Users?startIndex=1&count=2');
    expect(t.calls()).toEqual({ 'GET /JSSResource/users': 1, [GET_USER]: 2 });
  });
});

describe('GET /Groups sorted', () => {
  async function groups() {
    t = await startTestServer();
    const ada = await createUser(t, oktaCreateBody('ada'));
    for (const [displayName, externalId] of [
      ['Sales', 'g-2'],
      ['engineering', 'g-1'],
    ]) {
      const res = await t.scim('POST', '/scim/v2/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName,
        externalId,
        members: [{ value: ada }],
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    t.sim.addGroup({ name: 'Admins' });
    t.sim.addGroup({ name: 'Smart one', isSmart: true });
    t.resetCalls();
  }

  it.each(['displayName', 'externalId', 'meta.created', 'meta.lastModified', 'id'])('sorts by %s both ways and pages stably', async (attribute) => {
    await groups();
    for (const order of ['ascending', 'descending']) {
      const sorted = await list(`/scim/v2/Groups?sortBy=${attribute}&sortOrder=${order}`);
      expect(sorted.totalResults).toBe(3);
      expectSorted(sorted.Resources, attribute, order === 'descending');
      const pages: Resource[] = [];
      for (let start = 1; start <= 3; start += 2) {
        pages.push(...(await list(`/scim/v2/Groups?sortBy=${attribute}&sortOrder=${order}&startIndex=${start}&count=2`)).Resources);
      }
      expect(pages).toEqual(sorted.Resources);
    }
  });

  it('costs the list alone without members, and the reads of the page with them, as unsorted', async () => {
    await groups();
    const names = await list('/scim/v2/Groups?sortBy=displayName&excludedAttributes=members');
    expect(names.Resources.map((r) => r.displayName)).toEqual(['Admins', 'engineering', 'Sales']);
    expect(t.calls()).toEqual({ 'GET /JSSResource/usergroups': 1 });
    t.resetCalls();
    const page = await list('/scim/v2/Groups?sortBy=displayName&sortOrder=descending&count=2');
    expect(page.Resources.map((r) => [r.displayName, (r.members as unknown[]).length])).toEqual([
      ['Sales', 1],
      ['engineering', 1],
    ]);
    expect(t.calls()).toEqual({ 'GET /JSSResource/usergroups': 1, 'GET /JSSResource/usergroups/id/:id': 2 });
  });

  it('refuses userName, which groups do not have', async () => {
    await groups();
    expectScimError(await t.scim('GET', '/scim/v2/Groups?sortBy=userName'), 400, 'invalidValue');
  });
});
