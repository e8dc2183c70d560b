/**
 * Bearer token cache: one refresh in flight, shared by every caller; refreshed ahead of expiry;
 * invalidated only if the rejected token is still the cached one, so a burst of 401s after an
 * expiry costs one token request, not one per caller (design.md §7.6, jamf-pro-api.md §5).
 */

export interface IssuedToken {
  token: string;
  /** Lifetime in milliseconds from the moment the request was sent. */
  lifetimeMs: number;
}

export interface TokenSource {
  get(): Promise<string>;
  /** The cached token while it needs no refresh, else undefined (then `get()` refreshes). */
  current?(): string | undefined;
  /** Forget `token` after Jamf rejected it; a no-op when a newer token is already cached. */
  invalidate(token: string): void;
}

export interface TokenManagerOptions {
  fetch: () => Promise<IssuedToken>;
  now: () => number;
  /** Fixed refresh margin; default min(30 s, 10 % of the lifetime), since client tokens may live only 60 s (§1.1). */
  refreshSkewSeconds?: number;
  onRefresh?: () => void;
}

interface Cached {
  token: string;
  refreshAt: number;
}

export function refreshSkewMs(lifetimeMs: number, refreshSkewSeconds?: number): number {
  if (refreshSkewSeconds !== undefined) return Math.min(refreshSkewSeconds * 1000, lifetimeMs / 2);
  return Math.min(30_000, lifetimeMs * 0.1);
}

export function createTokenManager(opts: TokenManagerOptions): TokenSource {
  let cached: Cached | undefined;
  let pending: Promise<string> | undefined;

  const refresh = async (): Promise<string> => {
    const startedAt = opts.now();
    const issued = await opts.fetch();
    cached = {
      token: issued.token,
      refreshAt: startedAt + issued.lifetimeMs - refreshSkewMs(issued.lifetimeMs, opts.refreshSkewSeconds),
    };
    opts.onRefresh?.();
    return issued.token;
  };

  const current = (): string | undefined => (cached !== undefined && opts.now() < cached.refreshAt ? cached.token : undefined);

  return {
    current,
    get(): Promise<string> {
      const token = current();
      if (token !== undefined) return Promise.resolve(token);
      pending ??= refresh().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate(token: string): void {
      if (cached?.token === token) cached = undefined;
    },
  };
}
