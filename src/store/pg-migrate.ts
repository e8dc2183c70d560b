import type pg from 'pg';

/** A schema change run once per database, recorded under its name. */
export interface MigrationStep {
  name: string;
  sql: string;
}

/**
 * Any fixed number serves, as long as nothing else on the database takes the same advisory lock.
 * Advisory locks are per database, so stores on other databases of one server do not wait.
 */
const MIGRATION_LOCK = 7_352_816_201;

/**
 * Runs the steps this database has not run, in order, and returns their names. Everything runs in
 * one transaction holding a transaction-level advisory lock: replicas starting at the same moment
 * queue on the lock, the first runs the steps, and the others then find them recorded and run
 * none (PostgreSQL's DDL is transactional, so a step that fails leaves nothing half-made behind).
 * A database holding a step this server does not know was migrated by a newer server, whose
 * schema this one cannot be trusted to read or write: it is refused.
 */
export async function migrate(pool: pg.Pool, steps: readonly MigrationStep[]): Promise<string[]> {
  const known = new Set<string>();
  for (const step of steps) {
    if (known.has(step.name)) throw new Error(`Migration step ${step.name} is listed twice`);
    known.add(step.name);
  }
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
      const unknown = [...done].filter((name) => !known.has(name)).sort();
      if (unknown.length > 0) {
        throw new Error(
          `The PostgreSQL state store was migrated by a newer server (schema step${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} unknown to this one); upgrade the server`,
        );
      }
      const applied: string[] = [];
      for (const step of steps) {
        if (done.has(step.name)) continue;
        // Without parameters pg sends the simple query protocol, which runs several statements.
        await client.query(step.sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [step.name]);
        applied.push(step.name);
      }
      await client.query('COMMIT');
      return applied;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
