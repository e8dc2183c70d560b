import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/runtime.js';
import { createSimulator, type Simulator } from '../src/simulator/index.js';

const TOKEN = 'runtime-test-token-0123456789';

describe('running server', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function start(sim: Simulator) {
    const jamfUrl = await sim.listen();
    const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-runtime-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = loadConfig({
      JAMF_URL: jamfUrl,
      JAMF_CLIENT_ID: sim.clientId,
      JAMF_CLIENT_SECRET: sim.clientSecret,
      SCIM_BEARER_TOKENS: TOKEN,
      PORT: '0',
      HOST: '127.0.0.1',
      STATE_URL: join(dir, 'state.db'),
    });
    return startServer(config, pino({ level: 'silent' }));
  }

  it('finishes an in-flight request on shutdown, then refuses new connections', async () => {
    const sim = createSimulator({ seedUsers: 1 });
    cleanups.push(() => sim.close());
    const running = await start(sim);
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await running.stop();
    });
    // Warm the token, then make Jamf slow so the next request is still in flight at shutdown.
    expect((await request(`${running.url}/readyz`)).statusCode).toBe(200);
    sim.setKnobs({ latencyMs: 200 });
    sim.resetCounters();

    const inFlight = request(`${running.url}/scim/v2/Users/1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    while (sim.totalCalls() === 0) await new Promise((r) => setImmediate(r));
    const stopping = running.stop().then(() => (stopped = true));

    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as { id: string }).id).toBe('1');
    await stopping;
    await expect(request(`${running.url}/healthz`)).rejects.toThrow();
  });
});
