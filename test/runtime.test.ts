import type { Logger } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../src/simulator/index.js';
import { captureLogs } from './helper.js';
import { startRuntime } from './runtime-support.js';

const TOKEN = 'runtime-test-token-0123456789';

describe('running server', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const start = (sim: Simulator, env: Record<string, string> = {}, logger?: Logger) => startRuntime(sim, cleanups, TOKEN, env, logger);

  /** A server stopped after the test, and a GET that reads the whole answer. */
  async function serve(sim: Simulator, env: Record<string, string>, logger: Logger) {
    const running = await start(sim, env, logger);
    cleanups.push(() => running.stop());
    return async (path: string, headers: Record<string, string> = {}) => {
      const res = await request(`${running.url}${path}`, { headers });
      return { status: res.statusCode, text: await res.body.text() };
    };
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

  it('shows a Jamf Pro outage on /metrics, /readyz and in the log, and stays ready', async () => {
    const sim = createSimulator({ seedUsers: 1 });
    cleanups.push(() => sim.close());
    const { lines, logger } = captureLogs('info');
    const get = await serve(sim, { JAMF_RETRIES: '0' }, logger);
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await get('/metrics')).text).toMatch(/^jamf_up 1$/m);

    sim.setKnobs({ faults: { errorRate: 1, errorStatuses: [503] } });
    expect((await get('/scim/v2/Users/1', auth)).status).toBe(503);
    expect((await get('/metrics')).text).toMatch(/^jamf_up 0$/m);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({ status: 'ready', jamf: { reachable: false, lastError: 'GET /JSSResource/users/id/:id answered 503' } });
    expect(lines.filter((l) => l.includes('"jamf pro unreachable"'))).toHaveLength(1);

    sim.setKnobs({ faults: {} });
    expect((await get('/scim/v2/Users/1', auth)).status).toBe(200);
    expect((await get('/metrics')).text).toMatch(/^jamf_up 1$/m);
    expect(lines.filter((l) => l.includes('"jamf pro reachable again"'))).toHaveLength(1);
  });

  it('is not ready when Jamf Pro rejects the API client secret', async () => {
    const sim = createSimulator({ seedUsers: 1 });
    cleanups.push(() => sim.close());
    const logs = captureLogs('info');
    const get = await serve(sim, { JAMF_CLIENT_SECRET: 'not-the-simulator-secret' }, logs.logger);
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toMatchObject({ status: 'not ready', reason: expect.stringContaining('invalid_client'), jamf: { reachable: true } });
    expect(ready.text).not.toContain('not-the-simulator-secret');
    expect(logs.lines.join('\n')).not.toContain('not-the-simulator-secret');
  });
});

describe('log lines of the running server', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('name their component once: a Jamf call line is valid for strict JSON consumers', async () => {
    const sim = createSimulator({ seedUsers: 1 });
    cleanups.push(() => sim.close());
    const { lines, logger } = captureLogs('debug');
    const running = await startRuntime(sim, cleanups, TOKEN, {}, logger);
    cleanups.push(() => running.stop());
    const res = await request(`${running.url}/scim/v2/Users/1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    const jamfLines = lines.filter((l) => l.includes('"component":"jamf"'));
    expect(jamfLines.length).toBeGreaterThan(0);
    for (const line of jamfLines) expect(line.match(/"component":/g), line).toHaveLength(1);
  });
});
