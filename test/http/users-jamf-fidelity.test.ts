/**
 * Deactivation and reactivation against a Jamf Pro as a real tenant behaves: users with sites and
 * extension attributes (which an admin may delete meanwhile), a duplicate-name 409 worded in a way
 * no public source shows, and users Jamf creates by itself when a username is assigned to a device.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs, startTestServer, type TestServer } from '../helper.js';
import { createUser, expectScimError, jamfUserByName, oktaCreateBody, patchBody, staticGroupsOf, storeUserRows } from './users-support.js';

const USER = 'ada@example.com';
const USER_BY_ID = '/JSSResource/users/id/:id';
const deactivate = { op: 'replace', value: { active: false } };
const reactivate = { op: 'replace', value: { active: true } };

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

const patch = (id: string, ...ops: unknown[]) => t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody(...ops));
const logged = (lines: string[], msg: string) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);

/** A Jamf user as an admin set it up by hand: two sites, two extension attribute values, a managed Apple ID, a static group. */
function richJamfUser(sim: TestServer['sim']) {
  const berlin = sim.addSite('Berlin');
  const paris = sim.addSite('Paris');
  const cost = sim.addUserExtensionAttribute({ name: 'Cost Centre' });
  const badge = sim.addUserExtensionAttribute({ name: 'Badge' });
  const jamfId = sim.addUser({
    name: USER,
    fullName: 'Ada Lovelace',
    email: USER,
    sites: [berlin, paris],
    extensionAttributes: [
      { id: cost, value: 'R&D' },
      { id: badge, value: '42' },
    ],
    managedAppleId: 'ada@appleid.example.com',
  });
  const group = sim.addGroup({ name: 'Engineering', memberIds: [jamfId] });
  return { jamfId, scimId: String(jamfId), berlin, paris, cost, badge, group };
}

const sitesOf = (t: TestServer) => jamfUserByName(t, USER)?.sites.map((s) => s.name);
const valuesOf = (t: TestServer) => Object.fromEntries((jamfUserByName(t, USER)?.extension_attributes ?? []).map((ea) => [ea.name, ea.value]));

describe('deactivation keeps everything Jamf can take back', () => {
  it('a user with sites, extension attributes and a managed Apple ID comes back with all of it, its groups and the IdP changes; the log gives old and new Jamf id', async () => {
    const logs = captureLogs('info');
    t = await startTestServer({ unknownReferences: 'refuse' }, { logger: logs.logger });
    const u = richJamfUser(t.sim);

    expect((await patch(u.scimId, deactivate)).json().active).toBe(false);
    expect(jamfUserByName(t, USER)).toBeUndefined();
    t.resetCalls();
    const on = await patch(u.scimId, reactivate, { op: 'replace', path: 'title', value: 'Countess' });

    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ id: u.scimId, active: true, title: 'Countess' });
    const back = jamfUserByName(t, USER);
    expect(back?.id).not.toBe(u.jamfId);
    expect(sitesOf(t)).toEqual(['Berlin', 'Paris']);
    expect(valuesOf(t)).toEqual({ 'Cost Centre': 'R&D', Badge: '42' });
    expect(back).toMatchObject({ managed_apple_id: 'ada@appleid.example.com', full_name: 'Ada Lovelace', position: 'Countess' });
    expect(staticGroupsOf(t, back?.id)).toEqual(['Engineering']);
    // Everything went into the one create: no extra Jamf call for what the record held.
    expect(t.calls()[`POST ${USER_BY_ID}`]).toBe(1);
    expect(t.calls()[`PUT ${USER_BY_ID}`]).toBeUndefined();
    expect(logged(logs.lines, 'user reactivated')).toEqual([expect.objectContaining({ scimId: u.scimId, oldJamfId: u.jamfId, jamfId: back?.id })]);
  });

  it('a site and an extension attribute deleted while the user was inactive are skipped and logged; the rest comes back', async () => {
    const logs = captureLogs('info');
    t = await startTestServer({ unknownReferences: 'refuse' }, { logger: logs.logger });
    const u = richJamfUser(t.sim);
    expect((await patch(u.scimId, deactivate)).statusCode).toBe(200);
    t.sim.deleteSite(u.paris);
    t.sim.deleteUserExtensionAttribute(u.badge);

    const on = await patch(u.scimId, reactivate);

    expect(on.statusCode, on.body).toBe(200);
    expect(sitesOf(t)).toEqual(['Berlin']);
    expect(valuesOf(t)).toEqual({ 'Cost Centre': 'R&D' });
    expect(jamfUserByName(t, USER)?.managed_apple_id).toBe('ada@appleid.example.com');
    expect(staticGroupsOf(t, jamfUserByName(t, USER)?.id)).toEqual(['Engineering']);
    const [skip] = logged(logs.lines, 'reactivation skipped what no longer exists in Jamf Pro');
    expect(skip).toMatchObject({ scimId: u.scimId, userName: USER });
    expect(skip?.skipped).toEqual([`site "Paris" (id ${u.paris})`, `extension attribute "Badge" (id ${u.badge})`]);
  });
});

describe('duplicates are decided by a lookup, not by the wording of Jamf’s 409', () => {
  const wording = { duplicateNameMessage: 'A user or group with this name already exists' };

  it('a taken userName or group name is 409 uniqueness however Jamf words its 409', async () => {
    t = await startTestServer(wording);
    t.sim.addUser({ name: USER });
    expectScimError(await t.scim('POST', '/scim/v2/Users', oktaCreateBody(USER.toUpperCase())), 409, 'uniqueness');
    t.sim.addGroup({ name: 'Sales' });
    expectScimError(await t.scim('POST', '/scim/v2/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'SALES' }), 409, 'uniqueness');

    const other = await createUser(t, oktaCreateBody('grace@example.com'));
    expectScimError(await patch(other, { op: 'replace', path: 'userName', value: USER }), 409, 'uniqueness');
  });

  it('a reactivation interrupted after Jamf created the user is finished by the next GET, which takes that user', async () => {
    t = await startTestServer(wording);
    const id = await createUser(t, oktaCreateBody(USER));
    expect((await patch(id, deactivate)).statusCode).toBe(200);
    // The create lands but its answer is lost, and the lookup that would tell fails too.
    t.sim.setKnobs({
      faults: {
        next: [
          { method: 'POST', route: USER_BY_ID, fault: 'reset-after' },
          { method: 'GET', route: '/JSSResource/users/name/:name', fault: 503, count: 10 },
        ],
      },
    });
    expect((await patch(id, reactivate)).statusCode).toBeGreaterThanOrEqual(500);
    t.sim.setKnobs({ faults: {} });
    expect(storeUserRows(t).find((r) => r.scim_id === id)).toMatchObject({ status: 'reactivating', jamf_id: null });

    const read = await t.scim('GET', `/scim/v2/Users/${id}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ id, active: true });
    expect(storeUserRows(t).find((r) => r.scim_id === id)).toMatchObject({ status: 'active', jamf_id: jamfUserByName(t, USER)?.id });
  });
});

describe('users Jamf made itself', () => {
  it('a reactivation takes over the user a device assignment re-created: same SCIM id, the tombstone’s values, its groups, the device kept', async () => {
    const logs = captureLogs('info');
    t = await startTestServer({}, { logger: logs.logger });
    const id = await createUser(t, { ...oktaCreateBody(USER), title: 'Analyst' });
    t.sim.addGroup({ name: 'Engineering', memberIds: [Number(id)] });
    expect((await patch(id, deactivate)).statusCode).toBe(200);
    const assigned = t.sim.assignDevice({ username: USER, kind: 'computer', deviceName: 'Ada’s MacBook' });
    expect(assigned.created).toBe(true);

    const on = await patch(id, reactivate);

    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ id, active: true, title: 'Analyst' });
    const jamfUser = jamfUserByName(t, USER);
    expect(jamfUser?.id).toBe(assigned.userId);
    expect(jamfUser).toMatchObject({ full_name: 'Ada Lovelace', email: USER, position: 'Analyst' });
    expect(staticGroupsOf(t, assigned.userId)).toEqual(['Engineering']);
    expect(logged(logs.lines, 'reactivation took over a Jamf user of this userName that Jamf Pro created itself (e.g. by a device assignment)')).toHaveLength(1);
    // The SCIM user now owns that Jamf user: a later deactivation deletes it.
    expect((await patch(id, deactivate)).json().active).toBe(false);
    expect(jamfUserByName(t, USER)).toBeUndefined();
  });

  it('a POST of a name that exists in Jamf but not in the store stays 409 uniqueness', async () => {
    t = await startTestServer();
    t.sim.assignDevice({ username: USER });
    expectScimError(await t.scim('POST', '/scim/v2/Users', oktaCreateBody(USER)), 409, 'uniqueness');
  });
});
