import { ConfigError, loadConfig } from '../src/config.js';

/** The least environment that starts the server; tests add the keys they are about. */
export const BASE_ENV = {
  JAMF_URL: 'https://example.jamfcloud.com',
  JAMF_CLIENT_ID: 'client',
  JAMF_CLIENT_SECRET: 'super-secret-value',
  SCIM_BEARER_TOKENS: 'aaaaaaaaaaaaaaaaaaaa',
};

/** What loadConfig refuses in `env`, one line per key; empty when it is valid. */
export function configProblems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

/** The environment of a server against `sim` (listening at `jamfUrl`) on a loopback port the OS picks, with its state file at `statePath`. */
export function simulatorEnv(sim: { clientId: string; clientSecret: string }, jamfUrl: string, token: string, statePath: string): Record<string, string> {
  return {
    JAMF_URL: jamfUrl,
    JAMF_CLIENT_ID: sim.clientId,
    JAMF_CLIENT_SECRET: sim.clientSecret,
    SCIM_BEARER_TOKENS: token,
    PORT: '0',
    HOST: '127.0.0.1',
    STATE_URL: statePath,
  };
}
