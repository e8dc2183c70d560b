import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` (or a bare token, which some Okta templates and Entra
 * guides produce) against the configured tokens. Every token is compared, each in constant time
 * over equal-length digests, so neither timing nor length tells a caller how close a guess was.
 */
export function createTokenCheck(tokens: readonly string[]) {
  const expected = tokens.map(digest);
  return function isAuthorized(header: string | undefined): boolean {
    if (header === undefined) return false;
    const trimmed = header.trim();
    const presented = /^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '').trim() : trimmed;
    if (presented === '') return false;
    const got = digest(presented);
    let ok = false;
    for (const e of expected) ok = timingSafeEqual(e, got) || ok;
    return ok;
  };
}
