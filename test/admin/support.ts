import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { createRequestHistory, type RequestHistory } from '../../src/admin/history.js';
import { buildApp, type AppDeps } from '../../src/app.js';
import { runConnectionCheck } from '../../src/check/connection-check.js';
import { createJamfClient, type JamfClient } from '../../src/jamf/index.js';
import { createJamfHealth } from '../../src/jamf-health.js';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { openSqliteStore, type SqliteStateStore } from '../../src/store/sqlite-store.js';
import { captureLogs } from '../helper.js';

export const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghijklmnop';
export const SCIM_TOKEN = 'okta-token-0123456789abcdef';
export const BEARER = { authorization: `Bearer ${ADMIN_TOKEN}` };
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const JAMF_URL_SHOWN = 'https://example.jamfcloud.com';
export const STARTED = Date.parse('2026-03-01T08:00:00Z');

export interface ConsoleServer {
  app: FastifyInstance;
  sim: Simulator;
  store: SqliteStateStore;
  jamf: JamfClient;
  history: RequestHistory;
  logs: string[];
  clock: { ms: number };
  scim(method: InjectOptions['method'], url: string, body?: unknown): Promise<LightMyRequestResponse>;
  admin(method: InjectOptions['method'], url: string, opts?: { headers?: Record<string, string>; body?: unknown }): Promise<LightMyRequestResponse>;
  /** Jamf API calls (token requests excluded) since the last reset. */
  jamfCalls(): number;
  resetCalls(): void;
}

export type Cleanups = Array<() => Promise<void> | void>;

const isTokenRoute = (key: string) => /\/(oauth|auth)\//.test(key) || key.endsWith('/jamf-pro-version');

/**
 * The app as the runtime wires it for the console (src/runtime.ts): the simulator behind a real
 * Jamf client whose calls feed health and the per-minute history, on a clock the test moves.
 */
export async function startConsoleServer(
  cleanups: Cleanups,
  opts: { sim?: SimulatorOptions; adminToken?: string | undefined; app?: Partial<AppDeps> } = {},
): Promise<ConsoleServer> {
  const clock = { ms: STARTED };
  const now = () => clock.ms;
  const sim = createSimulator(opts.sim ?? {});
  const baseUrl = await sim.listen();
  cleanups.push(() => sim.close());
  const logs = captureLogs('info');
  const health = createJamfHealth({ logger: pino({ level: 'silent' }), now });
  const history = createRequestHistory({ now });
  const jamf = createJamfClient({
    baseUrl,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    logger: pino({ level: 'silent' }),
    retries: 0,
    onCall: (e) => {
      health.observe(e);
      history.jamf(e);
    },
  });
  cleanups.push(() => jamf.close());
  const store = openSqliteStore(':memory:');
  cleanups.push(() => store.close());
  const adminToken = 'adminToken' in opts ? opts.adminToken : ADMIN_TOKEN;
  const app = await buildApp({
    jamf,
    store,
    logger: logs.logger,
    bearerTokens: [{ name: 'okta', token: SCIM_TOKEN }],
    audit: store.audit,
    adminToken,
    now: () => new Date(clock.ms),
    console: {
      jamfUrl: JAMF_URL_SHOWN,
      startedAt: new Date(STARTED),
      health,
      client: jamf,
      queueLimit: 100,
      runCheck: () => runConnectionCheck({ jamf, checkToken: () => jamf.checkToken() }),
      history,
      now,
    },
    ...opts.app,
  });
  cleanups.push(() => app.close());
  return {
    app,
    sim,
    store,
    jamf,
    history,
    logs: logs.lines,
    clock,
    scim: (method, url, body) =>
      app.inject({
        method,
        url: `/scim/v2${url}`,
        headers: { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      }),
    admin: (method, url, o = {}) =>
      app.inject({
        method,
        url,
        headers: { ...(o.body === undefined ? {} : { 'content-type': 'application/json' }), ...(o.headers ?? BEARER) },
        ...(o.body === undefined ? {} : { payload: JSON.stringify(o.body) }),
      }),
    jamfCalls: () => sim.totalCalls((k) => !isTokenRoute(k)),
    resetCalls: () => sim.resetCounters(),
  };
}

/** Signs in as the console does; the cookie header to send back and the CSRF token. */
export async function signIn(server: ConsoleServer): Promise<{ cookie: string; csrf: string; res: LightMyRequestResponse }> {
  const res = await server.admin('POST', '/admin/api/session', { headers: {}, body: { token: ADMIN_TOKEN } });
  const setCookie = String(res.headers['set-cookie']);
  const cookie = setCookie.split(';')[0] as string;
  return { cookie, csrf: (res.json() as { csrf: string }).csrf, res };
}

/** A SCIM user created through the IdP's token. */
export async function createUser(server: ConsoleServer, userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await server.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName, active: true, ...extra });
  if (res.statusCode !== 201) throw new Error(`create ${userName}: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}
