/**
 * The statements behind the shared Jamf budget (shared-limiter.ts holds the policy). A slot row
 * changes hands only inside one statement, so a slot is never in use by two holders at once.
 */
import type pg from 'pg';

export const BUDGET_CHANNEL = 'coord_jamf';

export interface Acquired {
  slots: number[];
  /** Whether this holder is now in the waiting line. */
  announced: boolean;
}

export interface Renewed {
  slots: number[];
  /** Other holders that have Jamf calls queued and found no free slot. */
  waiters: string[];
}

export function budgetStatements(pool: pg.Pool) {
  const ensured = new Map<number, Promise<unknown>>();
  return {
    /** Creates the slot rows up to `max` once (other replicas may already have). */
    async ensure(max: number): Promise<void> {
      let done = ensured.get(max);
      if (done === undefined) {
        done = pool.query('INSERT INTO coord_jamf_slots (slot) SELECT generate_series(0, $1::int - 1) ON CONFLICT (slot) DO NOTHING', [max]);
        ensured.set(max, done);
        done.catch(() => ensured.delete(max));
      }
      await done;
    },

    /**
     * Takes up to `want` free (or run-out) slots below `max`. When that is fewer than wanted,
     * announces this holder as waiting (row + NOTIFY), in the same statement, unless `announce` is
     * false (no LISTEN: a slot handed to us would go unnoticed until its lease ran out). SKIP LOCKED keeps
     * racing replicas from queueing behind each other's row locks.
     */
    async acquire(holder: string, max: number, want: number, announce: boolean, t: number, expiresAt: number): Promise<Acquired> {
      const res = await pool.query<{ slots: number[]; announced: string }>(
        `WITH got AS (
           UPDATE coord_jamf_slots SET holder = $1, expires_at = $5
           WHERE slot IN (SELECT slot FROM coord_jamf_slots
                          WHERE slot < $2 AND (holder IS NULL OR expires_at <= $4)
                          ORDER BY slot LIMIT $3 FOR UPDATE SKIP LOCKED)
           RETURNING slot),
         waits AS (
           INSERT INTO coord_jamf_waiters (holder, expires_at)
           SELECT $1, $5 WHERE $6::boolean AND (SELECT count(*) FROM got) < $3
           ON CONFLICT (holder) DO UPDATE SET expires_at = EXCLUDED.expires_at
           RETURNING holder)
         SELECT array(SELECT slot FROM got) AS slots,
                (SELECT count(*) FROM (SELECT pg_notify('${BUDGET_CHANNEL}', 'wait ' || holder) FROM waits) n) AS announced`,
        [holder, max, want, t, expiresAt, announce],
      );
      return { slots: res.rows[0]?.slots ?? [], announced: Number(res.rows[0]?.announced ?? 0) > 0 };
    },

    /**
     * Hands `slot` to the waiting holder with the fewest live slots (at most `receiverMax`),
     * longest waiting first, and moves that holder to the back of the line. Null when there is
     * none: the slot stays ours.
     */
    async pass(holder: string, slot: number, receiverMax: number, t: number, expiresAt: number): Promise<string | null> {
      const res = await pool.query<{ given: string | null }>(
        `WITH target AS (
           SELECT w.holder FROM coord_jamf_waiters w
           CROSS JOIN LATERAL (SELECT count(*) AS n FROM coord_jamf_slots s
                               WHERE s.holder = w.holder AND s.expires_at > $3) h
           WHERE w.holder <> $1 AND w.expires_at > $3 AND h.n <= $5
           ORDER BY h.n, w.turn LIMIT 1),
         moved AS (
           UPDATE coord_jamf_slots SET holder = (SELECT holder FROM target), expires_at = $4
           WHERE slot = $2 AND holder = $1 AND EXISTS (SELECT 1 FROM target)
           RETURNING holder),
         turned AS (
           UPDATE coord_jamf_waiters SET turn = nextval('coord_jamf_waiter_turn')
           WHERE holder IN (SELECT holder FROM moved) RETURNING holder)
         SELECT (SELECT holder FROM moved) AS given,
                (SELECT count(*) FROM (SELECT pg_notify('${BUDGET_CHANNEL}', 'give ' || $2::int || ' ' || holder) FROM moved) n) AS notified,
                (SELECT count(*) FROM turned) AS turned`,
        [holder, slot, t, expiresAt, receiverMax],
      );
      return res.rows[0]?.given ?? null;
    },

    /** Leaves the waiting line (nothing queued any more) and says so, so no slot is handed here. */
    async withdraw(holder: string): Promise<void> {
      await pool.query(
        `WITH gone AS (DELETE FROM coord_jamf_waiters WHERE holder = $1 RETURNING holder)
         SELECT pg_notify('${BUDGET_CHANNEL}', 'done ' || holder) FROM gone`,
        [holder],
      );
    },

    async release(holder: string, slots: number[]): Promise<void> {
      await pool.query(
        `WITH freed AS (UPDATE coord_jamf_slots SET holder = NULL WHERE holder = $1 AND slot = ANY($2::int[]) RETURNING slot)
         SELECT count(*) FROM (SELECT pg_notify('${BUDGET_CHANNEL}', 'free') FROM freed) n`,
        [holder, slots],
      );
    },

    /** Gives back every slot and the waiting row of `holder`. */
    async releaseAll(holder: string): Promise<void> {
      await pool.query(
        `WITH freed AS (UPDATE coord_jamf_slots SET holder = NULL WHERE holder = $1 RETURNING slot),
         gone AS (DELETE FROM coord_jamf_waiters WHERE holder = $1 RETURNING holder)
         SELECT count(*) FROM (SELECT pg_notify('${BUDGET_CHANNEL}', 'free') FROM freed) n,
                (SELECT count(*) FROM gone) g`,
        [holder],
      );
    },

    /**
     * The heartbeat: renews `slots` and, while `waiting`, the waiting row (or removes it); reads
     * who else waits.
     */
    async renew(holder: string, slots: number[], waiting: boolean, t: number, expiresAt: number): Promise<Renewed> {
      const res = await pool.query<{ slots: number[]; waiters: string[] }>(
        `WITH renewed AS (
           UPDATE coord_jamf_slots SET expires_at = $4 WHERE holder = $1 AND slot = ANY($2::int[]) RETURNING slot),
         still AS (UPDATE coord_jamf_waiters SET expires_at = $4 WHERE holder = $1 AND $3::boolean RETURNING holder),
         gone AS (DELETE FROM coord_jamf_waiters WHERE holder = $1 AND NOT $3::boolean RETURNING holder)
         SELECT array(SELECT slot FROM renewed) AS slots,
                array(SELECT holder FROM coord_jamf_waiters WHERE holder <> $1 AND expires_at > $5) AS waiters,
                (SELECT count(*) FROM still) + (SELECT count(*) FROM gone) AS touched`,
        [holder, slots, waiting, expiresAt, t],
      );
      return { slots: res.rows[0]?.slots ?? [], waiters: res.rows[0]?.waiters ?? [] };
    },
  };
}

export type BudgetStatements = ReturnType<typeof budgetStatements>;
