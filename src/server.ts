import { ConfigError, loadConfig, readEnvironment } from './config.js';
import { createLogger } from './log.js';
import { startServer } from './runtime.js';

/** The only file that reads the environment, listens and handles signals (design.md §2). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${err.message}\nSee .env.example for every key. For a trial without Jamf Pro, run: npm run demo`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: process.stdout.isTTY });
  const running = await startServer(config, logger);
  logger.info({ url: running.url }, 'jamf-scim listening; SCIM base path /scim/v2');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Rotation without a restart: SCIM_BEARER_TOKENS_FILE is read again (systemctl reload sends it).
  process.on('SIGHUP', () => {
    if (!running.reloadTokens()) logger.warn('SIGHUP: no SCIM_BEARER_TOKENS_FILE to reload, or it was not applied');
  });
}

main().catch((err: unknown) => {
  console.error('jamf-scim failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
