import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/simulator/index.js';
import { createPacer } from '../../src/simulator/pacer.js';
import { NamedRecords } from '../../src/simulator/records.js';
import { call, clientToken, JSON_TYPE, XML } from './helpers.js';

describe('pacer', () => {
  it('starts with no lead, then learns how late calls finish and sleeps that much less', () => {
    const pacer = createPacer();
    /** The lead a call gets: how much sooner than its deadline it is woken. */
    const leadOf = (): number => {
      const now = performance.now();
      return now + 20 - pacer.delay(now + 20, 20) - now;
    };
    expect(leadOf()).toBeCloseTo(0, 1);
    // Every call wakes 1.5 ms late: the lead converges on 1.5 ms, so calls end on their deadline.
    for (let i = 0; i < 400; i++) {
      const due = 20;
      pacer.observe(due, due - leadOf() + 1.5);
    }
    expect(leadOf()).toBeCloseTo(1.5, 1);
  });

  it('cuts no call by more than a quarter of its service time, and one freak call moves it little', () => {
    const pacer = createPacer();
    for (let i = 0; i < 1000; i++) pacer.observe(0, 60_000);
    const due = performance.now() + 4;
    expect(pacer.delay(due, 4)).toBeGreaterThanOrEqual(due - performance.now() - 1);
    const fresh = createPacer();
    fresh.observe(0, 5_000);
    const next = performance.now() + 20;
    expect(fresh.delay(next, 20)).toBeGreaterThan(next - performance.now() - 0.6);
  });
});

describe('name index', () => {
  const rec = (id: number, name: string) => ({ id, name });

  it('follows set, delete and clear, case-insensitively beyond ASCII', () => {
    const records = new NamedRecords<{ id: number; name: string }>();
    records.set(1, rec(1, 'Ada')).set(2, rec(2, 'ÉMILE'));
    expect(records.findByName('ada')?.id).toBe(1);
    expect(records.findByName('émile')?.id).toBe(2);
    records.set(1, rec(1, 'Grace'));
    expect(records.findByName('ada')).toBeUndefined();
    expect(records.findByName('GRACE')?.id).toBe(1);
    records.delete(2);
    expect(records.findByName('émile')).toBeUndefined();
    const version = records.version;
    records.clear();
    expect([records.findByName('grace'), records.size, records.version > version]).toEqual([undefined, 0, true]);
  });

  it('answers as a scan would for duplicates stored directly and for a record renamed in place', () => {
    const records = new NamedRecords<{ id: number; name: string }>();
    records.set(5, rec(5, 'dup')).set(3, rec(3, 'DUP'));
    expect(records.findByName('Dup')?.id).toBe(5);
    records.delete(5);
    expect(records.findByName('dup')?.id).toBe(3);
    const renamed = records.get(3);
    if (renamed) renamed.name = 'other';
    expect(records.findByName('dup')).toBeUndefined();
    // Found by its new name at once, so a duplicate of it is refused as Jamf would.
    expect(records.findByName('OTHER')?.id).toBe(3);
    // A copy stored in its place takes over; the replaced object no longer moves the index.
    records.set(3, rec(3, 'third'));
    if (renamed) renamed.name = 'stale';
    expect(records.findByName('stale')).toBeUndefined();
    expect(records.findByName('third')?.id).toBe(3);
  });
});

describe('derived orders stay fresh', () => {
  it('/api/v1/users pages follow creates and deletes, also sorted id:desc', async () => {
    const sim = createSimulator({ seedUsers: 5 });
    const token = await clientToken(sim);
    const ids = async (query: string) =>
      ((await call(sim, 'GET', `/api/v1/users?${query}`, { token, accept: JSON_TYPE })).json() as { results: { id: string }[] }).results.map((u) => u.id);
    expect(await ids('page-size=2&page=1')).toEqual(['3', '4']);
    expect(await ids('page-size=2&sort=id:desc')).toEqual(['5', '4']);
    expect(await ids('page-size=2&page=2&sort=id:desc')).toEqual(['1']);
    await call(sim, 'DELETE', '/JSSResource/users/id/4', { token });
    sim.addUser({ name: 'new' });
    expect(await ids('page-size=3&page=1')).toEqual(['5', '6']);
    expect(await ids('page-size=3&sort=id:desc')).toEqual(['6', '5', '3']);
    await sim.close();
  });

  it('the Classic list re-sorts after a rename, through the API or in place', async () => {
    const sim = createSimulator();
    for (const name of ['bob', 'carol', 'alice']) sim.addUser({ name });
    const token = await clientToken(sim);
    const names = async () =>
      ((await call(sim, 'GET', '/JSSResource/users', { token, accept: JSON_TYPE })).json() as { users: { name: string }[] }).users.map((u) => u.name);
    expect(await names()).toEqual(['alice', 'bob', 'carol']);
    await call(sim, 'PUT', '/JSSResource/users/id/1', { token, body: '<user><name>zed</name></user>', contentType: XML });
    expect(await names()).toEqual(['alice', 'carol', 'zed']);
    const carol = sim.state.users.get(2);
    if (carol) carol.name = 'aaron';
    expect(await names()).toEqual(['aaron', 'alice', 'zed']);
    await sim.close();
  });
});
