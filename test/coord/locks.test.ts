import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deferred, LEASE_MS, openCluster, until, type Cluster, type Replica } from './replicas.js';

/** Takes `key` on `r` and keeps it until `release()`; resolves once inside. */
async function hold(r: Replica, key: string): Promise<{ release: () => void; done: Promise<void> }> {
  const inside = deferred();
  const held = deferred();
  const done = r.coord.withLock(key, async () => {
    inside.resolve();
    await held.promise;
  });
  await inside.promise;
  return { release: held.resolve, done };
}

describe('locks shared by replicas', () => {
  let cluster: Cluster;
  beforeEach(async () => {
    cluster = await openCluster();
  });
  afterEach(async () => {
    await cluster.close();
  });

  it('lets one caller across all replicas hold a key at a time', async () => {
    const replicas = ['a', 'b', 'c'].map((id) => cluster.replica(id));
    let inside = 0;
    let peak = 0;
    let runs = 0;
    await Promise.all(
      replicas.flatMap((r) =>
        Array.from({ length: 8 }, () =>
          r.coord.withLock('user:1', async () => {
            inside += 1;
            peak = Math.max(peak, inside);
            await r.pool.query('SELECT 1');
            inside -= 1;
            runs += 1;
          }),
        ),
      ),
    );
    expect(runs).toBe(24);
    expect(peak).toBe(1);
  });

  it('does not hold up other keys', async () => {
    const a = cluster.replica('a');
    const b = cluster.replica('b');
    const held = await hold(a, 'user:1');
    expect(await b.coord.withLock('user:2', async () => 'ran')).toBe('ran');
    held.release();
    await held.done;
  });

  it('serves the waiters of one replica in arrival order', async () => {
    const a = cluster.replica('a');
    const b = cluster.replica('b');
    const held = await hold(a, 'group:7');
    const order: number[] = [];
    const waiters = [1, 2, 3, 4, 5].map((n) => b.coord.withLock('group:7', async () => void order.push(n)));
    await until(() => b.coord.waiting() === 5);
    held.release();
    await Promise.all([held.done, ...waiters]);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(b.coord.waiting()).toBe(0);
  });

  it('wakes a waiter on release without waiting for the poll', async () => {
    const a = cluster.replica('a');
    const b = cluster.replica('b', { pollMs: 60_000 });
    const held = await hold(a, 'user:1');
    const second = b.coord.withLock('user:1', async () => 'b ran');
    await until(() => b.sent('INSERT INTO coord_locks') >= 2);
    held.release();
    await held.done;
    expect(await second).toBe('b ran');
  });

  it('notifies a release only when another replica waited for the key, and wakes each waiter in turn', async () => {
    const listener = new pg.Client({ connectionString: cluster.db.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.channel));
    await listener.query('LISTEN coord_lock');
    try {
      const a = cluster.replica('a');
      for (let i = 0; i < 10; i += 1) await a.coord.withLock(`user:${i}`, async () => undefined);
      // Every NOTIFY commits one at a time across the database; uncontended releases send none.
      await listener.query('SELECT 1');
      expect(heard).toEqual([]);

      const b = cluster.replica('b', { pollMs: 60_000 });
      const c = cluster.replica('c', { pollMs: 60_000 });
      const held = await hold(a, 'group:1');
      const order: string[] = [];
      const waiting = [b, c].map((r, i) => r.coord.withLock('group:1', async () => void order.push(i === 0 ? 'b' : 'c')));
      await until(() => b.sent('INSERT INTO coord_locks') >= 2 && c.sent('INSERT INTO coord_locks') >= 2);
      held.release();
      await held.done;
      await Promise.all(waiting);
      expect(order.sort()).toEqual(['b', 'c']);
      expect(heard.length).toBeGreaterThanOrEqual(1);
    } finally {
      await listener.end();
    }
  });

  it("takes over a dead replica's lock once its lease ran out, not before", async () => {
    const a = cluster.replica('a');
    const b = cluster.replica('b');
    const t0 = cluster.clock.t;
    const stuck = await hold(a, 'user:1');
    a.coord.abandon();
    let ran = false;
    const second = b.coord.withLock('user:1', async () => {
      ran = true;
    });
    cluster.clock.t = t0 + LEASE_MS - 1;
    const before = b.sent('INSERT INTO coord_locks');
    await until(() => b.sent('INSERT INTO coord_locks') >= before + 3);
    expect(ran).toBe(false);
    cluster.clock.t = t0 + LEASE_MS;
    await second;
    expect(ran).toBe(true);
    stuck.release();
  });

  it('keeps a lock whose lease the heartbeat renews', async () => {
    const a = cluster.replica('a');
    const b = cluster.replica('b');
    const held = await hold(a, 'user:1');
    let ran = false;
    const second = b.coord.withLock('user:1', async () => {
      ran = true;
    });
    for (let i = 0; i < 3; i++) {
      cluster.clock.t += LEASE_MS / 2;
      await a.coord.heartbeat();
      const before = b.sent('INSERT INTO coord_locks');
      await until(() => b.sent('INSERT INTO coord_locks') >= before + 2);
    }
    expect(ran).toBe(false);
    held.release();
    await Promise.all([held.done, second]);
    expect(ran).toBe(true);
    expect(a.errors).toEqual([]);
  });

  it('gives its locks back on close', async () => {
    const a = cluster.replica('a');
    const b = cluster.replica('b', { pollMs: 60_000 });
    const held = await hold(a, 'user:1');
    const second = b.coord.withLock('user:1', async () => 'b ran');
    await until(() => b.sent('INSERT INTO coord_locks') >= 2);
    await a.coord.close();
    expect(await second).toBe('b ran');
    held.release();
  });

  it('answers check() while the database is reachable', async () => {
    const a = cluster.replica('a');
    await expect(a.coord.check()).resolves.toBeUndefined();
    expect(a.coord.kind).toBe('postgres');
  });
});
