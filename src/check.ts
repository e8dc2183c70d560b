import { pino } from 'pino';
import { formatCheck, runConnectionCheck } from './check/connection-check.js';
import { ConfigError, loadConfig, readEnvironment } from './config.js';
import { createJamfClient } from './jamf/index.js';
import { jamfClientOptions } from './jamf-client-config.js';

/** `npm run check`: validates the configuration and tries every Jamf privilege the server needs. */
async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  console.log(`Configuration: ok. Checking ${config.JAMF_URL} ...\n`);
  const jamf = createJamfClient({
    ...jamfClientOptions(config),
    retries: 1,
    logger: pino({ level: 'silent' }),
  });
  try {
    const tokenPath = config.JAMF_CLIENT_ID === undefined ? undefined : { configured: config.JAMF_TOKEN_PATH, answered: () => jamf.tokenPath() };
    const steps = await runConnectionCheck({ jamf, checkToken: () => jamf.checkToken(), ...(tokenPath === undefined ? {} : { tokenPath }) });
    console.log(formatCheck(steps));
    return steps.every((s) => s.ok) ? 0 : 1;
  } finally {
    await jamf.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('connection check failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
