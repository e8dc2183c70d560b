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
