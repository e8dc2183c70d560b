/**
 * The unpaged Classic lists take longer the more users a tenant has (jamf-pro-api.md §11), so they
 * get a timeout of their own (JAMF_LIST_TIMEOUT_MS); every other call keeps the per-call one. Small
 * numbers keep it fast: 2,000 users at 300 ms per 1,000 make a 600 ms list against a 250 ms
 * per-call timeout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { failure } from './helpers.js';
import { startSimClient, type SimClient } from './sim-client.js';

const LIST_LATENCY = { seedUsers: 2_000, seedGroups: 1_000, listLatencyPerThousandMs: 300 };

let h: SimClient | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('list timeout', () => {
  it('lets the user and group lists take longer than a single-record call may', async () => {
    h = await startSimClient({ sim: LIST_LATENCY, client: { timeoutMs: 250, listTimeoutMs: 5_000, retries: 0 } });
    await h.client.checkToken();
    const started = performance.now();
    expect(await h.client.listUsers()).toHaveLength(2_000);
    expect(performance.now() - started).toBeGreaterThan(250);
    expect(await h.client.listGroups()).toHaveLength(h.sim.state.groups.size);
  });

  it('keeps the per-call timeout for every other call', async () => {
    h = await startSimClient({ sim: LIST_LATENCY, client: { timeoutMs: 250, listTimeoutMs: 5_000, retries: 0 } });
    const id = h.sim.addUser({ name: 'jdoe' });
    await h.client.checkToken();
    // A single record the simulator holds past the per-call timeout.
    const trap = h.sim.trap({ method: 'GET', route: '/JSSResource/users/id/:id' });
    const err = await failure(h.client.getUser(id));
    trap.release();
    expect(err).toMatchObject({ kind: 'timeout', message: 'Jamf Pro did not answer within 250 ms', route: 'GET /JSSResource/users/id/:id' });
  });

  it('times the list out too when it is given no more than the per-call timeout', async () => {
    h = await startSimClient({ sim: LIST_LATENCY, client: { timeoutMs: 250, listTimeoutMs: 250, retries: 0 } });
    await h.client.checkToken();
    expect(await failure(h.client.listUsers())).toMatchObject({ kind: 'timeout', route: 'GET /JSSResource/users' });
  });
});
