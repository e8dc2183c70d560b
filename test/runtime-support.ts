import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../src/config.js';
import { startServer, type Running } from '../src/runtime.js';
import type { Simulator } from '../src/simulator/index.js';

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
  const config = loadConfig({
    JAMF_URL: jamfUrl,
    JAMF_CLIENT_ID: sim.clientId,
    JAMF_CLIENT_SECRET: sim.clientSecret,
    SCIM_BEARER_TOKENS: token,
    PORT: '0',
    HOST: '127.0.0.1',
    STATE_URL: join(dir, 'state.db'),
    ...env,
  });
  return startServer(config, logger);
}
