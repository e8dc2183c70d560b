import { randomBytes, randomUUID } from 'node:crypto';

/** `client` = OAuth client credentials (§1.1); `user` = Basic-derived bearer token (§1.2). */
export type TokenKind = 'client' | 'user';

export interface TokenGrant {
  kind: TokenKind;
  /** Epoch ms on the simulator's clock. */
  expiresAt: number;
  /**
   * The privileges this token holds, read at each request; absent: the `privileges` knob for
   * client tokens, every privilege for user tokens (privileges.ts hasPrivilege).
   */
  privileges?: () => readonly string[] | undefined;
  /** `api-role:N` entries of the JWT's `scope` claim (§1.1). */
  scope?: string[];
}

/** What a token carries beyond its kind and lifetime. */
export type TokenExtras = Pick<TokenGrant, 'privileges' | 'scope'>;

export interface IssuedToken extends TokenGrant {
  token: string;
}

export interface TokenStore {
  issue(kind: TokenKind, lifetimeMs: number, extras?: TokenExtras): IssuedToken;
  /** The grant of a live token; undefined when unknown, expired or invalidated. */
  check(token: string): TokenGrant | undefined;
  revoke(token: string): void;
  revokeAll(): void;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Tokens look like Jamf's JWTs (claims as in §1.1) but are only ever looked up, never verified:
 * clients must treat them as opaque. Tokens live in memory only; a restarted simulator forgets them.
 */
export function createTokenStore(now: () => number): TokenStore {
  const grants = new Map<string, TokenGrant>();

  const live = (grant: TokenGrant | undefined): grant is TokenGrant => grant !== undefined && now() < grant.expiresAt;

  return {
    issue(kind, lifetimeMs, extras = {}) {
      for (const [token, grant] of grants) if (!live(grant)) grants.delete(token);
      const iat = now();
      const expiresAt = iat + lifetimeMs;
      const claims =
        kind === 'client'
          ? { 'sub-type': 'REGISTERED_CLIENT_ID', 'authentication-type': 'CLIENT_CREDENTIALS', scope: extras.scope ?? ['api-role:1'] }
          : { 'sub-type': 'JSS_USER_ID', 'authentication-type': 'JSS', sub: '1' };
      const payload = { ...claims, jti: randomUUID(), iat: Math.floor(iat / 1000), exp: Math.floor(expiresAt / 1000) };
      const token = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}.${randomBytes(32).toString('base64url')}`;
      const grant: TokenGrant = { kind, expiresAt, ...(extras.privileges ? { privileges: extras.privileges } : {}), ...(extras.scope ? { scope: extras.scope } : {}) };
      grants.set(token, grant);
      return { token, ...grant };
    },
    check(token) {
      const grant = grants.get(token);
      return live(grant) ? grant : undefined;
    },
    revoke(token) {
      grants.delete(token);
    },
    revokeAll() {
      grants.clear();
    },
  };
}
