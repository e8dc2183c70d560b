/** `createJamfClient`: wires the pool, limiter, token manager and resource modules into a JamfApi. */
import type { Logger } from 'pino';
import { Pool } from 'undici';
import type { JamfContext } from './context.js';
import { JamfError } from './errors.js';
import { createHttpCore, type CallEvent } from './http-core.js';
import { createLimiter, type Limiter, type LimiterStats } from './limiter.js';
import { createNodeAffinity } from './node-affinity.js';
import { createPrivilegeRefusals, type MissingPrivilege } from './privilege-refusals.js';
import { fetchServerInfo } from './server-info.js';
import { createTokenManager } from './token-manager.js';
import { createTokenPath, V1_TOKEN_PATH } from './token-path.js';
import { requestToken, type JamfCredentials } from './token-request.js';
import type { JamfApi, JamfServerInfo } from './types.js';
import { normaliseBaseUrl } from './url.js';
import * as groups from './groups.js';
import * as users from './users.js';

export interface JamfClientOptions {
  /** `JAMF_URL`; trailing slashes dropped, port and path prefix kept (jamf-pro-api.md §7.3). */
  baseUrl: string;
  /** OAuth client credentials (§1.1); preferred. */
  clientId?: string;
  clientSecret?: string;
  /** Basic credentials for the older `/api/v1/auth/token` flow (§1.2), used when no client id is set. */
  username?: string;
  password?: string;
  /**
   * Tried first; default `/api/v1/oauth/token` (the spelling in the served schema, §1.1). A 404
   * falls back to the other spelling (token-path.ts).
   */
  tokenPath?: string;
  /** Calls in flight to Jamf, token requests included. Default 5 (§5). */
  maxConcurrency?: number;
  /**
   * Makes the limiter of `maxConcurrency` slots; default: this process's own. Replicas on one
   * database pass a budget they share (Coordination.jamfLimiter), so together they stay within it.
   */
  limiter?: (max: number) => Limiter;
  /** Per attempt, headers and body together. Default 15000. */
  timeoutMs?: number;
  /**
   * Per attempt of the unpaged Classic lists (`GET /JSSResource/users`, `/usergroups`), which take
   * longer the more users a tenant has (§11). Default 120000; never below `timeoutMs`.
   */
  listTimeoutMs?: number;
  /** Repeats after a retryable failure. Default 3. */
  retries?: number;
  /** Backoff base for full jitter: random() × base × 2^retry, capped at 10 s. Default 200. */
  retryBaseMs?: number;
  /** No retry starts later than this after a call's first attempt. Default 15000. */
  retryWindowMs?: number;
  /** Refresh the token this long before it expires; default min(30 s, 10 % of its lifetime). */
  refreshSkewSeconds?: number;
  /** How long a call Jamf refused for a missing privilege gets no new token on a 401. Default 5 minutes. */
  privilegeHoldMs?: number;
  logger: Logger;
  /** Clock for token expiry (ms since epoch). */
  now?: () => number;
  /** Used for backoff pauses; tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** One event per HTTP attempt, for metrics. */
  onCall?: (e: CallEvent) => void;
  onTokenRefresh?: () => void;
}

export interface JamfClient extends JamfApi {
  /** Resolves once a token is held (cached or freshly obtained); for readiness checks. */
  checkToken(): Promise<void>;
  /** The path that issues tokens: the one that answered, else the one tried first. */
  tokenPath(): string;
  /** Privileges Jamf Pro refused this server's API client, until a refused call succeeds. */
  missingPrivileges(): MissingPrivilege[];
  /** Rejects queued calls, lets running ones finish, closes the connections. */
  close(): Promise<void>;
  stats(): LimiterStats;
}

function credentialsFrom(options: JamfClientOptions): JamfCredentials {
  if (options.clientId !== undefined && options.clientId !== '') {
    if (options.clientSecret === undefined || options.clientSecret === '') {
      throw new TypeError('JAMF_CLIENT_SECRET is required with JAMF_CLIENT_ID');
    }
    const tokenPath = options.tokenPath ?? V1_TOKEN_PATH;
    return {
      kind: 'client',
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      tokenPath: createTokenPath(tokenPath.startsWith('/') ? tokenPath : `/${tokenPath}`),
    };
  }
  if (options.username !== undefined && options.username !== '' && options.password !== undefined && options.password !== '') {
    return { kind: 'basic', username: options.username, password: options.password };
  }
  throw new TypeError('Jamf credentials missing: set JAMF_CLIENT_ID and JAMF_CLIENT_SECRET (or JAMF_USERNAME and JAMF_PASSWORD)');
}

function positiveInt(value: number | undefined, fallback: number, name: string, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

export function createJamfClient(options: JamfClientOptions): JamfClient {
  const base = normaliseBaseUrl(options.baseUrl);
  const credentials = credentialsFrom(options);
  const maxConcurrency = positiveInt(options.maxConcurrency, 5, 'maxConcurrency');
  const timeoutMs = positiveInt(options.timeoutMs, 15_000, 'timeoutMs');
  const listTimeoutMs = Math.max(timeoutMs, positiveInt(options.listTimeoutMs, 120_000, 'listTimeoutMs'));
  const retries = positiveInt(options.retries, 3, 'retries', 0);
  const retryBaseMs = positiveInt(options.retryBaseMs, 200, 'retryBaseMs', 0);
  const now = options.now ?? Date.now;
  const logger = options.logger.child({ component: 'jamf' });

  // The limiter, not the pool, enforces the bound (with a visible FIFO queue); the pool just has
  // as many keep-alive connections as calls can be in flight.
  const pool = new Pool(base.origin, {
    connections: maxConcurrency,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: timeoutMs },
  });
  const limiter = options.limiter?.(maxConcurrency) ?? createLimiter(maxConcurrency);
  const refusals = createPrivilegeRefusals({
    logger,
    now,
    ...(options.privilegeHoldMs === undefined ? {} : { holdMs: options.privilegeHoldMs }),
  });
  const core = createHttpCore({
    base,
    dispatcher: pool,
    limiter,
    timeoutMs,
    retries,
    retryBaseMs,
    ...(options.retryWindowMs === undefined ? {} : { retryWindowMs: options.retryWindowMs }),
    logger,
    now,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    ...(options.onCall === undefined ? {} : { onCall: options.onCall }),
    affinity: createNodeAffinity(now),
    refusals,
  });
  const tokens = createTokenManager({
    fetch: () => requestToken(core, credentials, now, logger),
    now,
    ...(options.refreshSkewSeconds === undefined ? {} : { refreshSkewSeconds: options.refreshSkewSeconds }),
    onRefresh: () => {
      logger.debug('jamf token refreshed');
      options.onTokenRefresh?.();
    },
  });

  const ctx: JamfContext = {
    call: (spec) => core.send(spec, tokens),
    backoff: (retry) => core.backoff(retry),
    pin: (key, result) => core.pin(key, result),
    retries,
    listTimeoutMs,
    logger,
  };

  let info: Promise<JamfServerInfo> | undefined;
  let closing: Promise<void> | undefined;

  return {
    serverInfo() {
      info ??= fetchServerInfo(ctx).catch((err: unknown) => {
        info = undefined;
        throw err;
      });
      return info;
    },
    getUser: (id) => users.getUser(ctx, id),
    getUserByName: (name) => users.getUserByName(ctx, name),
    findUsersByEmail: (email) => users.findUsersByEmail(ctx, email),
    listUsers: () => users.listUsers(ctx),
    pageUsers: (query) => users.pageUsers(ctx, query),
    createUser: (user, opts) => users.createUser(ctx, user, opts),
    updateUser: (id, user) => users.updateUser(ctx, id, user),
    deleteUser: (id) => users.deleteUser(ctx, id),
    listGroups: () => groups.listGroups(ctx),
    getGroup: (id) => groups.getGroup(ctx, id),
    createGroup: (group, opts) => groups.createGroup(ctx, group, opts),
    updateGroup: (id, update) => groups.updateGroup(ctx, id, update),
    deleteGroup: (id) => groups.deleteGroup(ctx, id),
    stats: () => limiter.stats(),
    checkToken: async () => {
      await tokens.get();
    },
    tokenPath: () => (credentials.kind === 'client' ? (credentials.tokenPath.known() ?? credentials.tokenPath.configured) : '/api/v1/auth/token'),
    missingPrivileges: () => refusals.list(),
    close() {
      closing ??= (async () => {
        core.close();
        limiter.drain(new JamfError('unavailable', 'the Jamf client is closed'));
        await pool.close();
      })();
      return closing;
    },
  };
}
