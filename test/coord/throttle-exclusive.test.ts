import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthThrottle } from '../../src/http/auth-throttle.js';
import { deferred, LEASE_MS, openCluster, until, type Cluster } from './replicas.js';

describe('the auth-failure throttle shared by replicas', () => {
  let cluster: Cluster;
  beforeEach(async () => {
    cluster = await openCluster();
  });
  afterEach(async () => {
    await cluster.close();
  });

  it('counts the failures of one address over every replica, as the in-process throttle does', async () => {
    const a = cluster.replica('a').coord.authThrottle(3);
    const b = cluster.replica('b').coord.authThrottle(3);
    const local = createAuthThrottle(3, () => cluster.clock.t);
    const steps: Array<[typeof a, 'fail' | 'retryAfter', string, number]> = [
      [a, 'fail', '10.0.0.1', 0],
      [b, 'fail', '10.0.0.1', 10_000],
      [a, 'retryAfter', '10.0.0.1', 0],
      [b, 'fail', '10.0.0.1', 5_000],
      [a, 'retryAfter', '10.0.0.1', 0],
      [b, 'retryAfter', '10.0.0.2', 0],
      [b, 'retryAfter', '10.0.0.1', 44_500],
      [a, 'fail', '10.0.0.1', 1_000],
      [b, 'retryAfter', '10.0.0.1', 0],
      [a, 'retryAfter', '10.0.0.1', 60_000],
    ];
    for (const [shared, method, address, advance] of steps) {
      cluster.clock.t += advance;
      expect(await shared[method](address), `${method} ${address}`).toBe(local[method](address));
    }
    cluster.clock.t = 1_700_000_000_000;
    expect(await a.fail('10.0.0.9')).toBe(1);
    expect(await b.fail('10.0.0.9')).toBe(2);
    expect(await b.fail('10.0.0.9')).toBe(3);
    expect(await a.retryAfter('10.0.0.9')).toBe(60);
  });

  it('forgets failures outside the window on the heartbeat', async () => {
    const r = cluster.replica('a');
    const throttle = r.coord.authThrottle(3);
    await throttle.fail('10.0.0.1');
    await throttle.fail('10.0.0.2');
    cluster.clock.t += 61_000;
    await throttle.fail('10.0.0.3');
    await r.coord.heartbeat();
    const left = await r.pool.query<{ address: string }>('SELECT address FROM coord_auth_failures');
    expect(left.rows.map((row) => row.address)).toEqual(['10.0.0.3']);
  });
});

describe('runExclusive across replicas', () => {
  let cluster: Cluster;
  beforeEach(async () => {
    cluster = await openCluster();
  });
  afterEach(async () => {
    await cluster.close();
  });

  it('runs work of one name on one replica at a time', async () => {
    const a = cluster.replica('a');
    const b = cluster.replica('b');
    const gate = deferred();
    const started = deferred();
    const first = a.coord.runExclusive('sweep', async () => {
      started.resolve();
      await gate.promise;
    });
    await started.promise;
    expect(await b.coord.runExclusive('sweep', async () => undefined)).toBe(false);
    expect(await a.coord.runExclusive('sweep', async () => undefined)).toBe(false);
    expect(await b.coord.runExclusive('other', async () => undefined)).toBe(true);
    gate.resolve();
    expect(await first).toBe(true);
    let ran = false;
    expect(await b.coord.runExclusive('sweep', async () => void (ran = true))).toBe(true);
    expect(ran).toBe(true);
  });

  it('keeps the lease renewed while the work runs, and a dead runner’s lease runs out', async () => {
    const a = cluster.replica('a');
    const b = cluster.replica('b');
    const gate = deferred();
    const started = deferred();
    const first = a.coord.runExclusive('sweep', async () => {
      started.resolve();
      await gate.promise;
    });
    await started.promise;
    for (let i = 0; i < 3; i++) {
      cluster.clock.t += LEASE_MS / 2;
      await a.coord.heartbeat();
      expect(await b.coord.runExclusive('sweep', async () => undefined)).toBe(false);
    }
    a.coord.abandon();
    cluster.clock.t += LEASE_MS - 1;
    expect(await b.coord.runExclusive('sweep', async () => undefined)).toBe(false);
    cluster.clock.t += 1;
    expect(await b.coord.runExclusive('sweep', async () => undefined)).toBe(true);
    gate.resolve();
    await first;
  });

  it('releases the lease when the work throws', async () => {
    const a = cluster.replica('a');
    const b = cluster.replica('b');
    await expect(a.coord.runExclusive('sweep', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await b.coord.runExclusive('sweep', async () => undefined)).toBe(true);
  });
});

describe('a replica whose database goes away', () => {
  it('fails queued Jamf calls clearly instead of leaving them waiting', async () => {
    const cluster = await openCluster();
    const a = cluster.replica('a');
    await a.coord.check();
    const admin = new pg.Client({ connectionString: cluster.db.url });
    await admin.connect();
    await admin.query('DROP TABLE coord_jamf_slots');
    await admin.end();
    const limiter = a.coord.jamfLimiter(2);
    await expect(limiter.run(async () => 'never')).rejects.toThrow('the shared Jamf budget could not be reached');
    await until(() => a.errors.length > 0);
    await cluster.close();
  });
});
