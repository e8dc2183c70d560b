/** Replicas for the coordination tests: each its own pool on one fresh database, one shared clock. */
import pg from 'pg';
import { COORD_STEPS } from '../../src/coord/pg-schema.js';
import { createPgCoordination, type PgCoordination, type PgCoordinationOptions } from '../../src/coord/pg-coord.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';

export const LEASE_MS = 15_000;

export interface Replica {
  coord: PgCoordination;
  pool: pg.Pool;
  /** Statements this replica sent whose text contains `fragment`. */
  sent(fragment: string): number;
  errors: string[];
}

export interface Cluster {
  db: TestDatabase;
  clock: { t: number };
  replica(id: string, options?: PgCoordinationOptions): Replica;
  close(): Promise<void>;
}

export async function openCluster(): Promise<Cluster> {
  const db = await freshDatabase();
  const setup = new pg.Client({ connectionString: db.url });
  await setup.connect();
  for (const step of COORD_STEPS) await setup.query(step.sql);
  await setup.end();
  const clock = { t: 1_700_000_000_000 };
  const replicas: Replica[] = [];
  return {
    db,
    clock,
    replica(id, options = {}) {
      const pool = new pg.Pool({ connectionString: db.url, max: 6 });
      // pool.end() resolves before its sockets have closed; dropping the database then ends them.
      pool.on('error', () => undefined);
      const texts: string[] = [];
      const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
      (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        if (typeof args[0] === 'string') texts.push(args[0]);
        return query(...args);
      };
      const errors: string[] = [];
      const logger = { warn: (_o: object, msg: string) => errors.push(msg), error: (_o: object, msg: string) => errors.push(msg) };
      const coord = createPgCoordination(pool, { replicaId: id, leaseMs: LEASE_MS, now: () => clock.t, pollMs: 10, logger, ...options });
      const replica = { coord, pool, errors, sent: (fragment: string) => texts.filter((t) => t.includes(fragment)).length };
      replicas.push(replica);
      return replica;
    },
    async close() {
      for (const r of replicas) await r.coord.close();
      for (const r of replicas) await r.pool.end();
      await db.drop();
    },
  };
}

/** Resolves once `cond` holds, checking on every turn of the event loop (bounded by the test timeout). */
export async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await cond())) await new Promise((resolve) => setTimeout(resolve, 2));
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
