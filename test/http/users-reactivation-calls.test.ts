/**
 * What a reactivation costs in Jamf (design.md §5: one create and one PUT per static group to
 * restore), counted with the simulator, and what it answers: the group names come with the
 * tombstone, not from a list of every group. Concurrent reactivations of members of one group
 * share its PUTs (one writer per group). Interleavings are fixed with simulator traps.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import { gauge, startTestServer, type TestServer } from '../helper.js';
import { JAMF, createGroup, createUser, expectNoContent, jamfGroup, patchBody, setActive } from './groups-support.js';

const GROUP_ROUTE = JAMF.putGroup.replace('PUT ', '');
const USER_ROUTE = JAMF.postUser.replace('POST ', '');

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

const reactivate = (id: string) => t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', value: { active: true } }));
const rename = (group: string, displayName: string) => t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'replace', value: { displayName } }));
const groupsIn = (body: { groups?: Array<{ value: string; display?: string }> }) => (body.groups ?? []).map((g) => [g.value, g.display]);

describe('a reactivation', () => {
  it('with one static group makes two Jamf calls: the create and the PUT that restores the membership', async () => {
    t = await startTestServer({ seedUsers: 20 });
    const id = await createUser(t, 'ada@example.com');
    const group = await createGroup(t, 'Engineering', [id]);
    await setActive(t, id, false);
    t.resetCalls();

    const res = await reactivate(id);

    expect(res.statusCode, res.body).toBe(200);
    expect(groupsIn(res.json())).toEqual([[group, 'Engineering']]);
    expect(jamfGroup(t, group)?.members).toEqual(['ada@example.com']);
    expect(t.calls()).toEqual({ [JAMF.postUser]: 1, [JAMF.putGroup]: 1 });
  });

  it('answers with the name a rename gave the group while its create was in flight', async () => {
    t = await startTestServer();
    const id = await createUser(t, 'ada@example.com');
    const group = await createGroup(t, 'Engineering', [id]);
    await setActive(t, id, false);
    const trap = t.sim.trap({ method: 'POST', route: USER_ROUTE });
    const on = reactivate(id);
    await trap.hit();

    expectNoContent(await rename(group, 'Research'));
    trap.release();

    const res = await on;
    expect(res.statusCode, res.body).toBe(200);
    expect(groupsIn(res.json())).toEqual([[group, 'Research']]);
    expect(jamfGroup(t, group)).toMatchObject({ name: 'Research', members: ['ada@example.com'] });
  });

  it('answers with the name of a rename that was in flight when the membership was queued', async () => {
    const metrics = createMetrics();
    t = await startTestServer({}, { metrics });
    const id = await createUser(t, 'ada@example.com');
    const group = await createGroup(t, 'Engineering', [id]);
    await setActive(t, id, false);
    const trap = t.sim.trap({ method: 'PUT', route: GROUP_ROUTE });
    const renamed = rename(group, 'Research');
    await trap.hit();

    const on = reactivate(id);
    await vi.waitFor(async () => expect(await gauge(metrics, 'scim_group_changes_waiting')).toBe(1));
    trap.release();

    expectNoContent(await renamed);
    const res = await on;
    expect(res.statusCode, res.body).toBe(200);
    expect(groupsIn(res.json())).toEqual([[group, 'Research']]);
    expect(t.calls()[JAMF.listGroups]).toBeUndefined();
  });

  it('of a tombstone that kept no group names (written before they were kept) lists the groups once for them', async () => {
    t = await startTestServer();
    const id = await createUser(t, 'ada@example.com');
    const group = await createGroup(t, 'Engineering', [id]);
    await setActive(t, id, false);
    const row = await t.store.getUser(id);
    const { groups: _groups, ...older } = row?.jamfSnapshot ?? { jamfId: 0, managedAppleId: '', extras: { sites: [], extensionAttributes: [], ldapServer: null, enableCustomPhotoUrl: false, customPhotoUrl: '' } };
    if (row) await t.store.putUser({ ...row, jamfSnapshot: older });
    t.resetCalls();

    const res = await reactivate(id);

    expect(groupsIn(res.json())).toEqual([[group, 'Engineering']]);
    expect(t.calls()).toEqual({ [JAMF.postUser]: 1, [JAMF.putGroup]: 1, [JAMF.listGroups]: 1 });
  });
});

/**
 * Holds the first PUT to each of `groups` (all of them at once: a reactivation restores its
 * groups in parallel), then waits until `queued` changes wait behind them before letting them go.
 */
async function behindHeldPuts<T>(metrics: Metrics, groups: number, requests: () => Array<Promise<T>>, queued: number): Promise<T[]> {
  const trap = t.sim.trap({ method: 'PUT', route: GROUP_ROUTE, count: groups });
  const all = requests();
  await trap.hit();
  // A restore waiting for another group's PUT before its own would never reach this.
  await vi.waitFor(() => expect(trap.held).toBe(groups));
  await vi.waitFor(async () => expect(await gauge(metrics, 'scim_group_changes_waiting')).toBe(queued));
  trap.release();
  return Promise.all(all);
}

describe('concurrent reactivations of members of the same groups', () => {
  it('4 users in 2 groups: 4 creates and 2 PUTs per group (the first held alone, the other 3 merged), no group list', async () => {
    const metrics = createMetrics();
    t = await startTestServer({}, { metrics });
    const users: string[] = [];
    for (const name of ['ann', 'ben', 'cal', 'dee']) users.push(await createUser(t, `${name}@example.com`));
    const alpha = await createGroup(t, 'Alpha', users);
    const beta = await createGroup(t, 'Beta', users);
    for (const u of users) await setActive(t, u, false);
    t.resetCalls();

    const answers = await behindHeldPuts(metrics, 2, () => users.map(reactivate), 6);

    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(200);
      expect(groupsIn(res.json())).toEqual([
        [alpha, 'Alpha'],
        [beta, 'Beta'],
      ]);
    }
    const members = ['ann@example.com', 'ben@example.com', 'cal@example.com', 'dee@example.com'];
    expect(jamfGroup(t, alpha)?.members).toEqual(members);
    expect(jamfGroup(t, beta)?.members).toEqual(members);
    // 8 memberships restored with 4 PUTs: fewer Jamf calls than the writes asked for.
    expect(t.calls()).toEqual({ [JAMF.postUser]: 4, [JAMF.putGroup]: 4 });
    expect(t.sim.maxConcurrentWrites()).toBe(1);
  });
});
