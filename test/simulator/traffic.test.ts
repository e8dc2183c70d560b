import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/simulator/limiter.js';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.js';
import { call, clientToken, statusParagraphs, useSimulators, XML } from './helpers.js';

const CREATE_ROUTE = '/JSSResource/users/id/:id';

/** A listening simulator plus a token, for the faults that need a real socket. */
async function live(create: (opts?: SimulatorOptions) => Simulator, opts: SimulatorOptions = {}) {
  const sim = create(opts);
  const base = await sim.listen();
  const token = await clientToken(sim);
  const send = (method: 'GET' | 'POST', path: string, body?: string) =>
    request(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: XML, ...(body ? { 'content-type': XML } : {}) },
      ...(body ? { body } : {}),
    });
  return { sim, base, send };
}

describe('counters', () => {
  const create = useSimulators();

  it('counts by method and route template, faulted and rejected calls included, admin routes excluded', async () => {
    const sim = create({ faults: { next: [{ method: 'GET', route: '/JSSResource/users/id/:id', fault: 500 }] } });
    const token = await clientToken(sim);
    await call(sim, 'GET', '/JSSResource/users/id/1', { token });
    await call(sim, 'GET', '/JSSResource/users/id/2', { token });
    await call(sim, 'PUT', '/JSSResource/usergroups/id/3', { token, body: '<user_group/>' });
    await call(sim, 'GET', '/JSSResource/users', { token: 'bogus' });
    await sim.app.inject({ method: 'GET', url: '/__simulator/counters' });
    expect(sim.counters()).toEqual({
      'POST /api/v1/oauth/token': 1,
      'GET /JSSResource/users/id/:id': 2,
      'PUT /JSSResource/usergroups/id/:id': 1,
      'GET /JSSResource/users': 1,
    });
    expect(sim.totalCalls()).toBe(5);
    expect(sim.totalCalls((key) => key.startsWith('GET '))).toBe(3);
    sim.resetCounters();
    expect([sim.counters(), sim.totalCalls(), sim.maxObservedConcurrency()]).toEqual([{}, 0, 0]);
  });

  it('maxObservedConcurrency records the peak of requests in flight, queued ones included', async () => {
    const sim = create({ latencyMs: 5, maxConcurrent: 2 });
    const token = await clientToken(sim);
    expect(sim.maxObservedConcurrency()).toBe(1);
    sim.resetCounters();
    const results = await Promise.all(Array.from({ length: 4 }, () => call(sim, 'GET', '/JSSResource/users', { token })));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    expect(sim.maxObservedConcurrency()).toBe(4);
    await call(sim, 'GET', '/JSSResource/users', { token });
    expect(sim.maxObservedConcurrency()).toBe(4);
  });
});

describe('latency and concurrency', () => {
  const create = useSimulators();

  it('serves at most maxConcurrent at once; the rest wait in FIFO order', async () => {
    const sim = create({ latencyMs: 10, maxConcurrent: 1 });
    const token = await clientToken(sim);
    const done: number[] = [];
    const started = performance.now();
    await Promise.all(
      [0, 1, 2].map(async (i) => {
        await call(sim, 'GET', '/JSSResource/users', { token });
        done.push(i);
      }),
    );
    expect(done).toEqual([0, 1, 2]);
    // Served one after the other: three latencies at least (timers never fire early).
    expect(performance.now() - started).toBeGreaterThanOrEqual(28);
  });

  it('raising maxConcurrent via setKnobs serves waiting requests', async () => {
    const sim = create({ maxConcurrent: 1, latencyMs: 5 });
    const token = await clientToken(sim);
    sim.setKnobs({ maxConcurrent: 4, latencyMs: 0, jitterMs: 3 });
    const results = await Promise.all(Array.from({ length: 6 }, () => call(sim, 'GET', '/JSSResource/users', { token })));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
  });

  it('limiter: FIFO, release frees the slot, a released waiter leaves the queue', async () => {
    let limit: number | undefined = 2;
    const limiter = createLimiter(() => limit);
    const order: string[] = [];
    const tickets = ['a', 'b', 'c', 'd', 'e'].map((name) => {
      const ticket = limiter.acquire();
      ticket.ready.then(
        () => order.push(name),
        () => order.push(`${name}:cancelled`),
      );
      return ticket;
    });
    await Promise.resolve();
    expect(order).toEqual(['a', 'b']);
    tickets[2]?.release();
    tickets[0]?.release();
    tickets[0]?.release();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a', 'b', 'c:cancelled', 'd']);
    limit = undefined;
    limiter.drain();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a', 'b', 'c:cancelled', 'd', 'e']);
  });

  it('close() returns promptly with requests waiting on latency and in the queue', async () => {
    const sim = create({ maxConcurrent: 1 });
    const base = await sim.listen();
    const token = await clientToken(sim);
    // Latency applies to token routes too, so it is raised only once the token is in hand.
    sim.setKnobs({ latencyMs: 60_000 });
    const pending = [1, 2].map(() =>
      request(`${base}/JSSResource/users`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.statusCode,
        (err: Error) => err.name,
      ),
    );
    await new Promise((r) => setTimeout(r, 5));
    await sim.close();
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((o) => o !== 200)).toBe(true);
  });
});

describe('faults', () => {
  const create = useSimulators();

  it('errorRate 1 answers every API call with a configured status; token routes are spared', async () => {
    const sim = create({ faults: { errorRate: 1, errorStatuses: [503] } });
    sim.addUser({ name: 'a' });
    const token = await clientToken(sim);
    const classic = await call(sim, 'GET', '/JSSResource/users/id/1', { token });
    expect(classic.statusCode).toBe(503);
    expect(statusParagraphs(classic.body)[0]).toBe('Service Unavailable');
    const pro = await call(sim, 'GET', '/api/v1/users', { token });
    expect(pro.statusCode).toBe(503);
    expect(pro.json()).toMatchObject({ httpStatus: 503 });
  });

  it('random faults are deterministic for a seed, and a status fault applies nothing', async () => {
    const outcome = async (seed: number) => {
      const sim = create({ seed, faults: { errorRate: 0.5 } });
      const token = await clientToken(sim);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        statuses.push((await call(sim, 'POST', '/JSSResource/users/id/0', { token, body: `<user><name>u${i}</name></user>` })).statusCode);
      }
      return { statuses, created: sim.state.users.size };
    };
    const first = await outcome(42);
    expect(await outcome(42)).toEqual(first);
    expect(first.statuses).toContain(201);
    expect(first.statuses.some((s) => [500, 502, 503].includes(s))).toBe(true);
    expect(first.created).toBe(first.statuses.filter((s) => s === 201).length);
    expect((await outcome(7)).statuses).not.toEqual(first.statuses);
  });

  it("'reset-after' applies the write, but the client sees a socket error", async () => {
    const { sim, send } = await live(create, { faults: { next: [{ method: 'POST', route: CREATE_ROUTE, fault: 'reset-after' }] } });
    await expect(send('POST', '/JSSResource/users/id/0', '<user><name>lost</name></user>')).rejects.toThrow(/closed|socket/i);
    expect([...sim.state.users.values()].map((u) => u.name)).toEqual(['lost']);
    expect(sim.counters()[`POST ${CREATE_ROUTE}`]).toBe(1);
  });

  it("'reset-before' destroys the connection without applying", async () => {
    const { sim, send } = await live(create, { faults: { next: [{ route: CREATE_ROUTE, fault: 'reset-before', count: 2 }] } });
    for (let i = 0; i < 2; i++) {
      await expect(send('POST', '/JSSResource/users/id/0', '<user><name>never</name></user>')).rejects.toThrow(/closed|socket/i);
    }
    expect(sim.state.users.size).toBe(0);
    const third = await send('POST', '/JSSResource/users/id/0', '<user><name>now</name></user>');
    expect(third.statusCode).toBe(201);
    await third.body.dump();
  });

  it('resetRate 1 resets every API call', async () => {
    const { sim, send } = await live(create, { faults: { resetRate: 1 } });
    await expect(send('POST', '/JSSResource/users/id/0', '<user><name>x</name></user>')).rejects.toThrow();
    expect(sim.state.users.size).toBe(0);
  });

  it('targeted faults are consumed in order and match method and route', async () => {
    const sim = create({
      faults: {
        next: [
          { method: 'GET', route: '/JSSResource/users', fault: 502, count: 2 },
          { method: 'PUT', fault: 409 },
          { fault: 'slow' },
        ],
        slowMs: 1,
      },
    });
    const token = await clientToken(sim);
    const statuses = [];
    for (const [method, url] of [
      ['PUT', '/JSSResource/users/id/1'],
      ['GET', '/JSSResource/users'],
      ['GET', '/JSSResource/users'],
      ['GET', '/JSSResource/users'],
      ['GET', '/JSSResource/users/id/1'],
      ['PUT', '/JSSResource/users/id/1'],
    ] as const) {
      statuses.push((await call(sim, method, url, { token, ...(method === 'PUT' ? { body: '<user/>' } : {}) })).statusCode);
    }
    // The 'slow' fault is taken by the 4th call, which then succeeds; the last PUT reaches the handler (404).
    expect(statuses).toEqual([409, 502, 502, 200, 404, 404]);
  });

  it('token routes only get targeted faults that name their route', async () => {
    const sim = create({ faults: { next: [{ route: '/api/v1/oauth/token', fault: 503 }], errorRate: 1 } });
    const form = {
      method: 'POST' as const,
      url: '/api/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${sim.clientId}&client_secret=${sim.clientSecret}`,
    };
    expect((await sim.app.inject(form)).statusCode).toBe(503);
    expect((await sim.app.inject(form)).statusCode).toBe(200);
  });

  it('setKnobs replaces the fault configuration', async () => {
    const sim = create({ faults: { errorRate: 1 } });
    const token = await clientToken(sim);
    expect((await call(sim, 'GET', '/JSSResource/users', { token })).statusCode).toBeGreaterThanOrEqual(500);
    sim.setKnobs({ faults: {} });
    expect((await call(sim, 'GET', '/JSSResource/users', { token })).statusCode).toBe(200);
    expect(() => sim.setKnobs({ faults: { errorRate: 2 } })).toThrow();
  });
});
