import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.js';

describe('the test PostgreSQL server', () => {
  it('gives each caller a database of its own', async () => {
    const a = await freshDatabase();
    const b = await freshDatabase();
    try {
      const ca = new pg.Client({ connectionString: a.url });
      await ca.connect();
      await ca.query('CREATE TABLE only_here (x int)');
      await ca.end();
      const cb = new pg.Client({ connectionString: b.url });
      await cb.connect();
      const found = await cb.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_here'");
      await cb.end();
      expect(found.rows[0].n).toBe(0);
    } finally {
      await a.drop();
      await b.drop();
    }
  });
});
