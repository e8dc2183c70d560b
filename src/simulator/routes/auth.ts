/**
 * Jamf Pro's front door: the token endpoints (§1), and what Jamf Cloud's balancer and list
 * building add to every call: the node cookie (§5) and the time the unpaged lists take (§11).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { basicCredentials, bearerToken, rawBody } from '../request-input.js';
import type { SimContext } from '../context.js';
import { SimError } from '../errors.js';
import { jamfRoute, routeMeta } from '../route-meta.js';
import type { IssuedToken, TokenKind } from '../tokens.js';
import type { TokenPaths } from '../types.js';
import { registeredClientToken } from '../api-access.js';

/** The admin account's privileges; undefined = full access (the `accountPrivileges` knob). */
const accountPrivileges = (ctx: SimContext): readonly string[] | undefined =>
  ctx.knobs.accountPrivileges === 'all' ? undefined : ctx.knobs.accountPrivileges;

/** User bearer tokens last 30 minutes (jamf-pro-api.md §1.2). */
export const USER_TOKEN_LIFETIME_MS = 30 * 60 * 1000;

/** The only role the simulated API client holds. */
const SCOPE = 'api-role:1';

/** RFC 6749 §5.2 error body, as in Jamf's `OAuthTokenEndpointErrorResponse` (§1.1). */
const oauthError = (error: string, description: string): SimError =>
  new SimError(400, description, { json: { error, error_description: description } });

function authTokenV1(issued: IssuedToken): { token: string; expires: string } {
  return { token: issued.token, expires: new Date(issued.expiresAt).toISOString() };
}

const TOKEN_PATHS: ReadonlyArray<{ url: string; servedBy: readonly TokenPaths[] }> = [
  { url: '/api/v1/oauth/token', servedBy: ['both', 'v1-only'] },
  { url: '/api/oauth/token', servedBy: ['both', 'legacy-only'] },
];

const LISTS: Readonly<Record<string, (ctx: SimContext) => number>> = {
  '/JSSResource/users': (ctx) => ctx.state.users.size,
  '/JSSResource/usergroups': (ctx) => ctx.state.groups.size,
};

const INGRESS = /(?:^|;\s*)jpro-ingress=/;

/**
 * Jamf Cloud's balancer names a node in the `jpro-ingress` cookie of a response to a request that
 * carries none (§5; DOC-STICKY). The simulator is one node, but every such response gets a value
 * of its own, so a test can tell which response's cookie a client sends back, and on which calls.
 */
function balancerCookie(app: FastifyInstance): void {
  // Distinct per response without a random draw each (3 % of a GET's CPU): a random prefix per
  // simulator, then a counter.
  const prefix = randomBytes(4).toString('hex');
  let served = 0;
  app.addHook('onSend', (request, reply, payload, done) => {
    if (routeMeta(request) !== undefined && !INGRESS.test(request.headers.cookie ?? '')) {
      served = (served + 1) % 0x1_0000_0000;
      reply.header('set-cookie', `jpro-ingress=${prefix}${served.toString(16).padStart(8, '0')}; Path=/; HttpOnly`);
    }
    done(null, payload);
  });
}

/** The `listLatencyPerThousandMs` knob: how much longer than other calls this unpaged list takes. */
export function listDelayMs(ctx: SimContext, request: FastifyRequest): number {
  const perThousand = ctx.knobs.listLatencyPerThousandMs;
  if (perThousand === 0 || request.method !== 'GET') return 0;
  const records = LISTS[request.routeOptions.url ?? '']?.(ctx);
  return records === undefined ? 0 : Math.round((records / 1000) * perThousand);
}

/** The `listLatencyPerThousandMs` knob: the unpaged lists take longer the more records they hold. */
function listLatency(app: FastifyInstance, ctx: SimContext): void {
  const pending = new Map<NodeJS.Timeout, (err: Error) => void>();
  // A callback hook: the common case (no delay) should not cost a promise per call.
  app.addHook('preHandler', (request, _reply, done) => {
    const ms = listDelayMs(ctx, request);
    if (ms <= 0) return done();
    const timer = setTimeout(() => {
      pending.delete(timer);
      done();
    }, ms);
    pending.set(timer, (err) => done(err));
  });
  // close() must not wait for a list still being "built".
  app.addHook('onClose', async () => {
    for (const [timer, reject] of pending) {
      clearTimeout(timer);
      reject(new SimError(503));
    }
    pending.clear();
  });
}

export function authRoutes(app: FastifyInstance, ctx: SimContext): void {
  balancerCookie(app);
  listLatency(app, ctx);

  const lifetimeMs = (kind: TokenKind): number =>
    kind === 'user' ? USER_TOKEN_LIFETIME_MS : ctx.knobs.tokenLifetimeSeconds * 1000;

  // Both spellings are in current use (§1.1); the `tokenPaths` knob turns one off.
  for (const { url, servedBy } of TOKEN_PATHS) {
    app.post(url, jamfRoute({ api: 'token', public: true }), async (request, reply) => {
      // The unserved spelling answers as Jamf's unknown routes do (app.ts not-found handler).
      if (!servedBy.includes(ctx.knobs.tokenPaths)) throw new SimError(404, 'Not Found', { code: 'NOT_FOUND' });
      const form = new URLSearchParams(rawBody(request));
      const grantType = form.get('grant_type');
      if (!grantType) throw oauthError('invalid_request', 'OAuth 2.0 Parameter: grant_type');
      if (grantType !== 'client_credentials') throw oauthError('unsupported_grant_type', 'OAuth 2.0 Parameter: grant_type');
      // Clients made through /api/v1/api-integrations (api-access.ts), then the built-in one.
      const registered = registeredClientToken(ctx.state.apiAccess, ctx.tokens, form);
      if (registered) {
        reply.header('cache-control', 'no-store');
        return registered;
      }
      const { clientId, clientSecret } = ctx.credentials;
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        throw oauthError('invalid_client', 'Client authentication failed');
      }
      const scope = form.get('scope');
      if (scope && scope.split(/\s+/).some((s) => s !== '' && s !== SCOPE)) {
        throw oauthError('invalid_scope', 'OAuth 2.0 Parameter: scope');
      }
      const issued = ctx.tokens.issue('client', lifetimeMs('client'));
      reply.header('cache-control', 'no-store');
      return { access_token: issued.token, token_type: 'Bearer', scope: SCOPE, expires_in: ctx.knobs.tokenLifetimeSeconds };
    });
  }

  app.post('/api/v1/auth/token', jamfRoute({ api: 'token', public: true }), async (request) => {
    const basic = basicCredentials(request);
    if (basic?.username !== ctx.credentials.username || basic.password !== ctx.credentials.password) {
      // [U] body: an ApiError without entries, as tenants answer bad credentials.
      throw new SimError(401, 'Unauthorized', { json: { httpStatus: 401, errors: [] } });
    }
    return authTokenV1(ctx.tokens.issue('user', lifetimeMs('user'), { privileges: () => accountPrivileges(ctx) }));
  });

  const currentGrant = (request: FastifyRequest) => {
    const token = bearerToken(request);
    const grant = ctx.grants.get(request);
    if (!token || !grant) throw new SimError(401);
    return { token, grant };
  };

  // §1.3: the old token is invalidated and a fresh one of the same kind returned.
  app.post('/api/v1/auth/keep-alive', jamfRoute({ api: 'token' }), async (request) => {
    const { token, grant } = currentGrant(request);
    ctx.tokens.revoke(token);
    // The new token holds what the old one held (a registered client's roles, a limited account).
    const { privileges, scope } = grant;
    return authTokenV1(ctx.tokens.issue(grant.kind, lifetimeMs(grant.kind), { ...(privileges ? { privileges } : {}), ...(scope ? { scope } : {}) }));
  });

  app.post('/api/v1/auth/invalidate-token', jamfRoute({ api: 'token' }), async (request, reply) => {
    ctx.tokens.revoke(currentGrant(request).token);
    return reply.code(204).send();
  });
}
