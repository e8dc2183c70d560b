import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { createJamfClient } from './jamf/index.js';
import { jamfClientOptions } from './jamf-client-config.js';
import { createJamfHealth } from './jamf-health.js';
import { createMetrics } from './metrics.js';
import { createReadiness } from './readiness.js';
import { openSqliteStore } from './store/sqlite-store.js';

export interface Running {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

/** Wires the real adapters from a parsed config and listens; shared by `server.ts` and the demo. */
export async function startServer(config: Config, logger: Logger): Promise<Running> {
  const store = openSqliteStore(config.STATE_URL);
  const metrics = createMetrics({ defaultMetrics: true });
  const jamfLogger = logger.child({ component: 'jamf' });
  const health = createJamfHealth({ logger: jamfLogger, metrics });
  const jamf = createJamfClient({
    ...jamfClientOptions(config),
    logger: jamfLogger,
    onCall: (e) => {
      metrics.observeJamf(e);
      health.observe(e);
    },
    onTokenRefresh: metrics.tokenRefreshed,
  });
  metrics.setQueueStats(() => jamf.stats());
  metrics.setMissingPrivileges(() => jamf.missingPrivileges());
  const https =
    config.TLS_CERT_FILE !== undefined && config.TLS_KEY_FILE !== undefined
      ? { cert: readFileSync(config.TLS_CERT_FILE), key: readFileSync(config.TLS_KEY_FILE), minVersion: 'TLSv1.2' as const }
      : undefined;
  const app = await buildApp({
    jamf,
    store,
    logger,
    bearerTokens: config.SCIM_BEARER_TOKENS,
    maxPageSize: config.SCIM_MAX_PAGE_SIZE,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    readConcurrency: config.JAMF_MAX_CONCURRENCY,
    https,
    metrics,
    metricsToken: config.METRICS_TOKEN,
    authFailureLimit: config.AUTH_FAILURE_LIMIT,
    adoptJamfUsers: config.REACTIVATE_ADOPTS_JAMF_USERS,
    trustProxy: config.TRUST_PROXY,
    jamfQueue: { stats: () => jamf.stats(), limit: config.JAMF_QUEUE_LIMIT },
    readiness: createReadiness({ store, jamf, health }),
  });
  app.addHook('onClose', async () => {
    await jamf.close();
    store.close();
  });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  return {
    app,
    url: address,
    stop: async () => {
      await app.close();
    },
  };
}
