import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { buildApp, type AppDeps } from '../src/app.js';
import { createJamfClient } from '../src/jamf/index.js';
import { createLogger } from '../src/log.js';
import type { Metrics } from '../src/metrics.js';
import type { StateStore } from '../src/provisioning/ports.js';
import { createSimulator, type Simulator, type SimulatorOptions } from '../src/simulator/index.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';

export const TOKEN = 'test-bearer-token-0123456789';

export interface TestServer {
  app: FastifyInstance;
  sim: Simulator;
  store: StateStore;
  statePath: string;
  /** A request with the bearer token and a SCIM content type. */
  scim(method: InjectOptions['method'], url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Jamf calls made since the last `resetCalls()`, by `METHOD /route/template`. */
  calls(): Record<string, number>;
  /** Jamf API calls (token requests excluded) since the last reset. */
  jamfCalls(): number;
  resetCalls(): void;
  /** Rebuilds the app on the same store file and simulator, as after a restart. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const isTokenRoute = (key: string) => /\/(oauth|auth)\//.test(key) || key.endsWith('/jamf-pro-version');

/** App settings a test may change; the rest is wired here. */
export type TestAppOptions = Partial<Pick<AppDeps, 'maxPageSize' | 'bulk' | 'readConcurrency' | 'now' | 'authFailureLimit' | 'publicBaseUrl' | 'metrics' | 'adoptJamfUsers' | 'logger' | 'oauth' | 'idpTokens'>>;

/** Server + simulator + temporary SQLite store; every test closes what it opens. */
export async function startTestServer(simOptions: SimulatorOptions = {}, appOptions: TestAppOptions = {}): Promise<TestServer> {
  const sim = createSimulator(simOptions);
  const baseUrl = await sim.listen();
  // The store syncs to disk every write of a row Jamf does not hold (synchronous=FULL); a test needs
  // no power-cut safety, and on a RAM-backed directory those syncs cost nothing.
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'jamf-scim-test-'));
  const statePath = join(dir, 'state.db');
  const logger = pino({ level: 'silent' });

  let store = openSqliteStore(statePath);
  let jamf = createJamfClient({ baseUrl, clientId: sim.clientId, clientSecret: sim.clientSecret, logger, retryBaseMs: 1 });
  let app = await buildApp({ jamf, store, logger, bearerTokens: [TOKEN], ...appOptions });

  const server: TestServer = {
    get app() {
      return app;
    },
    sim,
    get store() {
      return store;
    },
    statePath,
    scim: (method, url, body, headers = {}) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json', ...headers },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    calls: () => Object.fromEntries(Object.entries(sim.counters()).filter(([k]) => !isTokenRoute(k))),
    jamfCalls: () => sim.totalCalls((k) => !isTokenRoute(k)),
    resetCalls: () => sim.resetCounters(),
    restart: async () => {
      await app.close();
      await jamf.close();
      store.close();
      store = openSqliteStore(statePath);
      jamf = createJamfClient({ baseUrl, clientId: sim.clientId, clientSecret: sim.clientSecret, logger, retryBaseMs: 1 });
      app = await buildApp({ jamf, store, logger, bearerTokens: [TOKEN], ...appOptions });
    },
    close: async () => {
      await app.close();
      await jamf.close();
      store.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** A logger as the server builds it (src/log.ts), and every line it writes. */
export function captureLogs(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  return { lines, logger: createLogger({ level }, stream) };
}

/** The value of an unlabelled metric, as `/metrics` would show it now. */
export async function gauge(metrics: Metrics, name: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values[0]?.value ?? 0;
}
