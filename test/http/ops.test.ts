import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type AppDeps } from '../../src/app.js';
import { createJamfClient, type JamfClient } from '../../src/jamf/index.js';
import { createJamfHealth } from '../../src/jamf-health.js';
import { createMetrics } from '../../src/metrics.js';
import type { StateStore } from '../../src/provisioning/ports.js';
import { createReadiness } from '../../src/readiness.js';
import { createSimulator, type Simulator } from '../../src/simulator/index.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { captureLogs } from '../helper.js';

const TOKEN = 'ops-test-bearer-token-0123456789';
/** The simulator's default client secret. */
const SIM_SECRET = 'simulator-secret';

describe('operations endpoints, logging and throttling', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(over: Partial<AppDeps> & { clientSecret?: string } = {}) {
    const sim: Simulator = createSimulator({ seedUsers: 2 });
    const baseUrl = await sim.listen();
    cleanups.push(() => sim.close());
    const store: StateStore = openSqliteStore(':memory:');
    cleanups.push(() => store.close());
    const metrics = createMetrics();
    const logs = captureLogs();
    // Wired as in src/runtime.ts.
    const health = createJamfHealth({ logger: logs.logger, metrics });
    const jamf: JamfClient = createJamfClient({
      baseUrl,
      clientId: sim.clientId,
      clientSecret: over.clientSecret ?? sim.clientSecret,
      logger: logs.logger,
      retries: 0,
      onCall: (e) => {
        metrics.observeJamf(e);
        health.observe(e);
      },
      onTokenRefresh: metrics.tokenRefreshed,
    });
    cleanups.push(() => jamf.close());
    metrics.setQueueStats(() => jamf.stats());
    const app = await buildApp({
      jamf,
      store,
      logger: logs.logger,
      bearerTokens: [TOKEN],
      metrics,
      readiness: createReadiness({ store, jamf, health }),
      ...over,
    });
    cleanups.push(() => app.close());
    return { app, sim, logs, metrics };
  }

  it('answers /healthz without auth and /readyz once a Jamf token is obtainable', async () => {
    const { app } = await setup();
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      jamf: { reachable: true, since: expect.any(String), lastSuccess: expect.any(String) },
    });
  });

  it('answers /readyz 503 with the reason when Jamf rejects the API client', async () => {
    const { app, logs } = await setup({ clientSecret: 'wrong-secret-value' });
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'not ready',
      reason: expect.stringMatching(/Jamf Pro token could not be obtained: Jamf Pro rejected the API client credentials .*invalid_client/),
      // Jamf Pro answered: this is not an outage, it is this server's configuration.
      jamf: { reachable: true },
    });
    expect(res.body).not.toContain('wrong-secret-value');
    expect(logs.lines.join('\n')).not.toContain('wrong-secret-value');
    const idp = await app.inject({ url: '/scim/v2/Users/1', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(idp.statusCode).toBe(502);
    expect((await app.inject({ url: '/metrics' })).body).toMatch(/^jamf_up 1$/m);
  });

  it('stays ready through a Jamf Pro outage, which /metrics and one log line show at once', async () => {
    const { app, sim, logs } = await setup();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const parsed = () => logs.lines.map((l) => JSON.parse(l) as { level: number; msg: string; jamf?: Record<string, unknown> });
    sim.setKnobs({ faults: { errorRate: 1, errorStatuses: [503] } });

    for (let i = 0; i < 3; i++) expect((await app.inject({ url: '/scim/v2/Users/1', headers: auth })).statusCode).toBe(503);
    const during = (await app.inject({ url: '/metrics' })).body;
    expect(during).toMatch(/^jamf_up 0$/m);
    expect(during).toMatch(/^jamf_outages_total 1$/m);
    const outage = parsed().filter((l) => l.msg === 'jamf pro unreachable');
    expect(outage).toEqual([expect.objectContaining({ level: 40, jamf: { method: 'GET', route: '/JSSResource/users/id/:id', status: 503 } })]);

    // A load balancer must keep this replica: the IdP's retries need a server to answer them.
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      jamf: { reachable: false, since: expect.any(String), lastError: 'GET /JSSResource/users/id/:id answered 503', lastSuccess: expect.any(String) },
    });

    sim.setKnobs({ faults: {} });
    expect((await app.inject({ url: '/scim/v2/Users/1', headers: auth })).statusCode).toBe(200);
    const after = (await app.inject({ url: '/metrics' })).body;
    expect(after).toMatch(/^jamf_up 1$/m);
    expect(after).toMatch(/^jamf_outages_total 1$/m);
    expect(after).toMatch(/^jamf_last_success_timestamp_seconds \d+(\.\d+)?$/m);
    const recovery = parsed().filter((l) => l.msg === 'jamf pro reachable again');
    expect(recovery).toEqual([expect.objectContaining({ level: 30, jamf: expect.objectContaining({ status: 200, outageSeconds: expect.any(Number) }) })]);
    expect(parsed().filter((l) => l.msg === 'jamf pro unreachable')).toHaveLength(1);
    expect((await app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', jamf: { reachable: true } });
  });

  it('stays ready when Jamf Pro cannot be reached at all and no token is cached', async () => {
    const { app, sim } = await setup();
    await sim.close();
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      jamf: { reachable: false, since: expect.any(String), lastError: 'POST /api/v1/oauth/token: no answer (connection failed or timed out)' },
    });
    expect((await app.inject({ url: '/metrics' })).body).toMatch(/^jamf_up 0$/m);
    expect((await app.inject({ url: '/scim/v2/Users/1', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(503);
  });

  it('exposes Prometheus metrics for SCIM requests, Jamf calls, token refreshes and lifecycle events', async () => {
    const { app } = await setup();
    const auth = { authorization: `Bearer ${TOKEN}` };
    await app.inject({ url: '/scim/v2/Users/1', headers: auth });
    await app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { ...auth, 'content-type': 'application/scim+json' },
      payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'metrics.user' },
    });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    const text = res.body;
    expect(text).toMatch(/scim_requests_total\{route="\/scim\/v2\/Users\/:id",method="GET",status="200"\} 1/);
    expect(text).toMatch(/scim_requests_total\{route="\/scim\/v2\/Users",method="POST",status="201"\} 1/);
    expect(text).toMatch(/jamf_calls_total\{method="GET",route="\/JSSResource\/users\/id\/:id",status="200"\} 1/);
    expect(text).toMatch(/jamf_token_refreshes_total 1/);
    expect(text).toMatch(/scim_lifecycle_events_total\{event="created"\} 1/);
    expect(text).toMatch(/jamf_queue_depth 0/);
    expect(text).toContain('scim_request_duration_seconds_bucket');
    expect(text).toContain('jamf_call_duration_seconds_bucket');
  });

  it('protects /metrics with its own token when one is configured', async () => {
    const { app } = await setup({ metricsToken: 'metrics-token-abcdefghijkl' });
    const missing = await app.inject({ url: '/metrics' });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    const wrong = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-abcdefghijkl' } })).statusCode).toBe(200);
  });

  it('writes one log line per request with a request id, and no token, secret or body anywhere', async () => {
    const { app, logs } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json', 'x-request-id': 'req-42' },
      payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'log.user', password: 'hunter2-password' },
    });
    expect(res.statusCode).toBe(201);
    await app.inject({ url: '/scim/v2/Users/1', headers: { authorization: 'Bearer not-the-token-xyz' } });
    const requestLines = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requestLines).toHaveLength(2);
    expect(requestLines[0]).toMatchObject({ reqId: 'req-42', method: 'POST', path: '/scim/v2/Users', status: 201 });
    expect(requestLines[1]).toMatchObject({ status: 401 });
    const all = logs.lines.join('\n');
    for (const secret of [TOKEN, 'not-the-token-xyz', 'hunter2-password', SIM_SECRET]) expect(all).not.toContain(secret);
    // Jamf calls are logged with their route template only.
    // One line per Jamf call: method, route (never a raw username path), status, milliseconds.
    const jamfLines = logs.lines
      .map((l) => JSON.parse(l) as { msg?: string; jamf?: Record<string, unknown> })
      .filter((l) => l.msg === 'jamf call');
    expect(jamfLines.map((l) => l.jamf?.route)).toContain('/JSSResource/users/id/0');
    expect(all).not.toContain('log.user');
  });

  it('redacts secrets at any depth, also when code logs them by mistake', () => {
    const { lines, logger } = captureLogs();
    logger.info(
      {
        headers: { authorization: 'Bearer leak-1' },
        nested: { deeper: { client_secret: 'leak-2', token: 'leak-3', access_token: 'leak-4' } },
        config: { JAMF_CLIENT_SECRET: 'leak-5', SCIM_BEARER_TOKENS: ['leak-6'], password: 'leak-7' },
      },
      'oops',
    );
    const out = lines.join('\n');
    for (let i = 1; i <= 7; i++) expect(out).not.toContain(`leak-${i}`);
    expect(out).toContain('[redacted]');
  });

  it('throttles the bad attempts of an address, with Retry-After in whole seconds, and never the valid token', async () => {
    const { app, logs } = await setup({ authFailureLimit: 3 });
    for (let i = 0; i < 3; i++) {
      expect((await app.inject({ url: '/scim/v2/Users', headers: { authorization: `Bearer guess-${i}` } })).statusCode).toBe(401);
    }
    const blocked = await app.inject({ url: '/scim/v2/Users', headers: { authorization: 'Bearer guess-4' } });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    expect(blocked.json()).toMatchObject({ status: '429', schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] });
    expect((await app.inject({ url: '/scim/v2/Users' })).statusCode).toBe(429);
    // The IdP's token from the same address still works: others' failures cannot lock it out.
    const idp = await app.inject({ url: '/scim/v2/Users?count=1', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(idp.statusCode).toBe(200);
    // Each failure is one warn line with the client address, never the token tried.
    const warned = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'authentication failed');
    expect(warned).toEqual([1, 2, 3].map((failures) => expect.objectContaining({ level: 40, ip: '127.0.0.1', credentials: 'invalid', failures })));
    expect(logs.lines.join('\n')).not.toMatch(/guess-\d/);
  });

  it('counts each client behind a trusted proxy on its own forwarded address', async () => {
    const { app } = await setup({ authFailureLimit: 2, trustProxy: true });
    const from = (client: string, token: string) =>
      app.inject({ url: '/scim/v2/Users?count=1', headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': client } });
    expect((await from('203.0.113.7', 'guess-1')).statusCode).toBe(401);
    expect((await from('203.0.113.7', 'guess-2')).statusCode).toBe(401);
    expect((await from('203.0.113.7', 'guess-3')).statusCode).toBe(429);
    // Another client arriving through the same proxy is not throttled for the first one's guesses.
    expect((await from('198.51.100.1', 'typo-token')).statusCode).toBe(401);
    expect((await from('198.51.100.1', TOKEN)).statusCode).toBe(200);
  });

  it('answers 429 with Retry-After instead of queueing behind a long Jamf queue', async () => {
    const { app, sim } = await setup({ jamfQueue: { stats: () => ({ inFlight: 5, queued: 120 }), limit: 100 } });
    sim.resetCounters();
    const res = await app.inject({ url: '/scim/v2/Users/1', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(sim.totalCalls()).toBe(0);
  });

  it('answers 503 with Retry-After when Jamf Pro is unavailable', async () => {
    const { app, sim } = await setup();
    sim.setKnobs({ faults: { errorRate: 1, errorStatuses: [503] } });
    const res = await app.inject({ url: '/scim/v2/Users/1', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.json().detail).toMatch(/Jamf Pro is unavailable/);
  });
});

