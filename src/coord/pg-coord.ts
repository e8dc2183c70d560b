/**
 * Coordination of replicas over one PostgreSQL database. Everything a replica holds is a lease
 * (`leaseMs`, default 15 s) that one heartbeat per replica renews every leaseMs / 3, so a replica
 * that dies without giving its locks and Jamf slots back blocks the others for one lease at most.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { BUDGET_CHANNEL, budgetStatements } from './pg-budget.js';
import { createPgExclusive } from './pg-exclusive.js';
import { createListener } from './pg-listener.js';
import { pruneLeases } from './pg-leases.js';
import { createPgLocks, LOCK_CHANNEL } from './pg-locks.js';
import { errorFields, silentLog, type CoordLog, type LeaseContext } from './pg-support.js';
import { createPgAuthThrottle, pruneAuthFailures } from './pg-throttle.js';
import { createSharedLimiter, type SharedLimiter } from './shared-limiter.js';
import type { Coordination } from './types.js';

export interface PgCoordinationOptions {
  /** Names this replica in lease rows (default: host name and process id). */
  replicaId?: string;
  leaseMs?: number;
  /** The lease clock; replicas compare each other's expiry times with it. */
  now?: () => number;
  /** How often a waiter retries besides waking on NOTIFY (default: leaseMs / 15, at most 1 s). */
  pollMs?: number;
  /**
   * How long an idle Jamf slot waits for this replica's next call before it goes to a waiting
   * replica (default 25 ms: a request's next call follows within a few milliseconds, more on a
   * busy host; in the replicas benchmark on a saturated 2-core machine, 25 ms rather than 5 ms
   * took the budget's statements from about one per Jamf call to about half of that).
   */
  lingerMs?: number;
  /** How long a replica with no Jamf call queued stays in the budget's waiting line (default 100 ms). */
  holdMs?: number;
  logger?: CoordLog;
}

export interface PgCoordination extends Coordination {
  /** Renews every lease now instead of waiting for the timer. */
  heartbeat(): Promise<void>;
  /**
   * Stops the heartbeat and LISTEN without giving anything back, as a replica that died (tests):
   * what it holds stays leased until the lease runs out.
   */
  abandon(): void;
}

export function createPgCoordination(pool: pg.Pool, options: PgCoordinationOptions = {}): PgCoordination {
  const leaseMs = options.leaseMs ?? 15_000;
  const pollMs = options.pollMs ?? Math.min(1000, Math.max(10, Math.floor(leaseMs / 15)));
  const lingerMs = options.lingerMs ?? 25;
  const holdMs = options.holdMs ?? 100;
  const log = options.logger ?? silentLog;
  const now = options.now ?? Date.now;
  // Unique per process start: a restarted replica with the same id must not renew the leases its
  // dead predecessor left behind.
  const holder = `${options.replicaId ?? `${hostname()}:${process.pid}`}/${randomBytes(4).toString('hex')}`;
  const ctx: LeaseContext = { pool, leaseMs, now, log };

  // Idle pool connections can fail (server restart); without a listener that is an uncaught error.
  const onPoolError = (err: Error) => log.warn(errorFields(err), 'PostgreSQL connection error');
  pool.on('error', onPoolError);

  const listener = createListener(pool, [LOCK_CHANNEL, BUDGET_CHANNEL], log);
  void listener.ready();
  const locks = createPgLocks({ ...ctx, pollMs, listener }, holder);
  const exclusive = createPgExclusive(ctx, holder);
  const db = budgetStatements(pool);
  const limiters = new Set<SharedLimiter>();
  let limiterCount = 0;
  let beating: Promise<void> | undefined;
  let closed = false;

  const beat = (): Promise<void> => {
    beating ??= (async () => {
      const results = await Promise.allSettled([
        locks.renew(),
        exclusive.renew(),
        ...[...limiters].map((l) => l.renew()),
        pruneAuthFailures(pool, now()),
        pruneLeases(ctx),
        listener.ready(),
      ]);
      for (const r of results) {
        if (r.status === 'rejected') log.error(errorFields(r.reason), 'coordination lease renewal failed; leases run out unless the next one succeeds');
      }
    })().finally(() => {
      beating = undefined;
    });
    return beating;
  };
  const timer = setInterval(() => void beat(), Math.max(1, Math.floor(leaseMs / 3)));
  timer.unref();

  const stop = (): void => {
    closed = true;
    clearInterval(timer);
    listener.close();
    pool.off('error', onPoolError);
  };

  return {
    kind: 'postgres',
    withLock: (key, fn) => locks.withLock(key, fn),
    waiting: () => locks.waiting(),
    jamfLimiter(max) {
      limiterCount += 1;
      const limiter = createSharedLimiter({ ...ctx, pollMs, listener, db, lingerMs, holdMs }, `${holder}#${limiterCount}`, max);
      limiters.add(limiter);
      return limiter;
    },
    authThrottle: (limit) => createPgAuthThrottle(pool, limit, now),
    runExclusive: (name, fn) => exclusive.runExclusive(name, fn),
    async check() {
      await pool.query('SELECT 1');
    },
    heartbeat: beat,
    abandon: stop,
    async close() {
      if (closed) return;
      stop();
      await beating;
      const results = await Promise.allSettled([locks.close(), exclusive.close(), ...[...limiters].map((l) => l.close())]);
      for (const r of results) {
        if (r.status === 'rejected') log.warn(errorFields(r.reason), 'giving back coordination leases failed; they run out by themselves');
      }
    },
  };
}
