import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { SimCall } from '../../src/simulator/index.js';
import { call, clientToken, useSimulators, XML } from './helpers.js';

const USER_ROUTE = '/JSSResource/users/id/:id';
const createBody = (name: string) => `<user><name>${name}</name></user>`;

describe('onCall listeners', () => {
  const create = useSimulators();

  it('hear every Jamf call on arrival and once settled, with route template and status; admin routes are silent', async () => {
    const sim = create();
    const heard: SimCall[] = [];
    const stop = sim.onCall((c) => {
      heard.push(c);
    });
    const token = await clientToken(sim);
    await call(sim, 'POST', '/JSSResource/users/id/0', { token, body: createBody('ada') });
    await call(sim, 'GET', '/JSSResource/users/id/99', { token });
    await call(sim, 'GET', '/JSSResource/users', { token: 'bogus' });
    await sim.app.inject({ method: 'GET', url: '/__simulator/counters' });
    expect(heard).toEqual([
      { phase: 'received', method: 'POST', route: '/api/v1/oauth/token' },
      { phase: 'settled', method: 'POST', route: '/api/v1/oauth/token', status: 200 },
      { phase: 'received', method: 'POST', route: USER_ROUTE },
      { phase: 'settled', method: 'POST', route: USER_ROUTE, status: 201 },
      { phase: 'received', method: 'GET', route: USER_ROUTE },
      { phase: 'settled', method: 'GET', route: USER_ROUTE, status: 404 },
      { phase: 'received', method: 'GET', route: '/JSSResource/users' },
      { phase: 'settled', method: 'GET', route: '/JSSResource/users', status: 401 },
    ]);

    stop();
    await call(sim, 'GET', '/JSSResource/users', { token });
    expect(heard).toHaveLength(8);
  });

  it("are awaited: 'received' before Jamf applies the call, 'settled' after it applied and before the client has the answer", async () => {
    const sim = create();
    const token = await clientToken(sim);
    const seen: Array<[string, number]> = [];
    let answered = false;
    sim.onCall(async (c) => {
      await new Promise((resolve) => setImmediate(resolve));
      seen.push([c.phase, sim.state.users.size]);
      expect(answered).toBe(false);
    });
    const res = await call(sim, 'POST', '/JSSResource/users/id/0', { token, body: createBody('ada') });
    answered = true;
    expect(res.statusCode).toBe(201);
    expect(seen).toEqual([
      ['received', 0],
      ['settled', 1],
    ]);
  });

  it('a fault returned on arrival applies to that call only, instead of the configured faults', async () => {
    const sim = create({ faults: { next: [{ method: 'POST', route: USER_ROUTE, fault: 503 }] } });
    const base = await sim.listen();
    const token = await clientToken(sim);
    const post = (name: string) =>
      request(`${base}/JSSResource/users/id/0`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, accept: XML, 'content-type': XML },
        body: createBody(name),
      });
    const settled: SimCall[] = [];
    let nth = 0;
    sim.onCall((c) => {
      if (c.phase === 'settled') settled.push(c);
      else if (++nth === 1) return 'reset-before';
      return undefined;
    });

    await expect(post('dropped')).rejects.toThrow(/closed|socket/i);
    expect(sim.state.users.size).toBe(0);
    // The targeted 503 was not consumed by the dropped call: the next one gets it, the third is served.
    expect((await post('refused')).statusCode).toBe(503);
    const served = await post('served');
    expect(served.statusCode).toBe(201);
    await served.body.dump();
    expect([...sim.state.users.values()].map((u) => u.name)).toEqual(['served']);
    expect(settled.map((c) => c.status)).toEqual([undefined, 503, 201]);
    expect(sim.counters()[`POST ${USER_ROUTE}`]).toBe(3);
  });
});
