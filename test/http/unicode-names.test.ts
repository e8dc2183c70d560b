/**
 * userName and group displayName are one name when Jamf takes them as one: beyond ASCII case
 * (scim/name-fold.ts). Before, the store folded ASCII only, so a tombstone's name could be taken
 * in another Unicode case and the user could never come back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { createUser, expectScimError, jamfUsersNamed, oktaCreateBody, patchBody, q } from './users-support.js';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  await t.close();
});

const setActive = (id: string, active: boolean) => t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', value: { active } }));
const byUserName = async (name: string) => (await t.scim('GET', `/scim/v2/Users?filter=${q(`userName eq "${name}"`)}`)).json();

describe.each([
  ['Émile.x', 'émile.x'],
  ['ΣΟΦΙΑ.x', 'σοφια.x'],
  ['ẞtraße.x', 'ßtraße.x'],
  ['E\u0301mile.y', 'émile.y'],
])('%s and %s', (held, other) => {
  it('a deactivated user keeps its name: a POST or a rename in the other case is 409, the filter finds the tombstone, and it comes back', async () => {
    const id = await createUser(t, oktaCreateBody(held));
    expect((await setActive(id, false)).statusCode).toBe(200);

    expectScimError(await t.scim('POST', '/scim/v2/Users', oktaCreateBody(other)), 409, 'uniqueness');
    const grace = await createUser(t, oktaCreateBody('grace@example.com'));
    expectScimError(await t.scim('PATCH', `/scim/v2/Users/${grace}`, patchBody({ op: 'replace', path: 'userName', value: other })), 409, 'uniqueness');
    const found = await byUserName(other);
    expect(found.Resources.map((r: { id: string; active: boolean }) => [r.id, r.active])).toEqual([[id, false]]);

    const on = await setActive(id, true);
    expect(on.statusCode, on.body).toBe(200);
    expect(jamfUsersNamed(t, held)).toHaveLength(1);
    expect((await byUserName(other)).Resources.map((r: { id: string; active: boolean }) => [r.id, r.active])).toEqual([[id, true]]);
  });

  it('Jamf refuses the other case while the user is active: 409 uniqueness', async () => {
    await createUser(t, oktaCreateBody(held));
    expectScimError(await t.scim('POST', '/scim/v2/Users', oktaCreateBody(other)), 409, 'uniqueness');
  });
});

describe('group displayName', () => {
  it('ÉQUIPE and équipe are one group name: 409 on create, and the filter finds it', async () => {
    const created = await t.scim('POST', '/scim/v2/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Équipe Σ' });
    expect(created.statusCode).toBe(201);
    expectScimError(await t.scim('POST', '/scim/v2/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'ÉQUIPE σ' }), 409, 'uniqueness');
    const found = (await t.scim('GET', `/scim/v2/Groups?filter=${q('displayName eq "équipe ς"')}&excludedAttributes=members`)).json();
    expect(found.Resources.map((g: { id: string }) => g.id)).toEqual([created.json().id]);
  });
});
