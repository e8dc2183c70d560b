import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/pg-migrate.js';
import { PG_STEPS } from '../../src/store/pg-schema.js';
import { openPgStore } from '../../src/store/pg-store.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';

describe('PostgreSQL schema migrations', () => {
  let db: TestDatabase;
  const pools: pg.Pool[] = [];
  const pool = () => {
    const p = new pg.Pool({ connectionString: db.url, max: 2 });
    // pool.end() resolves before its sockets have closed; dropping the database then ends them.
    p.on('error', () => undefined);
    pools.push(p);
    return p;
  };
  const recorded = async () =>
    (await pool().query<{ name: string; n: number }>('SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name ORDER BY min(applied_at), name')).rows;

  beforeEach(async () => {
    db = await freshDatabase();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
    await db.drop();
  });

  it('runs every step once when three replicas start at the same moment', async () => {
    const stores = await Promise.all([openPgStore(db.url), openPgStore(db.url), openPgStore(db.url)]);
    try {
      await Promise.all(stores.map((s) => s.checkWritable()));
      const names = (await recorded()).map((r) => r.name).sort();
      expect(names).toEqual(PG_STEPS.map((s) => s.name).sort());
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('lets one of several concurrent runs apply the steps while the others wait and apply none', async () => {
    const applied = await Promise.all([migrate(pool(), PG_STEPS), migrate(pool(), PG_STEPS), migrate(pool(), PG_STEPS)]);
    expect(applied.map((names) => names.length).sort((a, b) => a - b)).toEqual([0, 0, PG_STEPS.length]);
    expect(applied.find((names) => names.length > 0)).toEqual(PG_STEPS.map((s) => s.name));
    expect((await recorded()).every((r) => r.n === 1)).toBe(true);
    // Reopening applies nothing.
    expect(await migrate(pool(), PG_STEPS)).toEqual([]);
    const store = await openPgStore(db.url);
    await store.close();
    expect(await recorded()).toHaveLength(PG_STEPS.length);
  });

  it('applies only the steps a database has not run, in their order', async () => {
    const first = [{ name: 'test-001', sql: 'CREATE TABLE t1 (x int)' }];
    const later = [...first, { name: 'test-002', sql: 'ALTER TABLE t1 ADD COLUMN y int; CREATE INDEX t1_y ON t1 (y);' }];
    expect(await migrate(pool(), first)).toEqual(['test-001']);
    expect(await migrate(pool(), later)).toEqual(['test-002']);
    expect((await pool().query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 't1_y'")).rows[0].n).toBe(1);
  });

  it('leaves nothing behind when a step fails', async () => {
    const steps = [
      { name: 'test-001', sql: 'CREATE TABLE t1 (x int)' },
      { name: 'test-002', sql: 'CREATE TABLE t1 (x int)' },
    ];
    await expect(migrate(pool(), steps)).rejects.toThrow(/already exists/);
    // Not even the record of migrations, made in the same transaction.
    expect((await pool().query("SELECT to_regclass('t1') AS t, to_regclass('schema_migrations') AS m")).rows[0]).toEqual({ t: null, m: null });
  });

  it('refuses a database a newer server migrated, naming the step it does not know', async () => {
    await (await openPgStore(db.url)).close();
    await pool().query("INSERT INTO schema_migrations (name) VALUES ('store-999-from-the-future')");
    await expect(openPgStore(db.url)).rejects.toThrow(/store-999-from-the-future.*upgrade the server/);
  });

  it('refuses a list naming a step twice', async () => {
    const step = { name: 'test-001', sql: 'SELECT 1' };
    await expect(migrate(pool(), [step, step])).rejects.toThrow(/test-001 is listed twice/);
  });
});
