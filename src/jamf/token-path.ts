/**
 * Which path issues OAuth tokens. Two spellings are in current use (jamf-pro-api.md §1.1, §11):
 * `/api/v1/oauth/token` is the only one in the served Jamf Pro API schema (11.23.2 … 11.30.1),
 * while Jamf's admin guide, Jamf's MUT and ruby-jss use `/api/oauth/token`; in which release `/v1/`
 * first appeared is not public. So the configured path is tried first, a 404 falls back to the
 * other spelling, and the one that answered is kept for the life of the process (refreshes too).
 */

export const V1_TOKEN_PATH = '/api/v1/oauth/token';
export const LEGACY_TOKEN_PATH = '/api/oauth/token';

export interface TokenPath {
  /** Paths to try, in order: the one that answered before (if any), the configured one, the other spelling. */
  candidates(): readonly string[];
  /** `path` answered (it exists): try it first from now on. */
  answered(path: string): void;
  /** The path that answered, once one has. */
  known(): string | undefined;
  readonly configured: string;
}

export function createTokenPath(configured: string): TokenPath {
  const order = [configured, ...[V1_TOKEN_PATH, LEGACY_TOKEN_PATH].filter((p) => p !== configured)];
  let found: string | undefined;
  return {
    configured,
    // A kept path still falls back: a later upgrade could drop a spelling.
    candidates: () => (found === undefined ? order : [found, ...order.filter((p) => p !== found)]),
    answered(path) {
      found = path;
    },
    known: () => found,
  };
}
