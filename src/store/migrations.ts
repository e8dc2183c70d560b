import type { Database } from 'better-sqlite3';

/**
 * Ordered schema steps; `user_version` records how many ran. Append only: a released step is
 * never edited, so a store written by an older version is migrated forward at start.
 */
const STEPS: string[] = [
  `CREATE TABLE users (
     scim_id TEXT PRIMARY KEY,
     jamf_id INTEGER UNIQUE,
     user_name TEXT NOT NULL,
     external_id TEXT,
     status TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'deactivating', 'reactivating')),
     attributes TEXT NOT NULL,
     written_full_name TEXT,
     group_ids TEXT NOT NULL DEFAULT '[]',
     created TEXT NOT NULL,
     last_modified TEXT NOT NULL
   );
   CREATE INDEX users_user_name ON users (user_name COLLATE NOCASE);
   CREATE INDEX users_external_id ON users (external_id);
   CREATE INDEX users_status ON users (status);
   CREATE TABLE groups (
     scim_id TEXT PRIMARY KEY,
     external_id TEXT,
     created TEXT NOT NULL,
     last_modified TEXT NOT NULL
   );
   CREATE INDEX groups_external_id ON groups (external_id);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // What a deactivated user held in Jamf beyond the SCIM fields (sites, extension attributes, …).
  `ALTER TABLE users ADD COLUMN jamf_snapshot TEXT;`,
  // userName compared as Jamf compares it (scim/name-fold.ts); NOCASE folds ASCII only.
  `ALTER TABLE users ADD COLUMN user_name_key TEXT;
   UPDATE users SET user_name_key = scim_fold_name(user_name);
   CREATE INDEX users_user_name_key ON users (user_name_key);`,
  // The audit trail (src/store/audit-sqlite.ts). AUTOINCREMENT: a seq is never handed out twice,
  // even after retention deleted every entry, so a client polling with `after` misses nothing.
  // One index per query the admin API and `npm run audit` filter by, no more: an append is on
  // the path of every SCIM write and updates each of them. Failures are indexed alone (partial):
  // "what failed" reads them without a scan, and only a failed step's append pays for it.
  // audit_members lists the SCIM users each membership step names, kept by the triggers, so a
  // user's entries are found by index: unpacking every step's `members` JSON took 300 ms at
  // 100,000 membership steps, on the thread that serves SCIM.
  `CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     time TEXT NOT NULL,
     request_id TEXT,
     credential TEXT,
     action TEXT NOT NULL,
     resource_type TEXT NOT NULL,
     scim_id TEXT,
     name TEXT,
     name_key TEXT,
     jamf_ids TEXT NOT NULL DEFAULT '[]',
     members TEXT NOT NULL DEFAULT '[]',
     outcome TEXT NOT NULL,
     detail TEXT,
     jamf_calls TEXT NOT NULL DEFAULT '[]'
   );
   CREATE INDEX audit_time ON audit (time);
   CREATE INDEX audit_scim_id ON audit (scim_id);
   CREATE INDEX audit_name_key ON audit (name_key);
   CREATE INDEX audit_action ON audit (action);
   CREATE INDEX audit_failures ON audit (outcome) WHERE outcome = 'failure';
   CREATE TABLE audit_members (scim_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (scim_id, seq)) WITHOUT ROWID;
   CREATE TRIGGER audit_members_added AFTER INSERT ON audit WHEN new.members <> '[]' BEGIN
     INSERT OR IGNORE INTO audit_members (scim_id, seq) SELECT value, new.seq FROM json_each(new.members);
   END;
   CREATE TRIGGER audit_members_removed AFTER DELETE ON audit WHEN old.members <> '[]' BEGIN
     DELETE FROM audit_members WHERE (scim_id, seq) IN (SELECT value, old.seq FROM json_each(old.members));
   END;`,
];

/**
 * Indexes only the queries need, kept out of `user_version`: an older server reads the same
 * tables with or without them, where a version step would make it refuse the store. Every index
 * is a B-tree a write of a user touches, so the two of step 1 no query uses any more (userName
 * by NOCASE, status as a whole) are dropped, and externalId is indexed only where there is one:
 * an insert wrote 7 pages to the WAL, now 4 or 5. Rows not in Jamf (tombstones) get a partial
 * index of their own, in listing order, so counting and listing them reads them alone rather than
 * every user (2.2 ms a count at 50,000 users, now 4 µs), and writes of active users never touch it.
 * Rows a lifecycle step left half-done have one too: the sweep and every listing look for them.
 */
const INDEXES = `
  DROP INDEX IF EXISTS users_user_name;
  DROP INDEX IF EXISTS users_status;
  DROP INDEX IF EXISTS users_external_id;
  CREATE INDEX IF NOT EXISTS users_external_id_set ON users (external_id) WHERE external_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS users_not_active ON users (CAST(scim_id AS INTEGER), scim_id) WHERE status <> 'active';
  CREATE INDEX IF NOT EXISTS users_pending ON users (scim_id) WHERE status IN ('deactivating', 'reactivating');`;

/** Steps call `scim_fold_name(text)`: the store registers it before migrating. */
export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > STEPS.length) {
    throw new Error(`State store schema version ${current} is newer than this server understands (${STEPS.length}); upgrade the server`);
  }
  db.transaction(() => {
    for (let v = current; v < STEPS.length; v++) {
      db.exec(STEPS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
    db.exec(INDEXES);
  })();
}
