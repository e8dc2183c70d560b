import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Distinct valid Authorization headers remembered; a few tokens in a few spellings each. */
const MAX_ACCEPTED_HEADERS = 32;

/** `missing`: no credentials at all; `invalid`: credentials that match no configured token. */
export type AuthResult = 'valid' | 'missing' | 'invalid';

/** The credential of `Authorization: Bearer <token>` or of a bare token; undefined when none was sent. */
export function presentedToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  const presented = /^bearer(\s+|$)/i.test(trimmed) ? trimmed.replace(/^bearer/i, '').trim() : trimmed;
  return presented === '' ? undefined : presented;
}

/**
 * Checks `Authorization: Bearer <token>` (or a bare token, which some Okta templates and Entra
 * guides produce) against the configured tokens. Every token is compared, each in constant time
 * over equal-length digests, so neither timing nor length tells a caller how close a guess was.
 */
export function createTokenCheck(tokens: readonly string[]) {
  const expected = tokens.map(digest);
  // Authorization headers already found valid, so the IdP's requests skip the digest (a SHA-256
  // per request). Only valid headers are kept: a header that is not in it goes through the
  // comparison above, whatever it holds, and a caller cannot grow it. The lookup hashes the
  // whole header and compares strings only on a hash match, so its time tells nothing about how
  // close a guess is. Bounded because header spelling (`Bearer`/`bearer`, spaces) varies.
  const accepted = new Set<string>();
  return function check(header: string | undefined): AuthResult {
    if (header !== undefined && accepted.has(header)) return 'valid';
    const presented = presentedToken(header);
    if (presented === undefined) return 'missing';
    const got = digest(presented);
    let ok = false;
    for (const e of expected) ok = timingSafeEqual(e, got) || ok;
    if (!ok) return 'invalid';
    if (accepted.size >= MAX_ACCEPTED_HEADERS) accepted.clear();
    accepted.add(header as string);
    return 'valid';
  };
}

/**
 * The challenge every 401 carries (RFC 7235 §3.1). RFC 6750 §3: a request without credentials
 * gets the bare scheme, one with a wrong or malformed token gets `error="invalid_token"` (§3.1).
 */
export function bearerChallenge(result: Exclude<AuthResult, 'valid'>): string {
  return result === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"';
}
