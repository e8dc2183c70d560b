import { createHash, timingSafeEqual } from 'node:crypto';
import { createScimTokenSet, type ScimToken, type ScimTokenSet } from '../scim-tokens.js';

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

/** A valid static token: the name the audit trail records for it. */
export interface TokenMatch {
  readonly result: 'valid';
  readonly credential: string;
}

/**
 * Checks `Authorization: Bearer <token>` (or a bare token, which some Okta templates and Entra
 * guides produce) against the configured tokens and answers which one matched. Every token is
 * compared, each in constant time over equal-length digests, so neither timing nor length tells
 * a caller how close a guess was. A replaced token set (rotation) takes effect at once: the
 * remembered headers are forgotten with the old tokens.
 */
export function createNamedTokenCheck(set: ScimTokenSet | readonly (string | ScimToken)[]) {
  const source = Array.isArray(set) ? createScimTokenSet(set as readonly (string | ScimToken)[]) : (set as ScimTokenSet);
  let expected: Array<{ digest: Buffer; match: TokenMatch }> = [];
  // Authorization headers already found valid, so the IdP's requests skip the digest (a SHA-256
  // per request). Only valid headers are kept: a header that is not in it goes through the
  // comparison above, whatever it holds, and a caller cannot grow it. The lookup hashes the
  // whole header and compares strings only on a hash match, so its time tells nothing about how
  // close a guess is. Bounded because header spelling (`Bearer`/`bearer`, spaces) varies.
  const accepted = new Map<string, TokenMatch>();
  const load = () => {
    expected = source.list().map((t) => ({ digest: digest(t.token), match: Object.freeze({ result: 'valid' as const, credential: t.name }) }));
    accepted.clear();
  };
  load();
  source.onChange(load);
  return function check(header: string | undefined): TokenMatch | Exclude<AuthResult, 'valid'> {
    if (header !== undefined) {
      const known = accepted.get(header);
      if (known !== undefined) return known;
    }
    const presented = presentedToken(header);
    if (presented === undefined) return 'missing';
    const got = digest(presented);
    let found: TokenMatch | undefined;
    for (const e of expected) if (timingSafeEqual(e.digest, got) && found === undefined) found = e.match;
    if (found === undefined) return 'invalid';
    if (accepted.size >= MAX_ACCEPTED_HEADERS) accepted.clear();
    accepted.set(header as string, found);
    return found;
  };
}

/** The same check answering only whether the token is valid (the metrics token). */
export function createTokenCheck(tokens: readonly string[]) {
  const named = createNamedTokenCheck(tokens);
  return function check(header: string | undefined): AuthResult {
    const verdict = named(header);
    return typeof verdict === 'string' ? verdict : 'valid';
  };
}

/**
 * The challenge every 401 carries (RFC 7235 §3.1). RFC 6750 §3: a request without credentials
 * gets the bare scheme, one with a wrong or malformed token gets `error="invalid_token"` (§3.1).
 */
export function bearerChallenge(result: Exclude<AuthResult, 'valid'>): string {
  return result === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"';
}
