import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { GroupRecord, JamfSnapshot, StateStore, UserRecord, UserStatus } from '../provisioning/ports.js';
import { foldName } from '../scim/name-fold.js';
import { migrate } from './migrations.js';

interface UserRow {
  scim_id: string;
  jamf_id: number | null;
  user_name: string;
  external_id: string | null;
  status: UserStatus;
  attributes: string;
  written_full_name: string | null;
  group_ids: string;
  created: string;
  last_modified: string;
  jamf_snapshot: string | null;
  user_name_key: string | null;
}

interface GroupRow {
  scim_id: string;
  external_id: string | null;
  created: string;
  last_modified: string;
}

const toUser = (r: UserRow): UserRecord => ({
  scimId: r.scim_id,
  jamfId: r.jamf_id,
  userName: r.user_name,
  externalId: r.external_id,
  status: r.status,
  attributes: JSON.parse(r.attributes) as Record<string, unknown>,
  writtenFullName: r.written_full_name,
  groupIds: JSON.parse(r.group_ids) as number[],
  created: r.created,
  lastModified: r.last_modified,
  jamfSnapshot: r.jamf_snapshot === null ? null : (JSON.parse(r.jamf_snapshot) as JamfSnapshot),
});

const toGroup = (r: GroupRow): GroupRecord => ({
  scimId: r.scim_id,
  externalId: r.external_id,
  created: r.created,
  lastModified: r.last_modified,
});

/** `STATE_URL` is a file path, `file:` URL or `:memory:`. */
export function sqlitePath(stateUrl: string): string {
  if (stateUrl === ':memory:') return stateUrl;
  return stateUrl.startsWith('file:') ? decodeURIComponent(new URL(stateUrl).pathname) : stateUrl;
}

export function openSqliteStore(stateUrl: string): StateStore {
  const path = sqlitePath(stateUrl);
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true });
    // Tombstones are personal data: the file is the owner's alone. SQLite creates its -wal and
    // -shm files with the database file's permissions, so creating that file first is enough.
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  }
  const db = new Database(path);
  // WAL with synchronous=NORMAL survives a process crash without an fsync per commit. A row that
  // is about to be followed by a Jamf delete or create (status deactivating/reactivating) is
  // committed with synchronous=FULL, so it also survives a power cut (see putUser).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.function('scim_fold_name', { deterministic: true }, (name: unknown) => (typeof name === 'string' ? foldName(name) : null));
  migrate(db);

  const q = {
    getUser: db.prepare<[string], UserRow>('SELECT * FROM users WHERE scim_id = ?'),
    getUserByJamfId: db.prepare<[number], UserRow>('SELECT * FROM users WHERE jamf_id = ?'),
    // Any number of ids as one JSON array: one statement prepared once, where preparing an
    // `IN (?, ?, …)` per call cost 8% of a filter request (bench/scim-overhead).
    usersByJamfIds: db.prepare<[string], UserRow>('SELECT * FROM users WHERE jamf_id IN (SELECT value FROM json_each(?))'),
    byUserName: db.prepare<[string], UserRow>('SELECT * FROM users WHERE user_name_key = ?'),
    byExternalId: db.prepare<[string], UserRow>('SELECT * FROM users WHERE external_id = ?'),
    tombstones: db.prepare<[number, number], UserRow>(
      "SELECT * FROM users WHERE status <> 'active' ORDER BY CAST(scim_id AS INTEGER), scim_id LIMIT ? OFFSET ?",
    ),
    countTombstones: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM users WHERE status <> 'active'"),
    tombstonesInGroup: db.prepare<[number], UserRow>(
      "SELECT users.* FROM users, json_each(users.group_ids) g WHERE users.status <> 'active' AND g.value = ? ORDER BY CAST(scim_id AS INTEGER)",
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
    getGroup: db.prepare<[string], GroupRow>('SELECT * FROM groups WHERE scim_id = ?'),
    groupsByIds: db.prepare<[string], GroupRow>('SELECT * FROM groups WHERE scim_id IN (SELECT value FROM json_each(?))'),
    groupsByExternalId: db.prepare<[string], GroupRow>('SELECT * FROM groups WHERE external_id = ?'),
    putGroup: db.prepare(
      `INSERT INTO groups (scim_id, external_id, created, last_modified) VALUES (@scim_id, @external_id, @created, @last_modified)
       ON CONFLICT (scim_id) DO UPDATE SET external_id = excluded.external_id, created = excluded.created, last_modified = excluded.last_modified`,
    ),
    deleteGroup: db.prepare<[string]>('DELETE FROM groups WHERE scim_id = ?'),
    touch: db.prepare("INSERT INTO meta (key, value) VALUES ('ready_check', datetime('now')) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
  };

  const writeUser = db.transaction((r: UserRecord) => {
    // A Jamf id belongs to one SCIM user; a stale claim on it is dropped.
    if (r.jamfId !== null) q.clearJamfId.run(r.jamfId, r.scimId);
    q.putUser.run({
      scim_id: r.scimId,
      jamf_id: r.jamfId,
      user_name: r.userName,
      user_name_key: foldName(r.userName),
      external_id: r.externalId,
      status: r.status,
      attributes: JSON.stringify(r.attributes),
      written_full_name: r.writtenFullName,
      group_ids: JSON.stringify(r.groupIds),
      created: r.created,
      last_modified: r.lastModified,
      jamf_snapshot: r.jamfSnapshot ? JSON.stringify(r.jamfSnapshot) : null,
    });
  });

  const store: StateStore = {
    getUser: (id) => {
      const r = q.getUser.get(id);
      return r ? toUser(r) : null;
    },
    getUserByJamfId: (jamfId) => {
      const r = q.getUserByJamfId.get(jamfId);
      return r ? toUser(r) : null;
    },
    getUsersByJamfIds: (ids) => {
      const out = new Map<number, UserRecord>();
      if (ids.length === 0) return out;
      for (const r of q.usersByJamfIds.all(JSON.stringify(ids))) if (r.jamf_id !== null) out.set(r.jamf_id, toUser(r));
      return out;
    },
    findUsersByUserName: (userName) => q.byUserName.all(foldName(userName)).map(toUser),
    findUsersByExternalId: (externalId) => q.byExternalId.all(externalId).map(toUser),
    listTombstones: (offset, limit) => q.tombstones.all(limit, offset).map(toUser),
    countTombstones: () => q.countTombstones.get()?.n ?? 0,
    tombstonesInGroup: (groupId) => q.tombstonesInGroup.all(groupId).map(toUser),
    putUser: (r) => {
      // SQLite refuses to change the safety level inside a transaction; the outer commit decides.
      const critical = (r.status === 'deactivating' || r.status === 'reactivating') && !db.inTransaction;
      if (critical) db.pragma('synchronous = FULL');
      try {
        writeUser(r);
      } finally {
        if (critical) db.pragma('synchronous = NORMAL');
      }
    },
    deleteUser: (id) => {
      q.deleteUser.run(id);
    },

    getGroup: (id) => {
      const r = q.getGroup.get(id);
      return r ? toGroup(r) : null;
    },
    getGroups: (ids) => {
      const out = new Map<string, GroupRecord>();
      if (ids.length === 0) return out;
      for (const r of q.groupsByIds.all(JSON.stringify(ids))) out.set(r.scim_id, toGroup(r));
      return out;
    },
    findGroupsByExternalId: (externalId) => q.groupsByExternalId.all(externalId).map(toGroup),
    putGroup: (r) => {
      q.putGroup.run({ scim_id: r.scimId, external_id: r.externalId, created: r.created, last_modified: r.lastModified });
    },
    deleteGroup: (id) => {
      q.deleteGroup.run(id);
    },
    transaction: (fn) => db.transaction(fn)(),
    checkWritable: () => {
      q.touch.run();
    },
    close: () => {
      if (db.open) db.close();
    },
  };
  return store;
}
