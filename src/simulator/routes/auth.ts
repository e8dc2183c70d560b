import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { basicCredentials, bearerToken, rawBody } from '../request-input.js';
import type { SimContext } from '../context.js';
import { SimError } from '../errors.js';
import { jamfRoute } from '../route-meta.js';
import type { IssuedToken, TokenKind } from '../tokens.js';

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

export function authRoutes(app: FastifyInstance, ctx: SimContext): void {
  // Jamf Cloud pins a node with this cookie (§5); the simulator is one node, so one value.
  const ingressCookie = `jpro-ingress=${randomBytes(8).toString('hex')}; Path=/; HttpOnly`;

  const lifetimeMs = (kind: TokenKind): number =>
    kind === 'user' ? USER_TOKEN_LIFETIME_MS : ctx.knobs.tokenLifetimeSeconds * 1000;

  // Both spellings are in current use (§1.1), so both are served.
  for (const url of ['/api/oauth/token', '/api/v1/oauth/token']) {
    app.post(url, jamfRoute({ api: 'token', public: true }), async (request, reply) => {
      const form = new URLSearchParams(rawBody(request));
      const grantType = form.get('grant_type');
      if (!grantType) throw oauthError('invalid_request', 'OAuth 2.0 Parameter: grant_type');
      if (grantType !== 'client_credentials') throw oauthError('unsupported_grant_type', 'OAuth 2.0 Parameter: grant_type');
      const { clientId, clientSecret } = ctx.credentials;
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        throw oauthError('invalid_client', 'Client authentication failed');
      }
      const scope = form.get('scope');
      if (scope && scope.split(/\s+/).some((s) => s !== '' && s !== SCOPE)) {
        throw oauthError('invalid_scope', 'OAuth 2.0 Parameter: scope');
      }
      const issued = ctx.tokens.issue('client', lifetimeMs('client'));
      reply.header('set-cookie', ingressCookie).header('cache-control', 'no-store');
      return { access_token: issued.token, token_type: 'Bearer', scope: SCOPE, expires_in: ctx.knobs.tokenLifetimeSeconds };
    });
  }

  app.post('/api/v1/auth/token', jamfRoute({ api: 'token', public: true }), async (request, reply) => {
    const basic = basicCredentials(request);
    if (basic?.username !== ctx.credentials.username || basic.password !== ctx.credentials.password) {
      // [U] body: an ApiError without entries, as tenants answer bad credentials.
      throw new SimError(401, 'Unauthorized', { json: { httpStatus: 401, errors: [] } });
    }
    reply.header('set-cookie', ingressCookie);
    return authTokenV1(ctx.tokens.issue('user', lifetimeMs('user')));
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
    return authTokenV1(ctx.tokens.issue(grant.kind, lifetimeMs(grant.kind)));
  });

  app.post('/api/v1/auth/invalidate-token', jamfRoute({ api: 'token' }), async (request, reply) => {
    ctx.tokens.revoke(currentGrant(request).token);
    return reply.code(204).send();
  });
}
