import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { GroupRecord, StateStore, StoreScan, UserRecord } from '../provisioning/ports.js';
import { foldName } from '../scim/name-fold.js';
import { migrate } from './migrations.js';
import { type ChangeCounter, type GroupRow, type UserRow, toGroup, toUser, toListedUser, userColumns, userParams } from './rows.js';
import type { AuditStore } from '../audit/types.js';
import { createSqliteAuditStore } from './audit-sqlite.js';
import { createWriteGate } from './sqlite-gate.js';

/** The state store with the audit trail kept in the same file, and its connection (backups, tests). */
export type SqliteStateStore = StateStore & StoreScan & ChangeCounter & { audit: AuditStore; db: Database.Database; kind: 'sqlite' };

/** `PRAGMA synchronous` as SQLite reports it: 1 NORMAL, 2 FULL. */
export type Synchronous = 'NORMAL' | 'FULL';

export interface SqliteStoreOptions {
  /** Called inside every write transaction, just before it commits, with the level it commits at (tests). */
  onCommit?: (synchronous: Synchronous) => void;
}

/** `STATE_URL` is a file path, `file:` URL or `:memory:`. */
export function sqlitePath(stateUrl: string): string {
  if (stateUrl === ':memory:') return stateUrl;
  return stateUrl.startsWith('file:') ? decodeURIComponent(new URL(stateUrl).pathname) : stateUrl;
}

export function openSqliteStore(stateUrl: string, options: SqliteStoreOptions = {}): SqliteStateStore {
  const path = sqlitePath(stateUrl);
  if (path !== ':memory:') {
    // A folder made here is the owner's alone; an existing one is left as it is, since it may be
    // a mounted volume whose owner and mode the operator set.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Tombstones are personal data: the file is the owner's alone. SQLite creates its -wal and
    // -shm files with the database file's permissions, so creating that file first is enough.
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  }
  const db = new Database(path);
  /*
   * Durability. WAL with synchronous=NORMAL keeps every commit through a crash of the process
   * without an fsync per commit (0.3-5 ms each, where the rest of a profile write costs about
   * 0.02 ms of CPU); a power cut or an OS crash may lose the last commits,
   * never the file's consistency. A write is committed with synchronous=FULL (fsynced before it
   * returns) when the row it writes is not active in Jamf, because then the store holds the only
   * copy:
   * - 'deactivating': the tombstone, with everything Jamf held, written before the Jamf delete;
   * - 'reactivating': written before the Jamf create, and again with the new Jamf id before the
   *   groups are restored, so a resumed step adds the groups instead of creating a second user;
   * - 'inactive': a finished deactivation, a user created inactive, a tombstone's changes and
   *   group memberships (Jamf has no user to hold them);
   * - the deletion of such a row (a lost one would bring back a user the IdP deleted, holding its
   *   userName: a create of that name would be refused).
   * Everything else commits with NORMAL, because Jamf holds it or the next request rebuilds it:
   * an active user's row (its id is its Jamf id, so a lost row reads from Jamf by that id, minus
   * what only the IdP sent: externalId and attributes Jamf has no field for, until the IdP's next
   * write), the 'active' row that ends a reactivation (lost, the row is 'reactivating' again with
   * its Jamf id, and the next request re-adds the groups, which Jamf takes idempotently), a
   * group's externalId and timestamps, and deletions of active rows and groups (a lost one
   * leaves a row for something Jamf no longer has, which the next read of it drops).
   * In WAL mode a FULL commit also syncs the frames of the NORMAL commits before it.
   */
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.function('scim_fold_name', { deterministic: true }, (name: unknown) => (typeof name === 'string' ? foldName(name) : null));
  migrate(db);

  const raw = <P extends unknown[]>(sql: string) => db.prepare<P, UserRow>(sql).raw(true) as unknown as Database.Statement<P, UserRow>;
  const q = {
    getUser: raw<[string]>(`SELECT ${userColumns()} FROM users WHERE scim_id = ?`),
    getUserByJamfId: raw<[number]>(`SELECT ${userColumns()} FROM users WHERE jamf_id = ?`),
    // Any number of ids as one JSON array: one statement prepared once, where preparing an
    // `IN (?, ?, …)` per call cost 8% of a filter request (bench/scim-overhead).
    usersByJamfIds: raw<[string]>(`SELECT ${userColumns()} FROM users WHERE jamf_id IN (SELECT value FROM json_each(?))`),
    byUserName: raw<[string]>(`SELECT ${userColumns()} FROM users WHERE user_name_key = ?`),
    byExternalId: raw<[string]>(`SELECT ${userColumns()} FROM users WHERE external_id = ?`),
    // `status <> 'active'` and this order are the partial index users_not_active (migrations.ts).
    tombstones: raw<[number, number]>(
      `SELECT ${userColumns()} FROM users WHERE status <> 'active' ORDER BY CAST(scim_id AS INTEGER), scim_id LIMIT ? OFFSET ?`,
    ),
    countTombstones: db.prepare<[], number>("SELECT COUNT(*) FROM users WHERE status <> 'active'").pluck(),
    // The partial index users_pending (migrations.ts).
    pending: raw<[]>(`SELECT ${userColumns()} FROM users WHERE status IN ('deactivating', 'reactivating') ORDER BY scim_id`),
    scanUsers: raw<[string, number]>(`SELECT ${userColumns()} FROM users WHERE scim_id > ? ORDER BY scim_id LIMIT ?`),
    scanGroups: db.prepare<[string, number], GroupRow>('SELECT * FROM groups WHERE scim_id > ? ORDER BY scim_id LIMIT ?'),
    // Rows changed by this connection since it opened (any table, rolled-back writes included);
    // it touches no table, so it costs no read transaction (0.1 µs against 3-4 µs for a point read).
    changes: db.prepare<[], number>('SELECT total_changes()').pluck(),
    tombstonesInGroup: raw<[number]>(
      `SELECT ${userColumns('users')} FROM users, json_each(users.group_ids) g WHERE users.status <> 'active' AND g.value = ? ORDER BY CAST(scim_id AS INTEGER)`,
    ),
    // The common write (a profile change) keeps every indexed column; setting only the others
    // leaves every index alone: one page to the WAL instead of one per index, and a third of the
    // write's CPU time. A row whose keys changed (or a new one) takes the upsert below.
    updateUnkeyed: db.prepare(
      `UPDATE users SET attributes = @attributes, written_full_name = @written_full_name, group_ids = @group_ids,
         created = @created, last_modified = @last_modified, jamf_snapshot = @jamf_snapshot
       WHERE scim_id = @scim_id AND jamf_id IS @jamf_id AND user_name = @user_name AND external_id IS @external_id AND status = @status`,
    ),
    putUser: db.prepare(
      `INSERT INTO users (scim_id, jamf_id, user_name, user_name_key, external_id, status, attributes, written_full_name, group_ids, created, last_modified, jamf_snapshot)
       VALUES (@scim_id, @jamf_id, @user_name, @user_name_key, @external_id, @status, @attributes, @written_full_name, @group_ids, @created, @last_modified, @jamf_snapshot)
       ON CONFLICT (scim_id) DO UPDATE SET jamf_id = excluded.jamf_id, user_name = excluded.user_name, user_name_key = excluded.user_name_key,
         external_id = excluded.external_id, status = excluded.status, attributes = excluded.attributes,
         written_full_name = excluded.written_full_name, group_ids = excluded.group_ids,
         created = excluded.created, last_modified = excluded.last_modified, jamf_snapshot = excluded.jamf_snapshot`,
    ),
    clearJamfId: db.prepare<[number, string]>('UPDATE users SET jamf_id = NULL WHERE jamf_id = ? AND scim_id <> ?'),
    deleteUser: db.prepare<[string]>('DELETE FROM users WHERE scim_id = ?'),
    statusOf: db.prepare<[string], UserRecord['status']>('SELECT status FROM users WHERE scim_id = ?').pluck(),
    getGroup: db.prepare<[string], GroupRow>('SELECT * FROM groups WHERE scim_id = ?'),
    groupsByIds: db.prepare<[string], GroupRow>('SELECT * FROM groups WHERE scim_id IN (SELECT value FROM json_each(?))'),
    groupsByExternalId: db.prepare<[string], GroupRow>('SELECT * FROM groups WHERE external_id = ?'),
    touchGroup: db.prepare<{ scim_id: string; external_id: string | null; created: string; last_modified: string }>(
      'UPDATE groups SET created = @created, last_modified = @last_modified WHERE scim_id = @scim_id AND external_id IS @external_id',
    ),
    putGroup: db.prepare<{ scim_id: string; external_id: string | null; created: string; last_modified: string }>(
      `INSERT INTO groups (scim_id, external_id, created, last_modified) VALUES (@scim_id, @external_id, @created, @last_modified)
       ON CONFLICT (scim_id) DO UPDATE SET external_id = excluded.external_id, created = excluded.created, last_modified = excluded.last_modified`,
    ),
    deleteGroup: db.prepare<[string]>('DELETE FROM groups WHERE scim_id = ?'),
    touch: db.prepare("INSERT INTO meta (key, value) VALUES ('ready_check', datetime('now')) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
  };

  const { onCommit } = options;
  const observe = onCommit
    ? () => onCommit((db.pragma('synchronous', { simple: true }) as number) >= 2 ? 'FULL' : 'NORMAL')
    : () => undefined;
  const inTransaction = db.transaction((fn: () => void) => {
    fn();
    observe();
  });
  const gate = createWriteGate(db);
  /** A durable write inside store.transaction: that transaction's end syncs. */
  let pendingSync = false;

  /** Runs one write as its own transaction, or as part of the caller's. */
  async function write(durable: boolean, fn: () => void): Promise<void> {
    if (gate.inside()) {
      fn();
      if (durable) pendingSync = true;
      return;
    }
    await gate.write(() => {
      // SQLite refuses to change the safety level inside a transaction: it is set around it. Not
      // by a prepared statement: SQLite applies this pragma when it compiles it, not when it runs.
      if (!durable) return inTransaction(fn);
      db.exec('PRAGMA synchronous = FULL');
      try {
        inTransaction(fn);
      } finally {
        db.exec('PRAGMA synchronous = NORMAL');
      }
    });
  }

  const writeUser = (r: UserRecord) => {
    const params = userParams(r);
    if (q.updateUnkeyed.run(params).changes > 0) return;
    // A Jamf id belongs to one SCIM user; a stale claim on it is dropped.
    if (r.jamfId !== null) q.clearJamfId.run(r.jamfId, r.scimId);
    q.putUser.run(params);
  };

  // Reads answer at once: the port is asynchronous for the PostgreSQL store's sake.
  const store: StateStore & StoreScan & ChangeCounter = {
    getUser: async (id) => {
      const r = q.getUser.get(id);
      return r ? toUser(r) : null;
    },
    getUserByJamfId: async (jamfId) => {
      const r = q.getUserByJamfId.get(jamfId);
      return r ? toUser(r) : null;
    },
    // Its callers only show these records (lists, group members): `attributes` is shared and frozen (rows.ts).
    getUsersByJamfIds: async (ids) => {
      const out = new Map<number, UserRecord>();
      if (ids.length === 0) return out;
      for (const r of q.usersByJamfIds.all(JSON.stringify(ids))) if (r[1] !== null) out.set(r[1], toListedUser(r));
      return out;
    },
    findUsersByUserName: async (userName) => q.byUserName.all(foldName(userName)).map(toUser),
    findUsersByExternalId: async (externalId) => q.byExternalId.all(externalId).map(toUser),
    listTombstones: async (offset, limit) => q.tombstones.all(limit, offset).map(toUser),
    countTombstones: async () => q.countTombstones.get() ?? 0,
    listPending: async () => q.pending.all().map(toUser),
    changeCount: () => q.changes.get() ?? 0,
    tombstonesInGroup: async (groupId) => q.tombstonesInGroup.all(groupId).map(toUser),
    putUser: (r) => write(r.status !== 'active', () => writeUser(r)),
    deleteUser: async (id) => {
      const status = q.statusOf.get(id);
      await write(status !== undefined && status !== 'active', () => q.deleteUser.run(id));
    },

    getGroup: async (id) => {
      const r = q.getGroup.get(id);
      return r ? toGroup(r) : null;
    },
    getGroups: async (ids) => {
      const out = new Map<string, GroupRecord>();
      if (ids.length === 0) return out;
      for (const r of q.groupsByIds.all(JSON.stringify(ids))) out.set(r.scim_id, toGroup(r));
      return out;
    },
    findGroupsByExternalId: async (externalId) => q.groupsByExternalId.all(externalId).map(toGroup),
    putGroup: (r) =>
      write(false, () => {
        const params = { scim_id: r.scimId, external_id: r.externalId, created: r.created, last_modified: r.lastModified };
        if (q.touchGroup.run(params).changes === 0) q.putGroup.run(params);
      }),
    deleteGroup: (id) => write(false, () => q.deleteGroup.run(id)),
    transaction: async (fn) => {
      // Nested: a savepoint of the outer transaction, whose end decides.
      if (gate.inside()) return gate.transaction(fn, () => undefined);
      let durable = false;
      const result = await gate.transaction(async () => {
        pendingSync = false;
        const r = await fn();
        durable = pendingSync;
        return r;
      }, observe);
      // The commit above was NORMAL; a FULL commit after it syncs its frames too.
      if (durable) await write(true, () => q.touch.run());
      return result;
    },
    checkWritable: () => write(false, () => q.touch.run()),
    scanUsers: async (after, limit) => q.scanUsers.all(after ?? '', limit).map(toUser),
    scanGroups: async (after, limit) => q.scanGroups.all(after ?? '', limit).map(toGroup),
    close: async () => {
      if (db.open) db.close();
    },
  };
  return Object.assign(store, { audit: createSqliteAuditStore(db, gate), db, kind: 'sqlite' as const });
}
