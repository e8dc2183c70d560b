import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import {
  createUser,
  expectScimError,
  jamfUserByName,
  jamfUsersNamed,
  oktaCreateBody,
  patchBody,
  q,
  snapshot,
  staticGroupsOf,
  storeUserRows,
} from './users-support.js';

const GET_USER = 'GET /JSSResource/users/id/:id';
const DELETE_USER = 'DELETE /JSSResource/users/id/:id';
const POST_USER = 'POST /JSSResource/users/id/:id';
const PUT_GROUP = 'PUT /JSSResource/usergroups/id/:id';

const USER = 'ada@example.com';
const deactivate = { op: 'replace', value: { active: false } };
const reactivate = { op: 'replace', value: { active: true } };

let t: TestServer;
let id: string;
let eng: number;
let ops: number;
beforeEach(async () => {
  t = await startTestServer();
  id = await createUser(t, { ...oktaCreateBody(USER), title: 'Analyst' });
  eng = t.sim.addGroup({ name: 'Engineering', memberIds: [Number(id)] });
  ops = t.sim.addGroup({ name: 'Operations', memberIds: [Number(id)] });
  t.sim.addGroup({ name: 'Everyone (smart)', isSmart: true, memberIds: [Number(id)] });
  t.resetCalls();
});
afterEach(async () => {
  await t.close();
});

const patch = (...operations: unknown[]) => t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody(...operations));
const row = () => storeUserRows(t).find((r) => r.scim_id === id);
const jamfNow = () => jamfUserByName(t, USER);

/** design.md §4: never a user missing from both Jamf and the store, never two Jamf users for one SCIM user. */
function expectNeverLostNorDuplicated(): void {
  const inJamf = jamfUsersNamed(t, USER);
  expect(inJamf.length).toBeLessThanOrEqual(1);
  expect(inJamf.length === 1 || row() !== undefined).toBe(true);
}

describe('deactivation', () => {
  it('deletes the Jamf user with one read and one delete and keeps a tombstone with its static groups', async () => {
    const res = await patch(deactivate);

    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id, userName: USER, active: false, title: 'Analyst' });
    expect(res.json().groups.map((g: { value: string }) => g.value).sort()).toEqual([String(eng), String(ops)].sort());
    expect(t.calls()).toEqual({ [GET_USER]: 1, [DELETE_USER]: 1 });
    expect(jamfNow()).toBeUndefined();
    expect(row()).toMatchObject({ status: 'inactive', jamf_id: null, group_ids: JSON.stringify([eng, ops]) });
  });

  it('takes PUT with active false (Okta AIW) the same way', async () => {
    const res = await t.scim('PUT', `/scim/v2/Users/${id}`, { ...oktaCreateBody(USER), title: 'Analyst', active: false });
    expect(res.json().active).toBe(false);
    expect(t.calls()).toEqual({ [GET_USER]: 1, [DELETE_USER]: 1 });
    expect(jamfNow()).toBeUndefined();
  });

  it('keeps the user readable with active false: GET, filters and the list', async () => {
    await patch(deactivate);
    t.resetCalls();

    const read = await t.scim('GET', `/scim/v2/Users/${id}`);
    expect(read.json()).toMatchObject({ id, active: false, groups: [{ display: 'Engineering' }, { display: 'Operations' }] });
    expect(t.jamfCalls()).toBeLessThanOrEqual(1);

    for (const filter of [
      `userName eq "${USER.toUpperCase()}"`,
      'externalId eq "00u15okta"',
      `emails[type eq "work"].value eq "${USER}"`,
      'active eq false',
      `id eq "${id}"`,
    ]) {
      t.resetCalls();
      const list = (await t.scim('GET', `/scim/v2/Users?filter=${q(filter)}`)).json();
      expect(list.Resources.map((r: { id: string; active: boolean }) => [r.id, r.active]), filter).toEqual([[id, false]]);
      expect(list.totalResults).toBe(1);
    }

    const all = (await t.scim('GET', '/scim/v2/Users?startIndex=1&count=100')).json();
    expect(all.totalResults).toBe(1);
    expect(all.Resources).toMatchObject([{ id, active: false }]);
  });

  it('applies changes while inactive to the tombstone only, with no Jamf call', async () => {
    await patch(deactivate);
    t.resetCalls();

    const patched = await patch({ op: 'replace', path: 'title', value: 'Countess' });
    const put = await t.scim('PUT', `/scim/v2/Users/${id}`, {
      ...oktaCreateBody('augusta@example.com', 'Augusta', 'King'),
      title: 'Countess',
      active: false,
    });

    expect(patched.json()).toMatchObject({ active: false, title: 'Countess' });
    expect(put.json()).toMatchObject({ id, active: false, userName: 'augusta@example.com', name: { givenName: 'Augusta' } });
    expect(t.jamfCalls()).toBe(0);
    expect(t.sim.state.users.size).toBe(0);
  });
});

describe('reactivation', () => {
  it('re-creates the Jamf user under the same SCIM id, with the changes made while inactive and the static groups that still exist', async () => {
    await patch(deactivate);
    await patch({ op: 'replace', path: 'title', value: 'Countess' });
    t.sim.state.groups.delete(ops);
    t.resetCalls();

    const res = await patch({ op: 'Replace', path: 'active', value: 'True' });

    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id, active: true, title: 'Countess', groups: [{ value: String(eng), display: 'Engineering' }] });
    const jamf = jamfNow();
    expect(jamf).toMatchObject({ position: 'Countess', full_name: 'Ada Lovelace', email: USER });
    expect(jamf?.id).not.toBe(Number(id));
    expect(staticGroupsOf(t, jamf?.id)).toEqual(['Engineering']);
    expect(row()).toMatchObject({ status: 'active', jamf_id: jamf?.id, group_ids: '[]' });
    // One create, one membership write per remembered group, one group list for display names.
    expect(t.calls()).toEqual({ [POST_USER]: 1, [PUT_GROUP]: 2 });

    t.resetCalls();
    expect((await t.scim('GET', `/scim/v2/Users/${id}`)).json()).toMatchObject({ id, active: true, title: 'Countess' });
    expect(t.calls()).toEqual({ [GET_USER]: 1 });
    // The new Jamf id is not a second SCIM user.
    expectScimError(await t.scim('GET', `/scim/v2/Users/${jamf?.id}`), 404);
    const all = (await t.scim('GET', '/scim/v2/Users')).json();
    expect(all.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(all.totalResults).toBe(1);
  });

  it('takes PUT with active true (Okta AIW) the same way', async () => {
    await patch(deactivate);
    const res = await t.scim('PUT', `/scim/v2/Users/${id}`, { ...oktaCreateBody(USER), active: true });
    expect(res.json()).toMatchObject({ id, active: true });
    expect(staticGroupsOf(t, jamfNow()?.id)).toEqual(['Engineering', 'Operations']);
  });

  it('with REACTIVATE_ADOPTS_JAMF_USERS off, refuses a userName a Jamf user took while the user was inactive: 409, and the tombstone stays as it was', async () => {
    await t.close();
    t = await startTestServer({}, { adoptJamfUsers: false });
    id = await createUser(t, { ...oktaCreateBody(USER), title: 'Analyst' });
    await patch(deactivate);
    const squatter = t.sim.addUser({ name: USER, fullName: 'Someone Else' });
    const before = snapshot(t);

    const res = await patch(reactivate, { op: 'replace', path: 'title', value: 'Countess' });

    expectScimError(res, 409, 'uniqueness');
    expect(snapshot(t)).toBe(before);
    expect((await t.scim('GET', `/scim/v2/Users/${id}`)).json()).toMatchObject({ id, active: false, title: 'Analyst' });
    // Deleting the SCIM user must not take the other Jamf user with it.
    expect((await t.scim('DELETE', `/scim/v2/Users/${id}`)).statusCode).toBe(204);
    expect(t.sim.state.users.get(squatter)?.full_name).toBe('Someone Else');
  });

  it('deactivates and reactivates a user an admin made in Jamf under its original id, with its groups', async () => {
    const kenJamfId = t.sim.addUser({ name: 'ken@example.com', fullName: 'Ken Thompson', email: 'ken@example.com' });
    t.sim.state.groups.get(eng)?.memberIds.add(kenJamfId);
    const ken = String(kenJamfId);

    const off = await t.scim('PATCH', `/scim/v2/Users/${ken}`, patchBody(deactivate));
    expect(off.json()).toMatchObject({ id: ken, active: false, name: { givenName: 'Ken', familyName: 'Thompson' } });
    expect(t.sim.state.users.has(kenJamfId)).toBe(false);

    const on = await t.scim('PATCH', `/scim/v2/Users/${ken}`, patchBody(reactivate));
    expect(on.json()).toMatchObject({ id: ken, active: true, userName: 'ken@example.com' });
    const again = jamfUserByName(t, 'ken@example.com');
    expect(again).toMatchObject({ full_name: 'Ken Thompson', email: 'ken@example.com' });
    expect(staticGroupsOf(t, again?.id)).toEqual(['Engineering']);
  });

  it('survives a restart on the same store: same id, same groups', async () => {
    await patch(deactivate);
    await t.restart();

    const res = await patch(reactivate);

    expect(res.json()).toMatchObject({ id, active: true });
    expect(staticGroupsOf(t, jamfNow()?.id)).toEqual(['Engineering', 'Operations']);
    expect((await t.scim('GET', `/scim/v2/Users/${id}`)).json().groups.map((g: { display: string }) => g.display).sort()).toEqual([
      'Engineering',
      'Operations',
    ]);
  });

  it('sends a user created inactive to Jamf only when it is activated', async () => {
    const created = await t.scim('POST', '/scim/v2/Users', { ...oktaCreateBody('grace@example.com'), active: false });
    expect(created.statusCode).toBe(201);
    expect(created.json().active).toBe(false);
    expect(t.jamfCalls()).toBe(0);
    const graceId = created.json().id as string;

    const on = await t.scim('PATCH', `/scim/v2/Users/${graceId}`, patchBody(reactivate));
    expect(on.json()).toMatchObject({ id: graceId, active: true });
    expect(jamfUserByName(t, 'grace@example.com')).toBeDefined();
  });
});

describe('DELETE of a deactivated user', () => {
  it('drops the tombstone without a Jamf call, frees the userName, and a second DELETE is 404', async () => {
    await patch(deactivate);
    t.resetCalls();

    expect((await t.scim('DELETE', `/scim/v2/Users/${id}`)).statusCode).toBe(204);
    expect(t.jamfCalls()).toBe(0);
    expect(row()).toBeUndefined();
    expectScimError(await t.scim('GET', `/scim/v2/Users/${id}`), 404);
    expectScimError(await t.scim('DELETE', `/scim/v2/Users/${id}`), 404);
    expect((await t.scim('POST', '/scim/v2/Users', oktaCreateBody(USER))).statusCode).toBe(201);
  });
});

describe('a failed step is completed by the next request for the user', () => {
  it('Jamf refuses the delete of a deactivation: an error now, deactivated by the next request, also after a restart', async () => {
    t.sim.setKnobs({ faults: { next: [{ method: 'DELETE', route: '/JSSResource/users/id/:id', fault: 500 }] } });

    expect((await patch(deactivate)).statusCode).toBe(502);
    expectNeverLostNorDuplicated();
    expect(row()?.status).toBe('deactivating');

    await t.restart();
    const read = await t.scim('GET', `/scim/v2/Users/${id}`);
    expect(read.json()).toMatchObject({ id, active: false });
    expect(jamfNow()).toBeUndefined();
    expect(row()).toMatchObject({ status: 'inactive', group_ids: JSON.stringify([eng, ops]) });
  });

  it('an import after a failed deactivation lists every user once, with a true totalResults', async () => {
    const other = await createUser(t, oktaCreateBody('grace@example.com'));
    t.sim.setKnobs({ faults: { next: [{ method: 'DELETE', route: '/JSSResource/users/id/:id', fault: 500 }] } });
    expect((await patch(deactivate)).statusCode).toBe(502);

    const pages = [await t.scim('GET', '/scim/v2/Users?startIndex=1&count=1'), await t.scim('GET', '/scim/v2/Users?startIndex=2&count=1')];

    expect(pages.map((p) => p.json().totalResults)).toEqual([2, 2]);
    expect(pages.map((p) => p.json().Resources.map((r: { id: string; active: boolean }) => [r.id, r.active]))).toEqual([
      [[other, true]],
      [[id, false]],
    ]);
    expect(jamfNow()).toBeUndefined();
  });

  it('the delete landed but its response was lost: deactivated in the same request', async () => {
    t.sim.setKnobs({ faults: { next: [{ method: 'DELETE', route: '/JSSResource/users/id/:id', fault: 'reset-after' }] } });
    const res = await patch(deactivate);
    expect(res.json()).toMatchObject({ id, active: false });
    expect(jamfNow()).toBeUndefined();
    expect(row()?.status).toBe('inactive');
  });

  it('the server stopped after the Jamf delete, before recording it: the next request finishes', async () => {
    // The state such a crash leaves: the tombstone written as "deactivating", the Jamf user gone.
    const jamfId = Number(id);
    const record = await t.store.getUser(id);
    if (!record) throw new Error('no store row');
    await t.store.putUser({ ...record, status: 'deactivating', groupIds: [eng, ops] });
    t.sim.state.users.delete(jamfId);
    await t.restart();

    const read = await t.scim('GET', `/scim/v2/Users/${id}`);
    expect(read.json()).toMatchObject({ id, active: false });
    expect(row()).toMatchObject({ status: 'inactive', jamf_id: null });
    expect((await patch(reactivate)).json()).toMatchObject({ id, active: true });
    expect(staticGroupsOf(t, jamfNow()?.id)).toEqual(['Engineering', 'Operations']);
  });

  it('Jamf is unavailable for the create of a reactivation: 503 now, reactivated by the next request', async () => {
    await patch(deactivate);
    t.sim.setKnobs({ faults: { next: [{ method: 'POST', route: '/JSSResource/users/id/:id', fault: 503, count: 4 }] } });

    const res = await patch(reactivate);
    expectScimError(res, 503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expectNeverLostNorDuplicated();

    const read = await t.scim('GET', `/scim/v2/Users/${id}`);
    expect(read.json()).toMatchObject({ id, active: true });
    expectNeverLostNorDuplicated();
    expect(staticGroupsOf(t, jamfNow()?.id)).toEqual(['Engineering', 'Operations']);
  });

  it('the create landed but its response was lost: exactly one Jamf user', async () => {
    await patch(deactivate);
    t.sim.setKnobs({ faults: { next: [{ method: 'POST', route: '/JSSResource/users/id/:id', fault: 'reset-after' }] } });

    const res = await patch(reactivate);

    expect(res.json()).toMatchObject({ id, active: true });
    expect(jamfUsersNamed(t, USER)).toHaveLength(1);
    expect(staticGroupsOf(t, jamfNow()?.id)).toEqual(['Engineering', 'Operations']);
  });

  it('Jamf refuses re-adding a group: an error now, the next request re-adds it without a second Jamf user', async () => {
    await patch(deactivate);
    t.sim.setKnobs({ faults: { next: [{ method: 'PUT', route: '/JSSResource/usergroups/id/:id', fault: 500 }] } });

    expect((await patch(reactivate)).statusCode).toBe(502);
    expectNeverLostNorDuplicated();

    const read = await t.scim('GET', `/scim/v2/Users/${id}`);
    expect(read.json()).toMatchObject({ id, active: true });
    expect(jamfUsersNamed(t, USER)).toHaveLength(1);
    expect(staticGroupsOf(t, jamfNow()?.id)).toEqual(['Engineering', 'Operations']);
  });

  it('the server stopped after Jamf created the user, before recording it: the next request adopts it', async () => {
    await patch(deactivate);
    // The state such a crash leaves: the row marked "reactivating" without a Jamf id, the user in Jamf.
    const record = await t.store.getUser(id);
    if (!record) throw new Error('no store row');
    await t.store.putUser({ ...record, status: 'reactivating' });
    t.sim.addUser({ name: USER, fullName: 'Ada Lovelace', email: USER, position: 'Analyst' });
    await t.restart();

    const read = await t.scim('GET', `/scim/v2/Users/${id}`);

    expect(read.json()).toMatchObject({ id, active: true });
    expect(jamfUsersNamed(t, USER)).toHaveLength(1);
    expect(staticGroupsOf(t, jamfNow()?.id)).toEqual(['Engineering', 'Operations']);
  });
});
