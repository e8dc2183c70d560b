import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { ScimError } from '../scim/index.js';
import { createNamedTokenCheck, presentedToken, type AuthResult } from './auth.js';
import type { ScimToken, ScimTokenSet } from '../scim-tokens.js';

/** What a SCIM request's credentials came to; `reason` (never the token) is for the log. */
export interface AuthOutcome {
  result: AuthResult;
  reason?: string;
  /** Which credential a valid request came with: the static token's name, or the JWT check's. */
  credential?: string;
}

/** Verifies the JWTs of one issuer: `verify` resolves when one is accepted, rejects with jose's error otherwise. */
export interface JwtCheck {
  issuer: string;
  /** What the audit trail records for a request with one of these tokens. */
  credential: string;
  verify(token: string, now: Date): Promise<void>;
}

/** Tokens signed by the IdP itself (Entra's provisioning service, Okta), checked against its published keys. */
export interface IdpTokenOptions {
  issuer: string;
  audience: string;
  /** The IdP's JWKS endpoint; fetched on first use, cached, and fetched again for an unknown `kid`. */
  jwksUrl?: string;
  /** A fixed key set instead of `jwksUrl` (an IdP without a reachable JWKS endpoint). */
  keys?: JSONWebKeySet;
  /** Least time between two JWKS fetches (jose's `cooldownDuration`); default 30 s. */
  jwksCooldownMs?: number;
}

/**
 * Clock skew allowed on `exp`/`nbf`/`iat` (RFC 7519 §4.1.4 "MAY provide for some small leeway"):
 * the IdP's clock, and every replica's, is not this one's.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Only asymmetric algorithms: a JWKS holds public keys, and accepting HS* here would let anyone
 * who knows a public key sign with it as an HMAC secret (RFC 8725 §2.1, §3.1).
 */
const IDP_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

export function createIdpTokenCheck(options: IdpTokenOptions): JwtCheck {
  let keys: JWTVerifyGetKey;
  if (options.keys !== undefined) keys = createLocalJWKSet(options.keys);
  else if (options.jwksUrl !== undefined)
    keys = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: options.jwksCooldownMs ?? 30_000, timeoutDuration: 5_000 });
  else throw new Error('an IdP token check needs jwksUrl or keys');
  return {
    issuer: options.issuer,
    credential: `jwt:${options.issuer}`,
    verify: async (token, now) => {
      await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: IDP_ALGORITHMS,
        currentDate: now,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      });
    },
  };
}

/**
 * A JWKS document (RFC 7517 §5) of public keys. Private members (`d`, `k`, …) are refused: a file
 * holding them is a leaked secret, and an `oct` key would be a shared secret, not a public key.
 */
export function parsePublicKeys(text: string): JSONWebKeySet {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('is not JSON (expected a JWKS document: {"keys": [...]})');
  }
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'object' && k !== null && typeof (k as { kty?: unknown }).kty === 'string')) {
    throw new Error('must be a JWKS document with at least one key: {"keys": [{"kty": ...}]}');
  }
  if (keys.some((k: Record<string, unknown>) => k.kty === 'oct' || 'd' in k)) throw new Error('must hold public keys only');
  return { keys } as JSONWebKeySet;
}

/** A JWS in compact serialization (RFC 7515 §7.1): three base64url parts. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The IdP's keys could not be had (JWKS endpoint down, slow, or answering garbage). That says
 * nothing about the token, so it must not become a 401, which the IdP would blame on its own
 * credentials and show to the admin as a wrong token.
 */
function keySourceFailed(err: unknown): boolean {
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return true;
  if (err instanceof errors.JOSEError) return err.code === 'ERR_JOSE_GENERIC';
  return err instanceof TypeError && /fetch/i.test(err.message);
}

/**
 * SCIM request authentication (RFC 7644 §2): a configured static token, else a JWT accepted by
 * one of `jwtChecks` (tokens from `POST /oauth/token`, tokens signed by the IdP). Static tokens
 * are compared first and without any JWT work, so they keep working exactly as before.
 */
export function createBearerAuth(options: { tokens: ScimTokenSet | readonly (string | ScimToken)[]; jwtChecks: readonly JwtCheck[]; now: () => Date }) {
  const staticCheck = createNamedTokenCheck(options.tokens);
  // Synchronous when the static tokens decide, so the IdP's requests wait on no promise.
  return function authenticate(header: string | undefined): AuthOutcome | Promise<AuthOutcome> {
    const result = staticCheck(header);
    if (typeof result !== 'string') return result;
    if (result !== 'invalid' || options.jwtChecks.length === 0) return { result };
    return verifyJwt(presentedToken(header) as string);
  };

  async function verifyJwt(token: string): Promise<AuthOutcome> {
    if (token.length > 16_384 || !COMPACT_JWS.test(token)) return { result: 'invalid', reason: 'not a configured token' };
    // The unverified `iss` only picks the verifier; the verifier checks it again with the signature.
    // Picking first means one issuer's key source being down never decides another issuer's token.
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      return { result: 'invalid', reason: 'malformed JWT' };
    }
    const check = options.jwtChecks.find((c) => c.issuer === issuer);
    if (check === undefined) return { result: 'invalid', reason: 'JWT from an issuer that is not configured' };
    try {
      await check.verify(token, options.now());
      return { result: 'valid', credential: check.credential };
    } catch (err) {
      if (keySourceFailed(err)) {
        const unavailable = new ScimError(503, "The identity provider's signing keys could not be fetched; retry later");
        unavailable.retryAfterSeconds = 30;
        throw unavailable;
      }
      // jose's messages name the failed check (`"exp" claim timestamp check failed`, `unexpected
      // "aud" claim value`, no matching key), never the token's contents.
      return { result: 'invalid', reason: err instanceof Error ? err.message : 'JWT rejected' };
    }
  }
}
