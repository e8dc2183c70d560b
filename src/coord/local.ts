/** Coordination for one process alone (SQLite): everything stays in memory. */
import { createAuthThrottle } from '../http/auth-throttle.js';
import { createLimiter } from '../jamf/limiter.js';
import { createKeyedLock } from '../provisioning/keyed-lock.js';
import type { Coordination } from './types.js';

export function createLocalCoordination(options: { now?: () => number } = {}): Coordination {
  const withLock = createKeyedLock();
  const running = new Set<string>();
  return {
    kind: 'local',
    withLock,
    waiting: () => withLock.waiting(),
    jamfLimiter: (max) => createLimiter(max),
    authThrottle(limitPerMinute) {
      const throttle = createAuthThrottle(limitPerMinute, options.now);
      return {
        retryAfter: async (address) => throttle.retryAfter(address),
        fail: async (address) => throttle.fail(address),
      };
    },
    async runExclusive(name, fn) {
      if (running.has(name)) return false;
      running.add(name);
      try {
        await fn();
        return true;
      } finally {
        running.delete(name);
      }
    },
    check: async () => undefined,
    close: async () => undefined,
  };
}
