import pg from 'pg';
import type { AuditStore } from '../audit/types.js';
import type { GroupRecord, StateStore, StoreScan } from '../provisioning/ports.js';
import { createPgAuditStore } from './pg-audit.js';
import { migrate } from './pg-migrate.js';
import { PG_STEPS } from './pg-schema.js';
import { createPgRunner } from './pg-tx.js';
import { createPgUsers } from './pg-users.js';
import { type GroupRow, toGroup } from './rows.js';

export interface PgStoreOptions {
  /** Connections this process keeps at most (default 10). */
  poolSize?: number;
  /** `application_name` of the connections, as `pg_stat_activity` shows them. */
  applicationName?: string;
  /**
   * An idle pooled connection failed (server restart, network): the pool drops it and the next
   * statement opens another. Without a handler the pool's 'error' event would end the process.
   */
  onPoolError?: (error: Error) => void;
}

/** The state store and audit trail on PostgreSQL, shared by every replica on the database. */
export type PgStateStore = StateStore & StoreScan & { audit: AuditStore; pool: pg.Pool; kind: 'postgres' };

const GROUP_COLUMNS = 'scim_id, external_id, created, last_modified';
const SQL = {
  getGroup: `SELECT ${GROUP_COLUMNS} FROM groups WHERE scim_id = $1`,
  getGroups: `SELECT ${GROUP_COLUMNS} FROM groups WHERE scim_id = ANY($1::text[])`,
  groupsByExternalId: `SELECT ${GROUP_COLUMNS} FROM groups WHERE external_id = $1`,
  putGroup: `INSERT INTO groups (scim_id, external_id, created, last_modified) VALUES ($1, $2, $3, $4)
    ON CONFLICT (scim_id) DO UPDATE SET external_id = excluded.external_id, created = excluded.created, last_modified = excluded.last_modified`,
  deleteGroup: 'DELETE FROM groups WHERE scim_id = $1',
  scanFirst: `SELECT ${GROUP_COLUMNS} FROM groups ORDER BY scim_id LIMIT $1`,
  scanAfter: `SELECT ${GROUP_COLUMNS} FROM groups WHERE scim_id > $1 ORDER BY scim_id LIMIT $2`,
  touch: "INSERT INTO meta (key, value) VALUES ('ready_check', now()::text) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
};

/*
 * Durability: a commit returns once PostgreSQL has flushed it to its WAL (synchronous_commit on,
 * the server's default), so every write is as durable as SQLite's synchronous=FULL and the
 * NORMAL/FULL split of sqlite-store.ts has no counterpart here. A server configured with
 * synchronous_commit off trades that for speed on every client, this one included.
 */
export async function openPgStore(url: string, options: PgStoreOptions = {}): Promise<PgStateStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'jamf-scim',
    // A database that cannot be reached fails a start or a readiness check within this time,
    // rather than after the operating system gives up on the TCP connect (minutes).
    connectionTimeoutMillis: 10_000,
    // Pooled connections sit idle between requests; keepalives find one a firewall or load
    // balancer dropped silently before a request is sent on it.
    keepAlive: true,
  });
  pool.on('error', options.onPoolError ?? (() => undefined));
  try {
    await migrate(pool, PG_STEPS);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const db = createPgRunner(pool);
  const groups = async (name: keyof typeof SQL, values: unknown[], named = true): Promise<GroupRecord[]> =>
    (await db.query<GroupRow>({ ...(named ? { name: `store.${name}` } : {}), text: SQL[name], values })).rows.map(toGroup);
  let closing: Promise<void> | undefined;

  const store: StateStore & StoreScan = {
    ...createPgUsers(db),
    getGroup: async (scimId) => (await groups('getGroup', [scimId]))[0] ?? null,
    async getGroups(scimIds) {
      const out = new Map<string, GroupRecord>();
      if (scimIds.length === 0) return out;
      for (const g of await groups('getGroups', [scimIds])) out.set(g.scimId, g);
      return out;
    },
    findGroupsByExternalId: (externalId) => groups('groupsByExternalId', [externalId]),
    async putGroup(r) {
      await groups('putGroup', [r.scimId, r.externalId, r.created, r.lastModified]);
    },
    async deleteGroup(scimId) {
      await groups('deleteGroup', [scimId]);
    },
    scanGroups: (after, limit) => (after === null ? groups('scanFirst', [limit], false) : groups('scanAfter', [after, limit], false)),
    transaction: (fn) => db.transaction(fn),
    async checkWritable() {
      await db.query({ text: SQL.touch });
    },
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
  return Object.assign(store, { audit: createPgAuditStore(db), pool, kind: 'postgres' as const });
}
