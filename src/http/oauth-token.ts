import { createHash, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SignJWT, jwtVerify } from 'jose';
import type { AuthThrottlePort } from '../coord/types.js';
import { CLOCK_TOLERANCE_SECONDS, type JwtCheck } from './jwt-auth.js';

/** The one OAuth client this server knows: the IdP's provisioning connector. */
export interface OAuthClientOptions {
  clientId: string;
  clientSecret: string;
  /** `expires_in` of every access token, in seconds. */
  tokenLifetimeSeconds: number;
}

export const OAUTH_TOKEN_PATH = '/oauth/token';
/** `iss` and `aud` of the tokens this server issues; fixed, so every replica issues and accepts the same. */
export const ISSUED_TOKEN_ISSUER = 'urn:jamf-scim:oauth';
export const ISSUED_TOKEN_AUDIENCE = 'urn:jamf-scim:scim';
/** RFC 9068 §2.1: the `typ` of a JWT access token, so no other JWT signed with the key passes as one. */
const ACCESS_TOKEN_TYP = 'at+jwt';

type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * The HS256 key is derived from the client secret (HKDF, RFC 5869), so replicas that share the
 * secret accept each other's tokens without another setting, and rotating the secret revokes
 * every token issued under the old one.
 */
function signingKey(clientSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', clientSecret, 'jamf-scim', 'oauth access token HS256', 32));
}

/** Issues and verifies this server's own access tokens (RFC 6749 §4.4 client credentials grant). */
export function createTokenIssuer(options: OAuthClientOptions, now: () => Date) {
  const key = signingKey(options.clientSecret);
  const expectedId = digest(options.clientId);
  const expectedSecret = digest(options.clientSecret);

  const check: JwtCheck = {
    issuer: ISSUED_TOKEN_ISSUER,
    credential: `oauth:${options.clientId}`,
    verify: async (token, at) => {
      await jwtVerify(token, key, {
        issuer: ISSUED_TOKEN_ISSUER,
        audience: ISSUED_TOKEN_AUDIENCE,
        subject: options.clientId,
        algorithms: ['HS256'],
        typ: ACCESS_TOKEN_TYP,
        currentDate: at,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'jti'],
      });
    },
  };

  return {
    check,
    /** Both compared in constant time, and both always, so timing tells nothing about which was wrong. */
    clientMatches(clientId: string, clientSecret: string): boolean {
      const idOk = timingSafeEqual(digest(clientId), expectedId);
      const secretOk = timingSafeEqual(digest(clientSecret), expectedSecret);
      return idOk && secretOk;
    },
    async issue(): Promise<{ token: string; jti: string; expiresIn: number }> {
      const iat = Math.floor(now().getTime() / 1000);
      const jti = randomUUID();
      const token = await new SignJWT({ client_id: options.clientId })
        .setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYP })
        .setIssuer(ISSUED_TOKEN_ISSUER)
        .setAudience(ISSUED_TOKEN_AUDIENCE)
        .setSubject(options.clientId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + options.tokenLifetimeSeconds)
        .setJti(jti)
        .sign(key);
      return { token, jti, expiresIn: options.tokenLifetimeSeconds };
    },
  };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined with ':' and base64-encoded. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | 'malformed' | undefined {
  const match = /^basic\s+(\S+)\s*$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

function sendOAuthError(reply: FastifyReply, status: number, error: OAuthErrorCode, description: string) {
  // RFC 6749 §5.2: JSON with `error` and a human-readable `error_description`.
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .type('application/json; charset=utf-8')
    .send({ error, error_description: description });
}

export interface TokenRouteDeps {
  issuer: TokenIssuer;
  throttle: AuthThrottlePort;
  authFailureLimit: number;
}

/**
 * `POST /oauth/token` at the server root, outside `/scim/v2` and without a SCIM token: the IdP
 * trades the client id and secret for an access token it then sends as `Authorization: Bearer`.
 * A wrong client counts as a failed authentication in the same throttle as a wrong SCIM token.
 */
export async function registerOAuthTokenRoute(app: FastifyInstance, deps: TokenRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    // RFC 6749 §4.4.2: the request is `application/x-www-form-urlencoded`. Any other body is
    // kept as "not a form" and refused as invalid_request by the route, in OAuth's error format.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, new URLSearchParams(body as string));
    });
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, 'not a form'));
    scope.setErrorHandler((err: { statusCode?: number }, request, reply) => {
      const status = err.statusCode ?? 500;
      if (status >= 500) {
        request.log.error({ err }, 'token request failed');
        return reply.code(500).header('cache-control', 'no-store').send({ error: 'server_error' });
      }
      return sendOAuthError(reply, 400, 'invalid_request', 'The token request could not be read');
    });

    scope.post(OAUTH_TOKEN_PATH, { bodyLimit: 16 * 1024 }, async (request, reply) => handleTokenRequest(request, reply, deps));
  });
}

async function handleTokenRequest(request: FastifyRequest, reply: FastifyReply, deps: TokenRouteDeps) {
  const form = request.body;
  if (!(form instanceof URLSearchParams)) {
    return sendOAuthError(reply, 400, 'invalid_request', 'The body must be application/x-www-form-urlencoded');
  }
  // RFC 6749 §3.2: parameters must not be included more than once.
  const repeated = [...new Set(form.keys())].find((k) => form.getAll(k).length > 1);
  if (repeated !== undefined) return sendOAuthError(reply, 400, 'invalid_request', `Parameter ${repeated} is repeated`);

  const basic = basicCredentials(request.headers.authorization);
  const formId = form.get('client_id') ?? undefined;
  const formSecret = form.get('client_secret') ?? undefined;
  // RFC 6749 §2.3: a client must not use more than one authentication method in a request.
  if (basic !== undefined && formSecret !== undefined) {
    return sendOAuthError(reply, 400, 'invalid_request', 'Use either HTTP Basic or client_secret in the body, not both');
  }
  const presented =
    basic !== undefined && basic !== 'malformed'
      ? basic
      : basic === undefined && formId !== undefined && formSecret !== undefined
        ? { id: formId, secret: formSecret }
        : undefined;
  const ok =
    presented !== undefined &&
    (formId === undefined || formId === presented.id) &&
    deps.issuer.clientMatches(presented.id, presented.secret);

  if (!ok) {
    const credentials = basic === undefined && formSecret === undefined ? 'missing' : 'invalid';
    const wait = await deps.throttle.retryAfter(request.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendOAuthError(reply, 429, 'invalid_client', 'Too many failed authentication attempts from this address; retry later');
    }
    const failures = await deps.throttle.fail(request.ip);
    request.log.warn({ ip: request.ip, endpoint: 'token', credentials, failures, limit: deps.authFailureLimit }, 'authentication failed');
    // RFC 6749 §5.2: 401 with the scheme the client may use (RFC 7235 §3.1 requires the challenge on every 401).
    reply.header('www-authenticate', 'Basic realm="jamf-scim", charset="UTF-8"');
    return sendOAuthError(reply, 401, 'invalid_client', 'Client authentication failed');
  }

  const grantType = form.get('grant_type');
  if (grantType === null || grantType === '') return sendOAuthError(reply, 400, 'invalid_request', 'grant_type is required');
  if (grantType !== 'client_credentials') {
    return sendOAuthError(reply, 400, 'unsupported_grant_type', 'Only the client_credentials grant is supported');
  }

  const issued = await deps.issuer.issue();
  request.log.info({ jti: issued.jti, expiresIn: issued.expiresIn }, 'oauth access token issued');
  // RFC 6749 §5.1: the token response must not be cached.
  return reply
    .code(200)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .type('application/json; charset=utf-8')
    .send({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn });
}
