/**
 * The SCIM server in-process (inject) against a simulator that can fail in every way Jamf Pro
 * can: random statuses, resets and slow answers from the simulator's seeded RNG, and event-driven
 * incidents (tokens revoked, Jamf restarted) at exact call numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/app.js';
import { createJamfClient, type JamfClient } from '../../src/jamf/index.js';
import type { StateStore } from '../../src/provisioning/ports.js';
import { createSimulator, type Fault, type FaultConfig, type Simulator, type SimCall } from '../../src/simulator/index.js';
import { seededRandom } from '../../src/simulator/random.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { TOKEN } from '../helper.js';
import { finalState, type FinalState } from './final-state.js';
import { createIdp, type Idp } from './idp.js';
import { PREEXISTING } from './lifecycles.js';

/** Short, so that a 'slow' answer (slowMs above it) costs a fraction of a second. */
export const CLIENT_TIMEOUT_MS = 300;

export type Incident = 'expire-tokens' | 'restart-jamf' | 'lose-response';

export interface WorldOptions {
  seed?: number;
  /** Random faults, from the simulator's seeded RNG. */
  faults?: FaultConfig;
  /** Incidents at Jamf API calls number `every`, 2·`every`, …; token requests are not counted. */
  incidents?: Array<{ incident: Incident; every: number }>;
  /** The Jamf client's own retries (JAMF_RETRIES); 0 hands every failure to the IdP. Default 3. */
  clientRetries?: number;
}

export interface World {
  idp: Idp;
  readonly sim: Simulator;
  /** Stops faults and incidents, brings Jamf back if it is down, and reads both sides. */
  settle(): Promise<FinalState>;
  readonly restarts: number;
  /** Jamf calls that failed: answered 5xx or 401, or ended without an answer. */
  readonly failedCalls: number;
  /** Calls Jamf applied whose answer was lost ('lose-response'). */
  readonly lostResponses: number;
  close(): Promise<void>;
}

const isTokenRoute = (route: string) => /\/(oauth|auth)\/token$/.test(route);

export async function createWorld(options: WorldOptions = {}): Promise<World> {
  const seed = options.seed ?? 1;
  // One RNG across simulator restarts, so a seed replays the same faults for the same calls.
  const random = seededRandom(seed);
  let faults: FaultConfig = {};
  let incidents = options.incidents ?? [];
  let sim = createSimulator({ random, tokenLifetimeSeconds: 3600 });
  for (const u of PREEXISTING) sim.addUser(u);
  const baseUrl = await sim.listen();
  const port = Number(new URL(baseUrl).port);

  let apiCalls = 0;
  let restarts = 0;
  let failedCalls = 0;
  let lostResponses = 0;
  /** Set while Jamf is down: the restart that the IdP's next attempt waits for. */
  let down: Simulator | undefined;

  const incidentHook = (c: SimCall): Fault | undefined => {
    if (c.phase === 'settled' && (c.status === undefined || c.status >= 500 || c.status === 401)) failedCalls++;
    if (c.phase !== 'received' || isTokenRoute(c.route)) return undefined;
    apiCalls++;
    let fault: Fault | undefined;
    for (const { incident, every } of incidents) {
      if (apiCalls % every !== 0) continue;
      if (incident === 'expire-tokens') sim.expireTokens();
      if (incident === 'lose-response' && fault === undefined) {
        fault = 'reset-after';
        lostResponses++;
      }
      if (incident === 'restart-jamf' && down === undefined) {
        // Jamf goes down with this call unanswered and stays down until the IdP tries again,
        // so every call the server makes meanwhile is refused, whatever the timing.
        down = sim;
        void sim.close();
        fault = 'reset-before';
      }
    }
    return fault;
  };
  sim.onCall(incidentHook);

  async function bringBack(): Promise<void> {
    if (down === undefined) return;
    await down.close();
    // Restarted on the same port: the server's Jamf URL does not change (as with a real Jamf
    // restart), so its client must cope with dead keep-alive sockets and a forgotten token.
    sim = createSimulator({ state: down.state, random, faults, tokenLifetimeSeconds: 3600 });
    sim.onCall(incidentHook);
    await sim.listen(port);
    down = undefined;
    restarts++;
  }


  const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-faults-'));
  const statePath = join(dir, 'state.db');
  const logger = pino({ level: 'silent' });
  const store: StateStore = openSqliteStore(statePath);
  const jamf: JamfClient = createJamfClient({
    baseUrl,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    logger,
    timeoutMs: CLIENT_TIMEOUT_MS,
    retryBaseMs: 1,
    retries: options.clientRetries ?? 3,
    random: seededRandom(seed + 1),
  });
  const app: FastifyInstance = await buildApp({ jamf, store, logger, bearerTokens: [TOKEN] });

  faults = options.faults ?? {};
  sim.setKnobs({ faults });

  const idp = createIdp(
    async (method, url, body) => {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return { status: res.statusCode, body: res.body, json: () => res.json() };
    },
    { beforeRetry: bringBack },
  );

  return {
    idp,
    get sim() {
      return sim;
    },
    get restarts() {
      return restarts;
    },
    get failedCalls() {
      return failedCalls;
    },
    get lostResponses() {
      return lostResponses;
    },
    async settle() {
      incidents = [];
      faults = {};
      await bringBack();
      sim.setKnobs({ faults });
      return finalState(sim.state, statePath);
    },
    async close() {
      await app.close();
      await jamf.close();
      store.close();
      await (down ?? sim).close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
