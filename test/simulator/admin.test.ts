import { describe, expect, it } from 'vitest';
import { createSimulator, createState } from '../../src/simulator/index.js';
import { call, clientToken, JSON_TYPE, useSimulators } from './helpers.js';

const admin = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => ({
  method,
  url: `/__simulator${path}`,
  ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
});

describe('admin routes (/__simulator)', () => {
  const create = useSimulators();

  it('GET counters and POST counters/reset, without Jamf auth and without being counted', async () => {
    const sim = create();
    await call(sim, 'GET', '/JSSResource/users');
    const res = await sim.app.inject(admin('GET', '/counters'));
    expect(res.json()).toEqual({
      counters: { 'POST /api/v1/oauth/token': 1, 'GET /JSSResource/users': 1 },
      totalCalls: 2,
      maxObservedConcurrency: 1,
      maxConcurrentWrites: 0,
    });
    expect((await sim.app.inject(admin('POST', '/counters/reset'))).statusCode).toBe(204);
    expect(sim.totalCalls()).toBe(0);
  });

  it('GET/PATCH knobs validates with zod and applies the change', async () => {
    const sim = create();
    const initial = (await sim.app.inject(admin('GET', '/knobs'))).json();
    expect(initial).toMatchObject({ latencyMs: 0, jitterMs: 0, maxConcurrent: null, tokenLifetimeSeconds: 300, version: '11.30.1', faults: {}, concurrentWrites: 'atomic', unknownReferences: 'accept', duplicateNameMessage: 'Duplicate name' });
    expect(initial.privileges).toContain('Read Static User Groups');
    const patched = await sim.app.inject(admin('PATCH', '/knobs', { maxConcurrent: 3, version: '11.20.0', faults: { errorRate: 0.1 } }));
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ maxConcurrent: 3, version: '11.20.0', faults: { errorRate: 0.1 } });
    expect((await sim.app.inject(admin('PATCH', '/knobs', { maxConcurrent: null }))).json().maxConcurrent).toBeNull();
    for (const bad of [{ latencyMs: -1 }, { unknown: 1 }, { faults: { errorRate: 3 } }, { version: 'eleven' }]) {
      const res = await sim.app.inject(admin('PATCH', '/knobs', bad));
      expect(res.statusCode).toBe(400);
    }
    const notJson = await sim.app.inject({ method: 'PATCH', url: '/__simulator/knobs', payload: '{', headers: { 'content-type': 'application/json' } });
    expect(notJson.statusCode).toBe(400);
    sim.setKnobs({ version: '11.20.0', faults: {} });
    expect((await call(sim, 'GET', '/api/v1/users')).statusCode).toBe(404);
  });

  it('POST seed adds users and static groups plus one smart group; GET state summarises', async () => {
    const sim = create();
    const res = await sim.app.inject(admin('POST', '/seed', { users: 10, groups: 2 }));
    expect(res.json()).toEqual({ users: 10, groups: 3, staticGroups: 2, smartGroups: 1, nextUserId: 11, nextGroupId: 4 });
    expect((await sim.app.inject(admin('GET', '/state'))).json()).toMatchObject({ users: 10, groups: 3 });
    expect((await sim.app.inject(admin('POST', '/seed', { users: -1 }))).statusCode).toBe(400);
  });

  it('POST expire-tokens invalidates issued tokens', async () => {
    const sim = create();
    const token = await clientToken(sim);
    expect((await sim.app.inject(admin('POST', '/expire-tokens'))).statusCode).toBe(204);
    expect((await call(sim, 'GET', '/JSSResource/users', { token })).statusCode).toBe(401);
  });
});

describe('seeding and helpers', () => {
  const create = useSimulators();

  it('seeds deterministically: static groups with members, one smart group with is_smart true', async () => {
    const a = create({ seedUsers: 8, seedGroups: 3 });
    const b = create({ seedUsers: 8, seedGroups: 3 });
    const names = (s: typeof a) => [...s.state.users.values()].map((u) => u.name);
    expect(names(a)).toEqual(names(b));
    expect(new Set(names(a).map((n) => n.toLowerCase())).size).toBe(8);
    const groups = [...a.state.groups.values()];
    expect(groups.filter((g) => g.is_smart)).toHaveLength(1);
    for (const g of groups.filter((g) => !g.is_smart)) expect(g.memberIds.size).toBeGreaterThan(0);
    const list = (await call(a, 'GET', '/JSSResource/usergroups', { accept: JSON_TYPE })).json();
    expect(list.user_groups.filter((g: { is_smart: boolean }) => g.is_smart)).toHaveLength(1);
    a.seed(2, 1);
    expect([a.state.users.size, a.state.groups.size]).toEqual([10, 5]);
  });

  it('addUser/addGroup refuse duplicates and unknown members', () => {
    const sim = create();
    const id = sim.addUser({ name: 'jdoe', email: 'j@example.com' });
    expect(sim.state.users.get(id)).toMatchObject({ email: 'j@example.com', email_address: 'j@example.com' });
    expect(() => sim.addUser({ name: 'JDOE' })).toThrow(/Duplicate/);
    sim.addGroup({ name: 'G', memberIds: [id] });
    expect(() => sim.addGroup({ name: 'g' })).toThrow(/Duplicate/);
    expect(() => sim.addGroup({ name: 'H', memberIds: [99] })).toThrow(/99/);
  });

  it('a new instance given the previous state keeps the data ("restarted, state kept") but not tokens', async () => {
    const state = createState();
    const first = createSimulator({ state });
    const token = await clientToken(first);
    const created = await call(first, 'POST', '/JSSResource/users/id/0', { token, body: '<user><name>kept</name></user>' });
    expect(created.statusCode).toBe(201);
    await first.close();

    const second = create({ state: first.state });
    expect(second.state).toBe(state);
    expect((await call(second, 'GET', '/JSSResource/users/name/kept', { token })).statusCode).toBe(401);
    const again = await call(second, 'POST', '/JSSResource/users/id/0', { body: '<user><name>next</name></user>' });
    expect(again.body).toContain('<id>2</id>');
    expect([...state.users.values()].map((u) => u.name)).toEqual(['kept', 'next']);
  });

  it('listen() binds 127.0.0.1 on a free port', async () => {
    const sim = create();
    const url = await sim.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/api/v1/jamf-pro-version`);
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });
});
