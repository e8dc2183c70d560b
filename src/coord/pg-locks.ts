/**
 * Per-key locks across replicas: the in-process keyed lock keeps one contender per key per
 * replica (and serves a replica's own waiters in arrival order); that contender then takes the
 * key's lease row. It waits for a NOTIFY from the release, and polls as well, because a holder
 * that died never releases: its lease is taken over once it has run out.
 */
import { createHash } from 'node:crypto';
import { createKeyedLock } from '../provisioning/keyed-lock.js';
import { createLeaseKeeper } from './pg-leases.js';
import type { Listener } from './pg-listener.js';
import { CoordinationError, errorFields, type LeaseContext } from './pg-support.js';

export const LOCK_CHANNEL = 'coord_lock';

export interface PgLocks {
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  waiting(): number;
  renew(): Promise<void>;
  close(): Promise<void>;
}

export function createPgLocks(ctx: LeaseContext & { pollMs: number; listener: Listener }, holder: string): PgLocks {
  const local = createKeyedLock();
  const leases = createLeaseKeeper(ctx, 'coord_locks', holder, LOCK_CHANNEL);
  const wakers = new Map<string, Set<() => void>>();
  let remoteWaits = 0;
  let closed = false;

  ctx.listener.on(LOCK_CHANNEL, (digest) => {
    for (const wake of wakers.get(digest) ?? []) wake();
  });

  const digestOf = (key: string): string => createHash('md5').update(key).digest('hex');

  /** Resolves on the key's release NOTIFY or after `pollMs`, whichever is first. */
  const waitForRelease = (digest: string): { armed: Promise<void>; disarm: () => void } => {
    let wake: () => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    const armed = new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ctx.pollMs);
      timer.unref();
    });
    const set = wakers.get(digest) ?? new Set();
    set.add(wake);
    wakers.set(digest, set);
    const disarm = () => {
      clearTimeout(timer);
      set.delete(wake);
      if (set.size === 0 && wakers.get(digest) === set) wakers.delete(digest);
    };
    return { armed, disarm };
  };

  const acquire = async (key: string): Promise<void> => {
    if (await leases.take(key)) return;
    const digest = digestOf(key);
    remoteWaits += 1;
    try {
      await ctx.listener.ready();
      for (;;) {
        if (closed) throw new CoordinationError('coordination is closed');
        // Armed before the attempt, so a release between the attempt and the wait still wakes us.
        const { armed, disarm } = waitForRelease(digest);
        try {
          if (await leases.take(key)) return;
          await armed;
        } finally {
          disarm();
        }
      }
    } finally {
      remoteWaits -= 1;
    }
  };

  return {
    withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
      return local(key, async () => {
        if (closed) throw new CoordinationError('coordination is closed');
        await acquire(key);
        try {
          return await fn();
        } finally {
          if (leases.lost(key)) {
            ctx.log.warn({ key }, 'lock lease ran out before the work under it finished; another replica may have run concurrently');
          }
          // A failed release only delays the next holder by the lease time: the heartbeat no longer
          // renews the row.
          await leases.release(key).catch((err: unknown) => ctx.log.warn({ key, ...errorFields(err) }, 'lock release failed'));
        }
      });
    },
    waiting: () => local.waiting() + remoteWaits,
    renew: () => leases.renew(),
    async close() {
      closed = true;
      for (const set of wakers.values()) for (const wake of set) wake();
      await leases.releaseAll();
    },
  };
}
