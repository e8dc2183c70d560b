/**
 * What replicas sharing one state store must agree on (issue: several replicas behave like one
 * server). One process alone keeps all of it in memory (local.ts); replicas on one PostgreSQL
 * database keep it there, as leases a dead replica cannot hold for longer than `leaseMs`.
 */
import type { Limiter } from '../jamf/limiter.js';

export interface AuthThrottlePort {
  /** Seconds to wait before trying again, or 0 when the address may try now. */
  retryAfter(address: string): Promise<number>;
  /** Records a failure; returns the failures from `address` in the window, this one included. */
  fail(address: string): Promise<number>;
}

export interface Coordination {
  /** 'local' (one process) or 'postgres' (replicas sharing a database). */
  readonly kind: 'local' | 'postgres';
  /**
   * Runs `fn` while no other caller, in this process or another replica, holds `key`. Keys are
   * namespaced by their caller: `user:<scimId>`, `name:<namespace>:<folded name>`, `group:<jamfId>`.
   * Waiters on one key are served in arrival order within a process.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Callers of this process waiting for a key someone else holds (a metric). */
  waiting(): number;
  /** The Jamf call budget: at most `max` tasks run at once across every replica. */
  jamfLimiter(max: number): Limiter;
  /** Failed authentications per client address, over every replica. */
  authThrottle(limitPerMinute: number): AuthThrottlePort;
  /**
   * Runs `fn` unless another replica is running work of that name now; resolves whether it ran.
   * Background sweeps use it so one replica at a time does them.
   */
  runExclusive(name: string, fn: () => Promise<void>): Promise<boolean>;
  /** Throws when the shared state cannot be reached (readiness). */
  check(): Promise<void>;
  /** Stops renewing leases and gives back what this replica holds. */
  close(): Promise<void>;
}
