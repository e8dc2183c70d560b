import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../src/config.js';
import { startServer, type Running } from '../src/runtime.js';
import type { Simulator } from '../src/simulator/index.js';
import { simulatorEnv } from './config-support.js';

export type Cleanups = Array<() => Promise<void> | void>;

/**
 * The production wiring (`startServer` from a parsed environment) against a simulator, on port 0
 * with a temporary state file that `cleanups` removes; stopping the server is the caller's.
 */
export async function startRuntime(
  sim: Simulator,
  cleanups: Cleanups,
  token: string,
  env: Record<string, string> = {},
  logger: Logger = pino({ level: 'silent' }),
): Promise<Running> {
  const jamfUrl = await sim.listen();
  const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-runtime-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({ ...simulatorEnv(sim, jamfUrl, token, join(dir, 'state.db')), ...env });
  return startServer(config, logger);
}
