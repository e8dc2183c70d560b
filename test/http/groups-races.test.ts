/**
 * Concurrent writes to one Jamf group. A real Classic API is not safe under them (the simulator's
 * `concurrentWrites` knob, after Jamf's own Terraform provider), so the server keeps one writer
 * per group and merges what arrives meanwhile. Interleavings are fixed with simulator traps.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import { gauge, startTestServer, type TestServer } from '../helper.js';
import { JAMF, createGroup, createUser, expectNoContent, expectScimError, groupBody, jamfGroup, patchBody, setActive } from './groups-support.js';

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

const addMember = (group: string, user: string) => t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'add', path: 'members', value: [{ value: user }] }));
const names = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);

/**
 * Holds the first PUT to a group, sends `requests`, and lets the PUT go once the others are either
 * queued behind it in this server or have reached Jamf themselves.
 */
async function behindAHeldPut<T>(metrics: Metrics, requests: () => Array<Promise<T>>, queued: number): Promise<T[]> {
  const trap = t.sim.trap({ method: 'PUT', route: JAMF.putGroup.replace('PUT ', '') });
  const all = requests();
  await trap.hit();
  await vi.waitFor(async () => {
    const puts = t.calls()[JAMF.putGroup] ?? 0;
    expect((await gauge(metrics, 'scim_group_changes_waiting')) >= queued || puts >= 2).toBe(true);
  });
  trap.release();
  return Promise.all(all);
}

describe('one writer per Jamf group', () => {
  it('20 concurrent PATCHes adding 20 users land all 20 on a Jamf that loses overlapping updates, in 2 PUTs', async () => {
    const metrics = createMetrics();
    t = await startTestServer({ concurrentWrites: 'lost-update' }, { metrics });
    const users = names(20, 'user').map((name) => String(t.sim.addUser({ name })));
    const group = String(t.sim.addGroup({ name: 'Crowd' }));
    t.resetCalls();

    const results = await behindAHeldPut(metrics, () => users.map((u) => addMember(group, u)), 19);

    for (const r of results) expectNoContent(r);
    expect(jamfGroup(t, group)?.members).toEqual(names(20, 'user'));
    // The first PUT went alone; the 19 that arrived while it was held went out as one.
    expect(t.calls()[JAMF.putGroup]).toBe(2);
    expect(t.sim.maxConcurrentWrites()).toBe(1);
    expect(await gauge(metrics, 'jamf_group_puts_total')).toBe(2);
    expect(await gauge(metrics, 'scim_group_changes_written_total')).toBe(20);
  });

  it('on a Jamf that fails overlapping updates with 500, every PATCH still lands', async () => {
    const metrics = createMetrics();
    t = await startTestServer({ concurrentWrites: 'fail' }, { metrics });
    const users = names(6, 'user').map((name) => String(t.sim.addUser({ name })));
    const group = String(t.sim.addGroup({ name: 'Crowd' }));

    const results = await behindAHeldPut(metrics, () => users.map((u) => addMember(group, u)), 5);

    for (const r of results) expectNoContent(r);
    expect(jamfGroup(t, group)?.members).toEqual(names(6, 'user'));
  });

  it('a merged PUT refused for one unknown member fails only that PATCH; the others are sent again and land', async () => {
    const metrics = createMetrics();
    t = await startTestServer({}, { metrics });
    const users = names(4, 'user').map((name) => String(t.sim.addUser({ name })));
    const group = String(t.sim.addGroup({ name: 'Crowd' }));

    const [first, ...rest] = await behindAHeldPut(metrics, () => [...users, '99999'].map((u) => addMember(group, u)), 4);

    expectNoContent(first as Awaited<ReturnType<typeof addMember>>);
    const bad = rest.pop() as Awaited<ReturnType<typeof addMember>>;
    expect(expectScimError(bad, 400, 'invalidValue').detail).toContain('"99999"');
    for (const r of rest) expectNoContent(r);
    expect(jamfGroup(t, group)?.members).toEqual(names(4, 'user'));
  });

  it('merges in arrival order: the last rename wins, additions and removals of different users all apply', async () => {
    const metrics = createMetrics();
    t = await startTestServer({}, { metrics });
    const [a, b, c] = ['ann', 'ben', 'cat'].map((name) => String(t.sim.addUser({ name })));
    const group = String(t.sim.addGroup({ name: 'Crowd', memberIds: [Number(c)] }));
    expect((await t.scim('GET', `/scim/v2/Groups/${group}`)).statusCode).toBe(200);
    const rename = (displayName: string) => t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'replace', value: { displayName } }));
    const trap = t.sim.trap({ method: 'PUT', route: JAMF.putGroup.replace('PUT ', '') });
    const first = addMember(group, a as string);
    await trap.hit();

    // Each one queued before the next is sent, so the arrival order is the one written here.
    const later = [() => rename('Second'), () => addMember(group, b as string), () => t.scim('PATCH', `/scim/v2/Groups/${group}`, patchBody({ op: 'remove', path: `members[value eq "${c}"]` })), () => rename('Third')];
    const answers = [];
    for (const [i, send] of later.entries()) {
      answers.push(send());
      await vi.waitFor(async () => expect(await gauge(metrics, 'scim_group_changes_waiting')).toBe(i + 1));
    }
    trap.release();

    for (const r of [await first, ...(await Promise.all(answers))]) expectNoContent(r);
    expect(jamfGroup(t, group)).toEqual({ name: 'Third', isSmart: false, members: ['ann', 'ben'] });
    expect(t.calls()[JAMF.putGroup]).toBe(2);
  });
});

describe('group deletion and deactivated members', () => {
  it('a deactivation that read its groups before the group was deleted does not keep the deleted group', async () => {
    t = await startTestServer();
    const user = await createUser(t, 'ada@example.com');
    const keep = await createGroup(t, 'Keep', [user]);
    const doomed = await createGroup(t, 'Doomed', [user]);
    const trap = t.sim.trap({ method: 'GET', route: JAMF.getUser.replace('GET ', ''), phase: 'settled' });
    const deactivation = t.scim('PATCH', `/scim/v2/Users/${user}`, patchBody({ op: 'replace', value: { active: false } }));
    await trap.hit();

    expect((await t.scim('DELETE', `/scim/v2/Groups/${doomed}`)).statusCode).toBe(204);
    trap.release();
    expect((await deactivation).statusCode).toBe(200);

    const tombstone = (await t.scim('GET', `/scim/v2/Users/${user}`)).json();
    expect(tombstone.groups.map((g: { value: string }) => g.value)).toEqual([keep]);
    await setActive(t, user, true);
    expect(jamfGroup(t, keep)?.members).toEqual(['ada@example.com']);
  });

  it('a PATCH adding a deactivated member while the group is being deleted leaves no trace of the group on it', async () => {
    t = await startTestServer();
    const user = await createUser(t, 'ada@example.com');
    const group = await createGroup(t, 'Doomed');
    await setActive(t, user, false);
    const trap = t.sim.trap({ method: 'DELETE', route: JAMF.deleteGroup.replace('DELETE ', '') });
    const deletion = t.scim('DELETE', `/scim/v2/Groups/${group}`);
    await trap.hit();

    const patch = addMember(group, user);
    trap.release();
    expect((await deletion).statusCode).toBe(204);
    // Arrived after the delete: the group is gone.
    expectScimError(await patch, 404);
    expect((await t.scim('GET', `/scim/v2/Users/${user}`)).json().groups).toEqual([]);
  });
});

describe('creates of one group name at once', () => {
  it('parallel POSTs of one displayName, the first create failing with 500: exactly one 201', async () => {
    t = await startTestServer();
    t.sim.setKnobs({ faults: { next: [{ method: 'POST', route: JAMF.createGroup.replace('POST ', ''), fault: 500 }] } });
    const results = await Promise.all(Array.from({ length: 10 }, () => t.scim('POST', '/scim/v2/Groups', groupBody('Sales'))));

    const created = results.filter((r) => r.statusCode === 201);
    expect(created).toHaveLength(1);
    for (const r of results.filter((x) => x.statusCode !== 201)) expectScimError(r, 409, 'uniqueness');
    expect([...t.sim.state.groups.values()].filter((g) => g.name === 'Sales').map((g) => String(g.id))).toEqual([created[0]?.json().id]);
  });

  it('a POST of the name of a group made by hand in Jamf, answered 500, is 409 and never takes that group', async () => {
    t = await startTestServer();
    const byHand = t.sim.addGroup({ name: 'Sales' });
    t.sim.setKnobs({ faults: { next: [{ method: 'POST', route: JAMF.createGroup.replace('POST ', ''), fault: 500 }] } });

    expectScimError(await t.scim('POST', '/scim/v2/Groups', groupBody('Sales')), 409, 'uniqueness');
    expect(await t.store.getGroup(String(byHand))).toBeNull();
  });
});
