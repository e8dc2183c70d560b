import type { Config } from './config.js';
import type { JamfClientOptions } from './jamf/index.js';

/** The Jamf client settings a parsed config gives; callers add their logger and hooks. */
export function jamfClientOptions(config: Config): Omit<JamfClientOptions, 'logger'> {
  return {
    baseUrl: config.JAMF_URL,
    clientId: config.JAMF_CLIENT_ID,
    clientSecret: config.JAMF_CLIENT_SECRET,
    username: config.JAMF_USERNAME,
    password: config.JAMF_PASSWORD,
    tokenPath: config.JAMF_TOKEN_PATH,
    maxConcurrency: config.JAMF_MAX_CONCURRENCY,
    timeoutMs: config.JAMF_TIMEOUT_MS,
    listTimeoutMs: config.JAMF_LIST_TIMEOUT_MS,
    retries: config.JAMF_RETRIES,
  };
}
