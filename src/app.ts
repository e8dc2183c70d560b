import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerJsonParsers } from './http/content-types.js';
import { registerErrorHandling, renderFrameworkError } from './http/error-handler.js';
import { registerOpsRoutes } from './http/ops-routes.js';
import { MAX_HEADER_BYTES, createClientErrorHandler, registerUrlLimit } from './http/request-limits.js';
import { OneLinePerRequest } from './http/request-log.js';
import type { IdpTokenOptions } from './http/jwt-auth.js';
import type { OAuthClientOptions } from './http/oauth-token.js';
import { createScimAuth } from './http/scim-auth.js';
import { registerScimRoutes } from './http/scim-routes.js';
import type { JamfQueueStats, Metrics } from './metrics.js';
import { createAuditTrail, NO_AUDIT } from './audit/recorder.js';
import type { AuditStore } from './audit/types.js';
import { registerAdminRoutes } from './http/admin-routes.js';
import { observeScimTraffic, type RequestHistory } from './admin/history.js';
import type { ConsoleSources } from './admin/types.js';
import { createGroupService } from './provisioning/group-service.js';
import { createGroupWriter } from './provisioning/group-writer.js';
import { groupNameTaken } from './provisioning/duplicates.js';
import type { JamfDirectory, StateStore } from './provisioning/ports.js';
import { createUserService } from './provisioning/user-service.js';
import type { Readiness } from './readiness.js';
import type { ScimToken, ScimTokenSet } from './scim-tokens.js';
import type { AuthThrottlePort, Coordination } from './coord/types.js';
import { startLifecycleSweep } from './provisioning/sweep.js';

export interface AppDeps {
  jamf: JamfDirectory;
  store: StateStore;
  /**
   * What replicas sharing the store agree on (locks, auth throttle, the sweep). Absent or
   * 'local': this process is the only one.
   */
  coordination?: Coordination;
  /** How often a half-done lifecycle step is looked for in the background; 0 (the default): never. */
  sweepIntervalMs?: number;
  logger: Logger;
  /** The SCIM tokens, named (`token-N` for a bare string); a set is replaced in place on rotation. */
  bearerTokens: ScimTokenSet | readonly (string | ScimToken)[];
  /** Where the audit trail is kept; without it nothing is recorded and /admin is off. */
  audit?: AuditStore;
  /** Turns on the admin API (`/admin/api/*`); separate from the SCIM tokens. */
  adminToken?: string;
  /** What the admin console shows beyond the services (status sources, check, traffic history); without it, only its audit API. */
  console?: ConsoleSources & { history: RequestHistory };
  /** Largest `count` a list request gets; larger requests are clamped (RFC 7644 §3.4.2.4). */
  maxPageSize?: number;
  /** POST /Bulk limits (RFC 7644 §3.7.4); defaults 100 operations and 1 MiB. */
  bulk?: { maxOperations?: number; maxPayloadSize?: number };
  /** Absolute URL the IdP uses, when the server sits behind a proxy that rewrites Host. */
  publicBaseUrl?: string;
  /** Jamf reads a list page makes at once; at most the Jamf client's concurrency. */
  readConcurrency?: number;
  now?: () => Date;
  metrics?: Metrics;
  metricsToken?: string;
  /** Fastify trustProxy: behind a proxy, client addresses (for the auth throttle) come from X-Forwarded-For. */
  trustProxy?: boolean | number | string[];
  /** Failed authentications per client address per minute before 429. */
  authFailureLimit?: number;
  /** Jamf client queue, for backpressure: beyond `limit` queued calls new SCIM requests get 429. */
  jamfQueue?: { stats(): JamfQueueStats; limit: number };
  /** Whether this replica should get traffic (src/readiness.ts). */
  readiness?: () => Promise<Readiness>;
  /**
   * A reactivation takes over a Jamf user of its userName that no SCIM user claims (one Jamf
   * created by itself, e.g. by a device assignment) instead of answering 409. Default true.
   */
  adoptJamfUsers?: boolean;
  /** Serve HTTPS (Entra requires TLS 1.2+) instead of HTTP. */
  https?: { cert: Buffer; key: Buffer; minVersion: 'TLSv1.2' | 'TLSv1.3' };
  /** OAuth 2.0 client credentials (RFC 6749 §4.4): serves `POST /oauth/token` and accepts its tokens. */
  oauth?: OAuthClientOptions;
  /** Accept bearer JWTs signed by the IdP (issuer, audience, keys). */
  idpTokens?: IdpTokenOptions;
}

export const SCIM_PREFIX = '/scim/v2';

function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

/** Builds the server; never listens (design.md §7.1). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // An explicit head limit; oversized heads and URLs get SCIM errors (src/http/request-limits.ts).
    ...(deps.https ? { https: { ...deps.https, maxHeaderSize: MAX_HEADER_BYTES } } : { http: { maxHeaderSize: MAX_HEADER_BYTES } }),
    clientErrorHandler: createClientErrorHandler(deps.logger),
    loggerInstance: deps.logger,
    // A hop count trusts that many proxies in front of the server (Fastify's trustProxy number form).
    trustProxy: typeof deps.trustProxy === 'number' ? trustHops(deps.trustProxy) : (deps.trustProxy ?? false),
    bodyLimit: 1024 * 1024,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 },
    logController: new OneLinePerRequest({ requestIdLogLabel: 'reqId' }),
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    frameworkErrors: renderFrameworkError,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    // The pino instance's own type is wider than Fastify's base logger; routes only need the base.
  }) as unknown as FastifyInstance;

  registerJsonParsers(app);
  registerErrorHandling(app);
  registerUrlLimit(app);

  // Graceful shutdown: a response finished after close() began tells the client to drop its
  // keep-alive connection, so the server is not held open until the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Callback hooks rather than async ones here and below: they run on every response, and an
  // async hook costs a promise and a microtask each time.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  const readConcurrency = deps.readConcurrency ?? 5;
  const onEvent = deps.metrics?.lifecycle;
  const audit = deps.audit
    ? createAuditTrail({ store: deps.audit, logger: deps.logger, now: deps.now ?? (() => new Date()), onFailure: deps.metrics?.auditFailed })
    : NO_AUDIT;
  const coordination = deps.coordination;
  const shared = coordination?.kind === 'postgres' ? coordination : undefined;
  const sharedLock = shared && (<T>(key: string, fn: () => Promise<T>) => shared.withLock(key, fn));
  const writer = createGroupWriter({
    jamf: deps.jamf,
    logger: deps.logger,
    readConcurrency,
    nameTaken: (err, name, groupId) => groupNameTaken(deps.jamf, err, name, groupId),
    exclusive: shared && ((groupId, fn) => shared.withLock(`group:${groupId}`, fn)),
  });
  deps.metrics?.setGroupWriterStats(writer.stats);
  const users = createUserService({
    jamf: deps.jamf,
    store: deps.store,
    logger: deps.logger,
    readConcurrency,
    groupWriter: writer,
    adoptJamfUsers: deps.adoptJamfUsers,
    now: deps.now,
    onEvent,
    audit,
    sharedLock,
  });
  deps.metrics?.setUsersWaiting(users.waitingOnUsers);
  const groups = createGroupService({
    jamf: deps.jamf,
    store: deps.store,
    logger: deps.logger,
    readConcurrency,
    writer,
    now: deps.now,
    resolveMember: users.jamfIdOfMember,
    lockMember: users.withLock,
    onEvent,
    audit,
    sharedLock,
  });
  const sweep = startLifecycleSweep({
    finish: users.finishPending,
    coordination,
    intervalMs: deps.sweepIntervalMs ?? 0,
    logger: deps.logger,
  });
  app.addHook('onClose', async () => sweep.stop());

  if (deps.metrics) {
    const metrics = deps.metrics;
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.observeScim(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  if (deps.console) observeScimTraffic(app, deps.console.history);

  const auth = createScimAuth({
    bearerTokens: deps.bearerTokens,
    oauth: deps.oauth,
    idpTokens: deps.idpTokens,
    authFailureLimit: deps.authFailureLimit ?? 20,
    now: deps.now ?? (() => new Date()),
    throttle: shared?.authThrottle(deps.authFailureLimit ?? 20),
  });

  await app.register(
    async (scope) => {
      registerScimRoutes(scope, {
        users,
        groups,
        maxPageSize: deps.maxPageSize ?? 1000,
        publicBaseUrl: deps.publicBaseUrl,
        authFailureLimit: deps.authFailureLimit ?? 20,
        jamfQueue: deps.jamfQueue,
        bulk: {
          maxOperations: deps.bulk?.maxOperations ?? 100,
          maxPayloadSize: deps.bulk?.maxPayloadSize ?? 1024 * 1024,
          concurrency: readConcurrency,
        },
        authenticate: auth.authenticate,
        authThrottle: auth.throttle,
        oauthTokenPath: auth.oauthTokenPath,
      });
    },
    { prefix: SCIM_PREFIX },
  );

  // The token endpoint sits at the root, outside /scim/v2: it is how a SCIM token is obtained.
  await auth.registerTokenRoute(app);
  if (deps.audit) {
    const consoleDeps = deps.console && { ...deps.console, users, groups, store: deps.store, jamf: deps.jamf, trail: audit, publicBaseUrl: deps.publicBaseUrl };
    registerAdminRoutes(app, {
      adminToken: deps.adminToken,
      audit: deps.audit,
      authFailureLimit: deps.authFailureLimit ?? 20,
      console: consoleDeps,
      now: deps.console?.now,
      // Counted apart from the IdP's failures, as in one process (admin-routes.ts).
      throttle: shared && scoped(shared.authThrottle(deps.authFailureLimit ?? 20), 'admin'),
    });
  }
  registerOpsRoutes(app, { metrics: deps.metrics, metricsToken: deps.metricsToken, readiness: deps.readiness });
  return app;
}

/** A shared throttle whose addresses are counted apart from another user of the same table. */
function scoped(throttle: AuthThrottlePort, scope: string): AuthThrottlePort {
  return { retryAfter: (address) => throttle.retryAfter(`${scope}:${address}`), fail: (address) => throttle.fail(`${scope}:${address}`) };
}
