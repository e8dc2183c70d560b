/**
 * A Jamf client against a listening simulator, sharing one fake clock (token expiry, privilege
 * holds and node pins are driven by the test); backoff pauses cost no time.
 */
import type { FastifyInstance } from 'fastify';
import { createJamfClient, type JamfClient, type JamfClientOptions } from '../../src/jamf/client.js';
import { createSimulator } from '../../src/simulator/index.js';
import type { Simulator, SimulatorOptions } from '../../src/simulator/types.js';
import { captureLogger, fakeSleep } from './helpers.js';

export interface SimClient {
  sim: Simulator;
  client: JamfClient;
  baseUrl: string;
  clock: { ms: number };
  log: ReturnType<typeof captureLogger>;
  close(): Promise<void>;
}

export interface SimClientSetup {
  sim?: SimulatorOptions;
  client?: Partial<JamfClientOptions>;
  /** Appended to the simulator's URL for JAMF_URL (e.g. a wrong path prefix). */
  urlSuffix?: string;
  /** Runs before the simulator listens, when hooks can still be added to its app. */
  beforeListen?: (app: FastifyInstance) => void;
}

export async function startSimClient(setup: SimClientSetup = {}): Promise<SimClient> {
  const clock = { ms: Date.parse('2026-03-01T12:00:00Z') };
  const now = (): number => clock.ms;
  const sim = createSimulator({ seed: 11, now, ...setup.sim });
  setup.beforeListen?.(sim.app);
  const baseUrl = await sim.listen();
  const log = captureLogger();
  const client = createJamfClient({
    baseUrl: `${baseUrl}${setup.urlSuffix ?? ''}`,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    logger: log.logger,
    now,
    sleep: fakeSleep().sleep,
    random: () => 0.5,
    timeoutMs: 5_000,
    ...setup.client,
  });
  return {
    sim,
    client,
    baseUrl,
    clock,
    log,
    close: async () => {
      await client.close();
      await sim.close();
    },
  };
}

