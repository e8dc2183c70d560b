/**
 * Counts failed authentications per client address in a sliding one-minute window, so a bearer
 * token cannot be guessed at speed. Successful requests are never throttled here.
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
    fail(address: string): void {
      const list = recent(address);
      list.push(now());
      failures.set(address, list);
      // Bounded memory under a spray of addresses: forget the oldest entries first.
      if (failures.size > 10_000) {
        const first = failures.keys().next().value;
        if (first !== undefined) failures.delete(first);
      }
    },
  };
}
