/**
 * The two ways to obtain a bearer token (jamf-pro-api.md §1.1, §1.2). Token requests go through
 * the same limiter as every other call (counted in maxConcurrency, but ahead of the queue), so
 * Jamf never sees more than maxConcurrency connections from this server.
 */
import type { Logger } from 'pino';
import { JamfError, isJamfError } from './errors.js';
import type { CallResult, HttpCore } from './http-core.js';
import type { IssuedToken } from './token-manager.js';
import type { TokenPath } from './token-path.js';

export type JamfCredentials =
  | { kind: 'client'; clientId: string; clientSecret: string; tokenPath: TokenPath }
  | { kind: 'basic'; username: string; password: string };

const BASIC_TOKEN_PATH = '/api/v1/auth/token';

/** User tokens last 30 minutes (§1.2, DOC-1029); used when `expires` cannot be read. */
const USER_TOKEN_LIFETIME_MS = 30 * 60_000;

function parseJson(body: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function rejected(creds: JamfCredentials, err: JamfError): JamfError {
  // Never the secret or password; the client id / username tells the admin which credentials to fix.
  const who =
    creds.kind === 'client'
      ? `the API client credentials (client id ${JSON.stringify(creds.clientId)})`
      : `the username and password of ${JSON.stringify(creds.username)}`;
  return new JamfError('unauthorized', `Jamf Pro rejected ${who}: ${err.message}`, err.status, err.route);
}

/** §1.1: bad client credentials answer 400 invalid_client (401 on some servers); §1.2: 401. */
function isRejection(err: unknown): err is JamfError {
  return isJamfError(err) && (err.status === 401 || (err.status === 400 && /invalid_(client|grant)/.test(err.message)));
}

async function requestClientToken(
  core: HttpCore,
  creds: Extract<JamfCredentials, { kind: 'client' }>,
  logger: Logger | undefined,
): Promise<IssuedToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret }).toString();
  const notServed: string[] = [];
  for (const path of creds.tokenPath.candidates()) {
    let res: CallResult;
    try {
      res = await core.send({
        method: 'POST',
        route: path,
        path,
        accept: 'application/json',
        body: form,
        contentType: 'application/x-www-form-urlencoded',
        // Asking twice for a token has no side effect worth avoiding.
        idempotent: true,
        urgent: true,
        // A 404 is Jamf's answer to a route it does not serve (token-path.ts): try the other spelling.
        allow: [404],
      });
    } catch (err) {
      // The endpoint is there, it refused the credentials: the other spelling would too.
      if (isRejection(err)) creds.tokenPath.answered(path);
      throw err;
    }
    if (res.status === 404) {
      notServed.push(path);
      continue;
    }
    if (creds.tokenPath.known() !== path) {
      creds.tokenPath.answered(path);
      if (notServed.length > 0) {
        logger?.warn({ jamf: { tokenPath: path, notServed } }, `jamf token path ${notServed.join(' and ')} answered 404; ${path} answers and is used from now on (set JAMF_TOKEN_PATH=${path} to skip the 404)`);
      }
    }
    const json = parseJson(res.body);
    const token = json['access_token'];
    const expiresIn = Number(json['expires_in']);
    if (typeof token !== 'string' || token === '' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new JamfError('server', 'Jamf Pro answered the token request without access_token/expires_in', res.status, `POST ${path}`);
    }
    return { token, lifetimeMs: expiresIn * 1000 };
  }
  // 'unauthorized': no token can be had, which readiness and the SCIM answers treat as this server's
  // configuration, never as "not found".
  throw new JamfError(
    'unauthorized',
    `Jamf Pro answered 404 at ${notServed.length === 2 ? 'both token paths' : 'every token path'} (${notServed.join(', ')}): check JAMF_URL, which must be the Jamf Pro base URL (e.g. https://example.jamfcloud.com, or https://jamf.example.com:8443 with the path prefix of an on-premises server), without /api or /JSSResource`,
    404,
    `POST ${creds.tokenPath.configured}`,
  );
}

export async function requestToken(core: HttpCore, creds: JamfCredentials, now: () => number, logger?: Logger): Promise<IssuedToken> {
  const route = BASIC_TOKEN_PATH;
  try {
    if (creds.kind === 'client') return await requestClientToken(core, creds, logger);

    const basic = Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64');
    const requestedAt = now();
    const res = await core.send({
      method: 'POST',
      route,
      path: route,
      accept: 'application/json',
      authorization: `Basic ${basic}`,
      idempotent: true,
      urgent: true,
    });
    const json = parseJson(res.body);
    const token = json['token'];
    if (typeof token !== 'string' || token === '') {
      throw new JamfError('server', 'Jamf Pro answered the token request without a token', res.status, `POST ${route}`);
    }
    // `expires` is an ISO-8601 string (AuthTokenV1, §1.2); not the epoch millis of the deprecated /auth.
    const expires = typeof json['expires'] === 'string' ? Date.parse(json['expires']) : NaN;
    const lifetimeMs = Number.isFinite(expires) && expires > requestedAt ? expires - requestedAt : USER_TOKEN_LIFETIME_MS;
    return { token, lifetimeMs };
  } catch (err) {
    if (isRejection(err)) throw rejected(creds, err);
    throw err;
  }
}
