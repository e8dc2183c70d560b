/**
 * Leases on named keys (coord_locks, coord_runs): a row per key naming its holder and when the
 * lease runs out. Taking one is a single statement that inserts the row or takes over a lease
 * that ran out, so two replicas racing for a key cannot both win (INSERT … ON CONFLICT locks the
 * conflicting row and re-checks the condition).
 *
 * With a channel (coord_locks), a take that finds the key held marks the row `waited`, and only a
 * release of a marked row sends the NOTIFY: most keys are never contended, and PostgreSQL commits
 * the transactions that notify one at a time (a database-wide lock held through the commit's
 * flush, `PreCommit_Notify` in src/backend/commands/async.c), so a NOTIFY per release would queue
 * every replica's releases behind each other. A waiter marks the row on each failed attempt, so
 * of several waiters the ones that lost the race after a release are still announced.
 */
import type { LeaseContext } from './pg-support.js';

export type LeaseTable = 'coord_locks' | 'coord_runs';

export interface HeldLease {
  expiresAt: number;
}

export interface LeaseKeeper {
  /** Tries once; true when this holder has the lease now. */
  take(key: string): Promise<boolean>;
  /** Gives the lease back (only if still ours) and notifies `channel` with md5(key). */
  release(key: string): Promise<void>;
  /** Whether the lease on `key` may have run out (the heartbeat could not renew it in time). */
  lost(key: string): boolean;
  held(): number;
  /** Renews every lease held here (the heartbeat). */
  renew(): Promise<void>;
  /** Gives back every lease of this holder, also those the caller forgot after an error. */
  releaseAll(): Promise<void>;
}

export function createLeaseKeeper(ctx: LeaseContext, table: LeaseTable, holder: string, channel?: string): LeaseKeeper {
  const held = new Map<string, HeldLease>();
  const gone = channel === undefined ? 'SELECT key FROM gone' : `SELECT pg_notify('${channel}', md5(key)) FROM gone WHERE waited`;
  const returning = channel === undefined ? 'key' : 'key, waited';
  const free = `(${table}.expires_at <= $4 OR ${table}.holder = EXCLUDED.holder)`;
  const takeSql =
    channel === undefined
      ? `INSERT INTO ${table} (key, holder, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
         WHERE ${free}
         RETURNING key`
      : `INSERT INTO ${table} (key, holder, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET
           holder = CASE WHEN ${free} THEN EXCLUDED.holder ELSE ${table}.holder END,
           expires_at = CASE WHEN ${free} THEN EXCLUDED.expires_at ELSE ${table}.expires_at END,
           waited = NOT ${free}
         RETURNING key, holder = $2 AS taken`;

  return {
    // Our own row can only be left from a release that failed: the in-process lock in front
    // already keeps this holder to one contender per key, so it may take the row back.
    async take(key) {
      const t = ctx.now();
      const expiresAt = t + ctx.leaseMs;
      const res = await ctx.pool.query<{ key: string; taken?: boolean }>(takeSql, [key, holder, expiresAt, t]);
      const row = res.rows[0];
      if (row === undefined || row.taken === false) return false;
      held.set(key, { expiresAt });
      return true;
    },
    async release(key) {
      held.delete(key);
      await ctx.pool.query(
        `WITH gone AS (DELETE FROM ${table} WHERE key = $1 AND holder = $2 RETURNING ${returning})
         ${gone}`,
        [key, holder],
      );
    },
    lost(key) {
      const lease = held.get(key);
      return lease === undefined || lease.expiresAt <= ctx.now();
    },
    held: () => held.size,
    async renew() {
      if (held.size === 0) return;
      const expiresAt = ctx.now() + ctx.leaseMs;
      const res = await ctx.pool.query<{ key: string }>(
        `UPDATE ${table} SET expires_at = $3 WHERE holder = $1 AND key = ANY($2::text[]) RETURNING key`,
        [holder, [...held.keys()], expiresAt],
      );
      for (const { key } of res.rows) {
        const lease = held.get(key);
        if (lease !== undefined) lease.expiresAt = expiresAt;
      }
    },
    async releaseAll() {
      held.clear();
      await ctx.pool.query(
        `WITH gone AS (DELETE FROM ${table} WHERE holder = $1 RETURNING ${returning})
         ${gone}`,
        [holder],
      );
    },
  };
}

/**
 * Deletes leases that ran out a lease ago or more: a replica that died leaves its rows behind,
 * and a key nobody asks for again would keep its row forever.
 */
export async function pruneLeases(ctx: LeaseContext): Promise<void> {
  await ctx.pool.query(
    `WITH l AS (DELETE FROM coord_locks WHERE expires_at < $1 RETURNING 1),
          r AS (DELETE FROM coord_runs WHERE expires_at < $1 RETURNING 1),
          w AS (DELETE FROM coord_jamf_waiters WHERE expires_at < $1 RETURNING 1)
     SELECT (SELECT count(*) FROM l) + (SELECT count(*) FROM r) + (SELECT count(*) FROM w) AS pruned`,
    [ctx.now() - ctx.leaseMs],
  );
}
