/**
 * The two ways to obtain a bearer token (jamf-pro-api.md §1.1, §1.2). Token requests go through
 * the same limiter as every other call (counted in maxConcurrency, but ahead of the queue), so
 * Jamf never sees more than maxConcurrency connections from this server.
 */
import { JamfError, isJamfError } from './errors.js';
import type { HttpCore } from './http-core.js';
import type { IssuedToken } from './token-manager.js';

export type JamfCredentials =
  | { kind: 'client'; clientId: string; clientSecret: string; tokenPath: string }
  | { kind: 'basic'; username: string; password: string };

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

export async function requestToken(core: HttpCore, creds: JamfCredentials, now: () => number): Promise<IssuedToken> {
  const route = creds.kind === 'client' ? creds.tokenPath : '/api/v1/auth/token';
  try {
    if (creds.kind === 'client') {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: creds.clientId,
        client_secret: creds.clientSecret,
      });
      const res = await core.send({
        method: 'POST',
        route,
        path: route,
        accept: 'application/json',
        body: form.toString(),
        contentType: 'application/x-www-form-urlencoded',
        // Asking twice for a token has no side effect worth avoiding.
        idempotent: true,
        urgent: true,
      });
      const json = parseJson(res.body);
      const token = json['access_token'];
      const expiresIn = Number(json['expires_in']);
      if (typeof token !== 'string' || token === '' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
        throw new JamfError('server', 'Jamf Pro answered the token request without access_token/expires_in', res.status, `POST ${route}`);
      }
      return { token, lifetimeMs: expiresIn * 1000 };
    }

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
    // §1.1: bad client credentials answer 400 invalid_client (401 on some servers); §1.2: 401.
    if (isJamfError(err) && (err.status === 401 || (err.status === 400 && /invalid_(client|grant)/.test(err.message)))) {
      throw rejected(creds, err);
    }
    throw err;
  }
}
