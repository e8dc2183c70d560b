import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isJamfError } from '../../src/jamf/errors.js';
import { createJamfClient } from '../../src/jamf/index.js';
import { createSimulator } from '../../src/simulator/index.js';
import { createInMemoryJamf } from './in-memory-jamf.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('in-memory Jamf fake', () => {
  it('refuses a username that differs only in case, like Jamf', async () => {
    const jamf = createInMemoryJamf();
    const id = await jamf.createUser({ name: 'Ada', email: 'ada@example.com' });
    const err = await rejection(jamf.createUser({ name: 'ADA' }));
    expect(isJamfError(err, 'conflict')).toBe(true);
    expect((err as Error).message).toBe('Error: Duplicate name');
    expect((await jamf.getUserByName('aDa'))?.id).toBe(id);
    const other = await jamf.createUser({ name: 'grace' });
    expect(isJamfError(await rejection(jamf.updateUser(other, { name: 'ada' })), 'conflict')).toBe(true);
    await jamf.updateUser(id, { name: 'ADA', position: 'Countess' });
    expect(await jamf.getUser(id)).toMatchObject({ name: 'ADA', position: 'Countess', email: 'ada@example.com' });
  });

  it('answers null for an unknown user and not_found when deleting one', async () => {
    const jamf = createInMemoryJamf();
    expect(await jamf.getUser(42)).toBeNull();
    expect(await jamf.getUserByName('nobody')).toBeNull();
    expect(isJamfError(await rejection(jamf.deleteUser(42)), 'not_found')).toBe(true);
  });

  it('applies a group update all or nothing; additions are idempotent', async () => {
    const jamf = createInMemoryJamf();
    const [a, b, c] = jamf.seedUsers(3) as [number, number, number];
    const g = await jamf.createGroup({ name: 'Staff', memberIds: [a] });

    await jamf.updateGroup(g, { addIds: [a, b] });
    expect((await jamf.getGroup(g))?.members.map((m) => m.id)).toEqual([a, b]);

    const notMember = await rejection(jamf.updateGroup(g, { name: 'Renamed', addIds: [a], removeIds: [b, c] }));
    expect(isJamfError(notMember, 'conflict')).toBe(true);
    expect((notMember as Error).message).toMatch(/not a member/);
    const unknown = await rejection(jamf.updateGroup(g, { addIds: [999] }));
    expect(isJamfError(unknown, 'conflict')).toBe(true);
    expect(await jamf.getGroup(g)).toMatchObject({ name: 'Staff', members: [{ id: a }, { id: b }] });

    expect(isJamfError(await rejection(jamf.createGroup({ name: 'STAFF', memberIds: [] })), 'conflict')).toBe(true);
    expect(isJamfError(await rejection(jamf.updateGroup(77, { addIds: [a] })), 'not_found')).toBe(true);
  });

  it('lists groups with isSmart, computes user.groups and drops deleted users from groups', async () => {
    const jamf = createInMemoryJamf();
    const [a, b] = jamf.seedUsers(2) as [number, number];
    const smart = jamf.addGroup({ name: 'Smart', isSmart: true, memberIds: [a] });
    const stat = await jamf.createGroup({ name: 'Static', memberIds: [a, b] });
    expect(await jamf.listGroups()).toEqual([
      { id: smart, name: 'Smart', isSmart: true },
      { id: stat, name: 'Static', isSmart: false },
    ]);
    expect((await jamf.getUser(a))?.groups).toEqual([
      { id: smart, name: 'Smart', isSmart: true },
      { id: stat, name: 'Static', isSmart: false },
    ]);
    expect(isJamfError(await rejection(jamf.updateGroup(smart, { addIds: [b] })), 'conflict')).toBe(true);
    await jamf.deleteUser(a);
    expect((await jamf.getGroup(stat))?.members).toEqual([{ id: b, username: `user${b}` }]);
  });

  it('pages users by id with totalCount and no groups, only when the users API is served', async () => {
    const jamf = createInMemoryJamf({ version: '11.30.1' });
    jamf.addUser({ name: 'zed' });
    jamf.seedUsers(4);
    const page = await jamf.pageUsers({ page: 1, pageSize: 2 });
    expect(page.totalCount).toBe(5);
    expect(page.users.map((u) => u.id)).toEqual([3, 4]);
    expect(page.users.every((u) => u.groups.length === 0)).toBe(true);
    expect((await jamf.listUsers()).map((u) => u.name)).toEqual(['user2', 'user3', 'user4', 'user5', 'zed']);
    expect((await jamf.pageUsers({ page: 0, pageSize: 10, filter: 'username=="ZED"' })).users.map((u) => u.id)).toEqual([1]);

    const old = createInMemoryJamf({ version: '11.25.0' });
    expect(await old.serverInfo()).toEqual({ version: '11.25.0', hasUsersApi: false });
    expect(isJamfError(await rejection(old.pageUsers({ page: 0, pageSize: 100 })), 'not_found')).toBe(true);
    old.setServerInfo({ hasUsersApi: true });
    expect((await old.serverInfo()).hasUsersApi).toBe(true);
  });

  it('counts calls with the simulator keys; calls that send nothing are not counted', async () => {
    const jamf = createInMemoryJamf();
    const id = await jamf.createUser({ name: 'ada' });
    await jamf.getUser(id);
    await jamf.updateUser(id, {});
    await jamf.serverInfo();
    await jamf.serverInfo();
    expect(jamf.calls()).toEqual({
      'POST /JSSResource/users/id/:id': 1,
      'GET /JSSResource/users/id/:id': 1,
      'GET /api/v1/jamf-pro-version': 1,
    });
    expect(jamf.totalCalls((k) => k.startsWith('GET'))).toBe(2);
    jamf.resetCalls();
    expect(jamf.totalCalls()).toBe(0);
  });
});

describe('in-memory Jamf fake against the simulator', () => {
  it('gives the same results and errors as createJamfClient + simulator for one script', async () => {
    const sim = createSimulator({ version: '11.30.1' });
    const baseUrl = await sim.listen();
    const client = createJamfClient({ baseUrl, clientId: sim.clientId, clientSecret: sim.clientSecret, logger: pino({ level: 'silent' }), retryBaseMs: 1 });
    const fake = createInMemoryJamf({ version: '11.30.1' });

    type Api = typeof fake | typeof client;
    const outcome = async (p: Promise<unknown>) =>
      p.then(
        (value) => ({ value }),
        (err: unknown) => ({ error: [(err as { kind?: string }).kind, (err as Error).message] }),
      );
    const script = async (j: Api) => {
      const out: unknown[] = [];
      const a = await j.createUser({ name: 'Ada', fullName: 'Ada L', email: 'ada@example.com', position: 'Eng' });
      const b = await j.createUser({ name: 'bob' });
      out.push(await outcome(j.createUser({ name: 'ADA' })));
      out.push(await outcome(j.getUser(a)), await outcome(j.getUser(999)), await outcome(j.getUserByName('BOB')));
      const g = await j.createGroup({ name: 'Staff', memberIds: [a] });
      out.push(await outcome(j.createGroup({ name: 'staff', memberIds: [] })));
      out.push(await outcome(j.updateGroup(g, { addIds: [a, b] })));
      out.push(await outcome(j.updateGroup(g, { removeIds: [999] })));
      await j.deleteUser(b);
      out.push(await outcome(j.updateGroup(g, { name: 'X', removeIds: [a, b] })));
      out.push(await outcome(j.getGroup(g)), await outcome(j.getUser(a)), await outcome(j.listGroups()));
      out.push(await outcome(j.deleteUser(b)), await outcome(j.updateUser(b, { position: 'x' })));
      out.push(await outcome(j.pageUsers({ page: 0, pageSize: 10 })), await outcome(j.listUsers()));
      out.push(await outcome(j.findUsersByEmail('ADA@example.com')));
      return out;
    };
    try {
      const viaSim = await script(client);
      const viaFake = await script(fake);
      expect(JSON.parse(JSON.stringify(viaFake))).toEqual(JSON.parse(JSON.stringify(viaSim)));
      const simCalls = Object.fromEntries(Object.entries(sim.counters()).filter(([k]) => !/\/(oauth|auth)\//.test(k)));
      expect(fake.calls()).toEqual(simCalls);
    } finally {
      await client.close();
      await sim.close();
    }
  });
});
