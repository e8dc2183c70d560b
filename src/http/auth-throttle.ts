import type { AuthThrottlePort } from '../coord/types.js';

/**
 * Counts failed authentications per client address in a sliding one-minute window. Only failing
 * requests are throttled: the caller checks the token first, and a valid token is never refused
 * here, so bad attempts from a shared address cannot lock the IdP out. What makes a guess hopeless
 * is the token's length (at least 16 characters, src/config.ts); this keeps guessing slow and the
 * log short.
 */
export function createAuthThrottle(limitPerMinute: number, now: () => number = Date.now) {
  const WINDOW_MS = 60_000;
  const failures = new Map<string, number[]>();

  function recent(address: string): number[] {
    const cutoff = now() - WINDOW_MS;
    const list = (failures.get(address) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) failures.delete(address);
    else failures.set(address, list);
    return list;
  }

  return {
    /** Seconds to wait before trying again, or 0 when the address may try now. */
    retryAfter(address: string): number {
      const list = recent(address);
      if (list.length < limitPerMinute) return 0;
      const oldest = list[list.length - limitPerMinute] as number;
      return Math.max(1, Math.ceil((oldest + WINDOW_MS - now()) / 1000));
    },
    /** Records a failure; returns the failures from `address` in the window, this one included. */
    fail(address: string): number {
      const list = recent(address);
      list.push(now());
      failures.set(address, list);
      // Bounded memory under a spray of addresses: forget the oldest entries first.
      if (failures.size > 10_000) {
        const first = failures.keys().next().value;
        if (first !== undefined) failures.delete(first);
      }
      return list.length;
    },
  };
}

/** The in-process throttle behind the asynchronous port replicas share (coord/types.ts). */
export function localAuthThrottle(limitPerMinute: number, now: () => number = Date.now): AuthThrottlePort {
  const throttle = createAuthThrottle(limitPerMinute, now);
  return {
    retryAfter: async (address) => throttle.retryAfter(address),
    fail: async (address) => throttle.fail(address),
  };
}
