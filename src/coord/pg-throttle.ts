/**
 * The auth-failure throttle of src/http/auth-throttle.ts over a table, so a guesser spreading its
 * attempts over the replicas behind a load balancer meets one count. Same window, same answers.
 */
import type pg from 'pg';
import type { AuthThrottlePort } from './types.js';

export const AUTH_WINDOW_MS = 60_000;
/** Rows kept at most, as the in-process throttle keeps at most 10 000 addresses. */
const MAX_ROWS = 100_000;

export function createPgAuthThrottle(pool: pg.Pool, limitPerMinute: number, now: () => number): AuthThrottlePort {
  return {
    async retryAfter(address) {
      const t = now();
      const res = await pool.query<{ at: string }>(
        'SELECT at FROM coord_auth_failures WHERE address = $1 AND at > $2 ORDER BY at DESC LIMIT $3',
        [address, t - AUTH_WINDOW_MS, limitPerMinute],
      );
      if (res.rows.length < limitPerMinute) return 0;
      const oldest = Number(res.rows[res.rows.length - 1]?.at);
      return Math.max(1, Math.ceil((oldest + AUTH_WINDOW_MS - t) / 1000));
    },
    async fail(address) {
      const t = now();
      // The CTE's insert is not visible to the count beside it (one snapshot), hence the + 1.
      const res = await pool.query<{ n: number }>(
        `WITH added AS (INSERT INTO coord_auth_failures (address, at) VALUES ($1, $2) RETURNING id)
         SELECT count(*)::int + 1 AS n FROM coord_auth_failures WHERE address = $1 AND at > $3`,
        [address, t, t - AUTH_WINDOW_MS],
      );
      return res.rows[0]?.n ?? 1;
    },
  };
}

/** Forgets failures outside the window, and the oldest ones beyond the row bound (the heartbeat). */
export async function pruneAuthFailures(pool: pg.Pool, t: number): Promise<void> {
  await pool.query(
    `DELETE FROM coord_auth_failures
     WHERE at <= $1 OR id <= (SELECT id FROM coord_auth_failures ORDER BY id DESC OFFSET $2 LIMIT 1)`,
    [t - AUTH_WINDOW_MS, MAX_ROWS],
  );
}
