import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deferred, LEASE_MS, openCluster, until, type Cluster } from './replicas.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the Jamf budget shared by replicas', () => {
  let cluster: Cluster;
  beforeEach(async () => {
    cluster = await openCluster();
  });
  afterEach(async () => {
    await cluster.close();
  });

  it('never runs more than max tasks across 3 replicas, and runs every task', async () => {
    const replicas = ['a', 'b', 'c'].map((id) => cluster.replica(id));
    const limiters = replicas.map((r) => r.coord.jamfLimiter(5));
    let inFlight = 0;
    let peak = 0;
    const ran = [0, 0, 0];
    await Promise.all(
      limiters.flatMap((limiter, i) =>
        Array.from({ length: 60 }, () =>
          limiter.run(async () => {
            inFlight += 1;
            peak = Math.max(peak, inFlight);
            await new Promise((resolve) => setTimeout(resolve, 1));
            inFlight -= 1;
            ran[i] = (ran[i] ?? 0) + 1;
          }),
        ),
      ),
    );
    expect(ran).toEqual([60, 60, 60]);
    expect(peak).toBeLessThanOrEqual(5);
    expect(peak).toBe(5);
    for (const limiter of limiters) expect(limiter.stats()).toEqual({ inFlight: 0, queued: 0 });
  });

  it('costs a replica alone no database round trip per call while it stays busy', async () => {
    const a = cluster.replica('a');
    const limiter = a.coord.jamfLimiter(5);
    await Promise.all(Array.from({ length: 200 }, () => limiter.run(async () => await tick())));
    // The first acquisition took the slots; the tasks after that passed them on in memory.
    expect(a.sent('coord_jamf_slots')).toBeLessThanOrEqual(3);
    await Promise.all(Array.from({ length: 50 }, () => limiter.run(async () => await tick())));
    expect(a.sent('coord_jamf_slots')).toBeLessThanOrEqual(3);
  });

  it('shares the slots with a replica that starts waiting while another is busy', async () => {
    const a = cluster.replica('a');
    const b = cluster.replica('b');
    const la = a.coord.jamfLimiter(5);
    const lb = b.coord.jamfLimiter(5);
    let aDone = 0;
    const aTasks = Array.from({ length: 400 }, () =>
      la.run(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        aDone += 1;
      }),
    );
    await until(() => la.stats().inFlight === 5);
    let bInFlight = 0;
    let bPeak = 0;
    const bTasks = Array.from({ length: 40 }, () =>
      lb.run(async () => {
        bInFlight += 1;
        bPeak = Math.max(bPeak, bInFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        bInFlight -= 1;
      }),
    );
    await Promise.all(bTasks);
    // b got a share of the slots (more than one at a time) long before a's queue ran dry.
    expect(bPeak).toBeGreaterThanOrEqual(2);
    expect(aDone).toBeLessThan(300);
    await Promise.all(aTasks);
  });

  it('runs urgent tasks first', async () => {
    const a = cluster.replica('a');
    const limiter = a.coord.jamfLimiter(1);
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    await until(() => limiter.stats().inFlight === 1);
    const order: string[] = [];
    const rest = [
      limiter.run(async () => void order.push('n1')),
      limiter.run(async () => void order.push('n2')),
      limiter.run(async () => void order.push('u1'), { urgent: true }),
    ];
    expect(limiter.stats()).toEqual({ inFlight: 1, queued: 3 });
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(order).toEqual(['u1', 'n1', 'n2']);
  });

  it('drains the queue and lets running tasks finish', async () => {
    const a = cluster.replica('a');
    const limiter = a.coord.jamfLimiter(1);
    const gate = deferred();
    const running = limiter.run(async () => {
      await gate.promise;
      return 'finished';
    });
    await until(() => limiter.stats().inFlight === 1);
    const queued = limiter.run(async () => 'never');
    limiter.drain(new Error('client closed'));
    await expect(queued).rejects.toThrow('client closed');
    gate.resolve();
    await expect(running).resolves.toBe('finished');
    expect(limiter.stats()).toEqual({ inFlight: 0, queued: 0 });
  });

  it("gives a dead replica's slots to the others once its leases ran out, not before", async () => {
    const a = cluster.replica('a');
    const b = cluster.replica('b');
    const la = a.coord.jamfLimiter(2);
    const t0 = cluster.clock.t;
    const gate = deferred();
    const stuck = [la.run(() => gate.promise), la.run(() => gate.promise)];
    await until(() => la.stats().inFlight === 2);
    a.coord.abandon();
    const lb = b.coord.jamfLimiter(2);
    let ran = false;
    const task = lb.run(async () => {
      ran = true;
    });
    cluster.clock.t = t0 + LEASE_MS - 1;
    const before = b.sent('coord_jamf_slots');
    await until(() => b.sent('coord_jamf_slots') >= before + 3);
    expect(ran).toBe(false);
    cluster.clock.t = t0 + LEASE_MS;
    await task;
    expect(ran).toBe(true);
    gate.resolve();
    await Promise.allSettled(stuck);
  });

  it('starts no call on a slot whose lease it could not renew in time', async () => {
    const a = cluster.replica('a');
    const limiter = a.coord.jamfLimiter(1);
    await limiter.run(async () => undefined);
    const acquired = a.sent('coord_jamf_slots');
    // No heartbeat for two thirds of the lease: the idle slot may soon belong to someone else.
    cluster.clock.t += (LEASE_MS * 2) / 3;
    await limiter.run(async () => undefined);
    expect(a.errors.some((m) => m.includes('could not be renewed'))).toBe(true);
    expect(a.sent('coord_jamf_slots')).toBeGreaterThan(acquired);
  });

  it('keeps its slots while the heartbeat renews them', async () => {
    const a = cluster.replica('a');
    const limiter = a.coord.jamfLimiter(1);
    const gate = deferred();
    const running = limiter.run(() => gate.promise);
    await until(() => limiter.stats().inFlight === 1);
    cluster.clock.t += LEASE_MS / 2;
    await a.coord.heartbeat();
    cluster.clock.t += LEASE_MS / 2;
    await a.coord.heartbeat();
    const b = cluster.replica('b');
    const lb = b.coord.jamfLimiter(1);
    let ran = false;
    const task = lb.run(async () => {
      ran = true;
    });
    const before = b.sent('coord_jamf_slots');
    await until(() => b.sent('coord_jamf_slots') >= before + 3);
    expect(ran).toBe(false);
    gate.resolve();
    await running;
    await task;
    expect(ran).toBe(true);
    expect(a.errors).toEqual([]);
  });
});

describe('the Jamf budget under load', () => {
  let cluster: Cluster;
  beforeEach(async () => {
    cluster = await openCluster();
  });
  afterEach(async () => {
    await cluster.close();
  });

  /**
   * 180 Jamf-like calls of 5 ms over the replicas, max 5 in flight. Polling as seldom as in
   * production (once a second): a poll every few ms would be most of what is counted.
   */
  async function run(ids: string[]): Promise<{ ms: number; statements: number }> {
    const replicas = ids.map((id) => cluster.replica(id, { pollMs: 1000 }));
    const limiters = replicas.map((r) => r.coord.jamfLimiter(5));
    const started = performance.now();
    await Promise.all(
      limiters.flatMap((limiter) =>
        Array.from({ length: 180 / ids.length }, () => limiter.run(() => new Promise((resolve) => setTimeout(resolve, 5)))),
      ),
    );
    const ms = performance.now() - started;
    const statements = replicas.reduce((n, r) => n + r.sent('coord_jamf_'), 0);
    return { ms, statements };
  }

  it('spends few database statements per call with 3 busy replicas', async () => {
    const one = await run(['solo']);
    const three = await run(['a', 'b', 'c']);
    // Wall time depends on the machine's load; the statement count is what the design controls.
    console.log(`180 calls of 5 ms, max 5: 1 replica ${one.ms.toFixed(0)} ms (${one.statements} statements), 3 replicas ${three.ms.toFixed(0)} ms (${three.statements} statements)`);
    expect(one.statements).toBeLessThanOrEqual(3);
    expect(three.statements).toBeLessThan(180 / 4);
  });

  it('spends few statements per call when each request makes its calls one after another', async () => {
    // As the server calls Jamf: a request's next call starts after some work of its own, so a
    // replica's queue keeps emptying for a moment between calls. Polling as seldom as in
    // production (once a second), so what is counted is what the NOTIFYs cause.
    const replicas = ['a', 'b', 'c'].map((id) => cluster.replica(id, { pollMs: 1000 }));
    const limiters = replicas.map((r) => r.coord.jamfLimiter(5));
    let inFlight = 0;
    let peak = 0;
    const call = async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 3));
      inFlight -= 1;
    };
    const requests = limiters.flatMap((limiter) =>
      Array.from({ length: 3 }, async () => {
        for (let k = 0; k < 20; k += 1) {
          await limiter.run(call);
          await tick();
        }
      }),
    );
    await Promise.all(requests);
    const statements = replicas.reduce((n, r) => n + r.sent('coord_jamf_'), 0);
    console.log(`9 requests of 20 calls one after another on 3 replicas, max 5: ${statements} statements`);
    expect(peak).toBeLessThanOrEqual(5);
    // 180 calls: a statement per call would double the time a slot spends on each one.
    expect(statements).toBeLessThan(180 / 4);
    for (const r of replicas) expect(r.errors).toEqual([]);
  });
  it('is handed a slot at once when it queues a call while its earlier withdraw is still on the way', async () => {
    // The withdraw and the next acquire go over different pool connections; held back here, the
    // withdraw would land after the acquire and take away the row that acquire wrote, leaving
    // the replica waiting with nobody knowing, until the next poll (a minute here).
    const a = cluster.replica('a', { pollMs: 60_000 });
    const b = cluster.replica('b', { pollMs: 60_000, holdMs: 0 });
    const withdrawn = deferred();
    let withdrawSent = false;
    const query = b.pool.query.bind(b.pool) as (...args: unknown[]) => Promise<unknown>;
    (b.pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('DELETE FROM coord_jamf_waiters WHERE holder = $1 RETURNING holder)')) {
        withdrawSent = true;
        await withdrawn.promise;
      }
      return query(...args);
    };
    const la = a.coord.jamfLimiter(1);
    const lb = b.coord.jamfLimiter(1);
    const first = deferred();
    const a1 = la.run(() => first.promise);
    await until(() => la.stats().inFlight === 1);
    // b waits in line; a's slot comes to b once a's call is done, and b's queue then empties.
    const b1 = lb.run(async () => undefined);
    await until(() => lb.stats().queued === 1);
    first.resolve();
    await Promise.all([a1, b1]);
    await until(() => withdrawSent);
    // a takes the slot back (b gives idle slots to a replica that waits) and holds it.
    const second = deferred();
    const a2 = la.run(() => second.promise);
    await until(() => la.stats().inFlight === 1);
    let ran = false;
    const b2 = lb.run(async () => {
      ran = true;
    });
    await until(() => lb.stats().queued === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    withdrawn.resolve();
    second.resolve();
    await a2;
    const stalled = new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 3000).unref());
    expect(await Promise.race([b2.then(() => 'ran'), stalled])).toBe('ran');
    expect(ran).toBe(true);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
  it('takes a slot freed while its own acquire was on the way, without waiting for the poll', async () => {
    // The other replica answers the acquire's 'wait' (or gives up its slots) before that
    // acquire's reply is back here: the 'free' NOTIFY comes first and must not be forgotten.
    const a = cluster.replica('a', { pollMs: 60_000 });
    const b = cluster.replica('b', { pollMs: 60_000 });
    const la = a.coord.jamfLimiter(1);
    const lb = b.coord.jamfLimiter(1);
    const gate = deferred();
    const busy = la.run(() => gate.promise);
    await until(() => la.stats().inFlight === 1);
    const reply = deferred();
    let acquireAnswered = false;
    const query = b.pool.query.bind(b.pool) as (...args: unknown[]) => Promise<unknown>;
    (b.pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
      const result = await query(...args);
      if (typeof args[0] === 'string' && args[0].includes('WITH got AS') && !acquireAnswered) {
        acquireAnswered = true;
        await reply.promise;
      }
      return result;
    };
    let ran = false;
    const task = lb.run(async () => {
      ran = true;
    });
    await until(() => acquireAnswered);
    // a stops and frees its slot ('free') while b's acquire, which found none, is held back.
    await a.coord.close();
    gate.resolve();
    await busy;
    await new Promise((resolve) => setTimeout(resolve, 50));
    reply.resolve();
    const stalled = new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 3000).unref());
    expect(await Promise.race([task.then(() => 'ran'), stalled])).toBe('ran');
    expect(ran).toBe(true);
  });
});
