import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { ConfigError, type Config } from './config.js';
import { parsePublicKeys } from './http/jwt-auth.js';
import { createJamfClient, type JamfClient } from './jamf/index.js';
import { jamfClientOptions } from './jamf-client-config.js';
import { createJamfHealth } from './jamf-health.js';
import { createMetrics } from './metrics.js';
import { createReadiness } from './readiness.js';
import { openStateStore } from './store/open-store.js';
import { startAuditRetention } from './audit/retention.js';
import { createRequestHistory } from './admin/history.js';
import { runConnectionCheck } from './check/connection-check.js';
import { openTokenSource } from './token-source.js';

export interface Running {
  app: FastifyInstance;
  url: string;
  /** Reads SCIM_BEARER_TOKENS_FILE again (SIGHUP); false when there is none or it has a problem. */
  reloadTokens(): boolean;
  stop(): Promise<void>;
}

/** A file a config key names; one that cannot be read stops the start with the key named (never the file's content). */
function readConfigFile(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError([`${key} could not be read (${code})`]);
  }
}

/** OAuth client credentials and IdP-signed tokens, when configured (the keys are checked together in config.ts). */
function authOptions(config: Config) {
  const oauth =
    config.OAUTH_CLIENT_ID !== undefined && config.OAUTH_CLIENT_SECRET !== undefined
      ? { clientId: config.OAUTH_CLIENT_ID, clientSecret: config.OAUTH_CLIENT_SECRET, tokenLifetimeSeconds: config.OAUTH_TOKEN_LIFETIME_SECONDS }
      : undefined;
  if (config.OIDC_ISSUER === undefined || config.OIDC_AUDIENCE === undefined) return { oauth };
  let keys;
  if (config.OIDC_PUBLIC_KEYS_FILE !== undefined) {
    const text = readConfigFile('OIDC_PUBLIC_KEYS_FILE', config.OIDC_PUBLIC_KEYS_FILE).toString('utf8');
    try {
      keys = parsePublicKeys(text);
    } catch (err) {
      throw new ConfigError([`OIDC_PUBLIC_KEYS_FILE ${err instanceof Error ? err.message : 'could not be read'}`]);
    }
  }
  return { oauth, idpTokens: { issuer: config.OIDC_ISSUER, audience: config.OIDC_AUDIENCE, jwksUrl: config.OIDC_JWKS_URL, keys } };
}

/** What a caller may put in place of an adapter; only the benchmark's in-memory Jamf uses it. */
export interface Overrides {
  jamf?: JamfClient;
}

/** Wires the real adapters from a parsed config and listens; shared by `server.ts` and the demo. */
export async function startServer(config: Config, logger: Logger, overrides: Overrides = {}): Promise<Running> {
  const startedAt = new Date();
  // First: a bad key or certificate file stops the start before anything is opened.
  const auth = authOptions(config);
  const https =
    config.TLS_CERT_FILE !== undefined && config.TLS_KEY_FILE !== undefined
      ? { cert: readConfigFile('TLS_CERT_FILE', config.TLS_CERT_FILE), key: readConfigFile('TLS_KEY_FILE', config.TLS_KEY_FILE), minVersion: 'TLSv1.2' as const }
      : undefined;
  const tokens = openTokenSource(config, logger);
  const state = await openStateStore(config.STATE_URL, { poolSize: config.STATE_POOL_SIZE, logger: logger.child({ component: 'coord' }) });
  const { store, coordination } = state;
  const retention = startAuditRetention({ audit: state.audit, days: config.AUDIT_RETENTION_DAYS, now: () => new Date(), logger });
  const metrics = createMetrics({ defaultMetrics: true });
  // The client adds `component: jamf` to its own lines; giving it a child that has it already
  // would write the key twice, which strict JSON consumers refuse.
  const health = createJamfHealth({ logger: logger.child({ component: 'jamf' }), metrics });
  const history = createRequestHistory();
  const jamf =
    overrides.jamf ??
    createJamfClient({
      ...jamfClientOptions(config),
      logger,
      onCall: (e) => {
        metrics.observeJamf(e);
        health.observe(e);
        history.jamf(e);
      },
      onTokenRefresh: metrics.tokenRefreshed,
      // Replicas on one database share Jamf's connection budget (coord/pg-budget.ts).
      limiter: coordination.kind === 'postgres' ? (max) => coordination.jamfLimiter(max) : undefined,
    });
  metrics.setQueueStats(() => jamf.stats());
  metrics.setMissingPrivileges(() => jamf.missingPrivileges());
  const app = await buildApp({
    ...auth,
    jamf,
    store,
    coordination,
    sweepIntervalMs: config.LIFECYCLE_SWEEP_SECONDS * 1000,
    logger,
    bearerTokens: tokens.set,
    audit: state.audit,
    adminToken: config.ADMIN_TOKEN,
    maxPageSize: config.SCIM_MAX_PAGE_SIZE,
    bulk: { maxOperations: config.SCIM_BULK_MAX_OPERATIONS, maxPayloadSize: config.SCIM_BULK_MAX_PAYLOAD_BYTES },
    publicBaseUrl: config.PUBLIC_BASE_URL,
    readConcurrency: config.JAMF_MAX_CONCURRENCY,
    https,
    metrics,
    metricsToken: config.METRICS_TOKEN,
    authFailureLimit: config.AUTH_FAILURE_LIMIT,
    adoptJamfUsers: config.REACTIVATE_ADOPTS_JAMF_USERS,
    trustProxy: config.TRUST_PROXY,
    jamfQueue: { stats: () => jamf.stats(), limit: config.JAMF_QUEUE_LIMIT },
    readiness: createReadiness({ store, coordination, storeKind: state.kind, jamf, health }),
    console: {
      jamfUrl: config.JAMF_URL,
      startedAt,
      health,
      client: jamf,
      queueLimit: config.JAMF_QUEUE_LIMIT,
      // The check as `npm run check` runs it, through the server's own client (its calls show in the charts).
      runCheck: () =>
        runConnectionCheck({
          jamf,
          checkToken: () => jamf.checkToken(),
          ...(config.JAMF_CLIENT_ID === undefined ? {} : { tokenPath: { configured: config.JAMF_TOKEN_PATH, answered: () => jamf.tokenPath() } }),
        }),
      history,
    },
  });
  app.addHook('onClose', async () => {
    tokens.close();
    retention.stop();
    await jamf.close();
    await state.close();
  });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  return {
    app,
    url: address,
    reloadTokens: () => tokens.reload('SIGHUP'),
    stop: async () => {
      await app.close();
    },
  };
}
