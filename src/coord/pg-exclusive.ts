/**
 * "One replica at a time" background work: a lease tried once, never waited for. A sweep that
 * another replica is running now is simply skipped here; the next tick tries again.
 */
import { createLeaseKeeper } from './pg-leases.js';
import { errorFields, type LeaseContext } from './pg-support.js';

export interface PgExclusive {
  runExclusive(name: string, fn: () => Promise<void>): Promise<boolean>;
  renew(): Promise<void>;
  close(): Promise<void>;
}

export function createPgExclusive(ctx: LeaseContext, holder: string): PgExclusive {
  const leases = createLeaseKeeper(ctx, 'coord_runs', holder);
  const running = new Set<string>();

  return {
    async runExclusive(name, fn) {
      if (running.has(name)) return false;
      running.add(name);
      try {
        if (!(await leases.take(name))) return false;
        try {
          await fn();
        } finally {
          if (leases.lost(name)) ctx.log.warn({ name }, 'exclusive run outlived its lease; another replica may have started it too');
          await leases.release(name).catch((err: unknown) => ctx.log.warn({ name, ...errorFields(err) }, 'exclusive run release failed'));
        }
        return true;
      } finally {
        running.delete(name);
      }
    },
    renew: () => leases.renew(),
    close: () => leases.releaseAll(),
  };
}
