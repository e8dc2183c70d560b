import type { StateStore, StoreScan, UserRecord } from '../provisioning/ports.js';
import { foldName } from '../scim/name-fold.js';
import { SCIM_ID_NUMBER } from './pg-schema.js';
import type { PgRunner } from './pg-tx.js';
import { type UserRow, toListedUser, toUser } from './rows.js';

/**
 * The columns in rows.ts order, so its readers (and their parsed-attributes cache) serve both
 * stores: group ids come back as the JSON text SQLite keeps them in.
 */
const COLUMNS =
  'scim_id, jamf_id, user_name, external_id, status, attributes, written_full_name, to_json(group_ids)::text, created, last_modified, jamf_snapshot';
const TOMBSTONE_ORDER = `${SCIM_ID_NUMBER}, scim_id`;

/*
 * Statements run on every request are named: pg prepares each once per connection and then sends
 * only its parameters, where an unnamed one is parsed and planned on every call. Names carry a
 * prefix of their own, since the coordination code prepares statements on the same connections.
 */
/** Exported for the tests that check which index each statement reads. */
export const USER_SQL = {
  getUser: `SELECT ${COLUMNS} FROM users WHERE scim_id = $1`,
  getUserByJamfId: `SELECT ${COLUMNS} FROM users WHERE jamf_id = $1`,
  // Any number of ids as one array parameter: one prepared statement, whatever the count.
  byJamfIds: `SELECT ${COLUMNS} FROM users WHERE jamf_id = ANY($1::integer[])`,
  byUserName: `SELECT ${COLUMNS} FROM users WHERE user_name_key = $1`,
  byExternalId: `SELECT ${COLUMNS} FROM users WHERE external_id = $1`,
  // `status <> 'active'` and this order are the partial index users_not_active (pg-schema.ts).
  tombstones: `SELECT ${COLUMNS} FROM users WHERE status <> 'active' ORDER BY ${TOMBSTONE_ORDER} LIMIT $1 OFFSET $2`,
  countTombstones: "SELECT count(*)::int FROM users WHERE status <> 'active'",
  pending: `SELECT ${COLUMNS} FROM users WHERE status IN ('deactivating', 'reactivating') ORDER BY scim_id`,
  inGroup: `SELECT ${COLUMNS} FROM users WHERE status <> 'active' AND group_ids @> ARRAY[$1::integer] ORDER BY ${TOMBSTONE_ORDER}`,
  /*
   * A Jamf id belongs to one SCIM user: a stale claim on it is dropped in the same statement. The
   * sub-statements of a WITH run in no set order, so the insert waits for the release by reading
   * its count, and then finds the id free: the unique index ignores the row version this
   * statement replaced. An upsert that changes no indexed column is a HOT update in PostgreSQL,
   * leaving every index alone, so the common write (a profile change) needs no statement of its
   * own as it does on SQLite.
   */
  putUser: `WITH released AS (
      UPDATE users SET jamf_id = NULL WHERE jamf_id = $2::integer AND scim_id <> $1::text RETURNING 1
    )
    INSERT INTO users (scim_id, jamf_id, user_name, user_name_key, external_id, status, attributes, written_full_name, group_ids, created, last_modified, jamf_snapshot)
    SELECT $1::text, $2::integer, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::integer[], $10::text, $11::text, $12::text
    WHERE (SELECT count(*) FROM released) >= 0
    ON CONFLICT (scim_id) DO UPDATE SET jamf_id = excluded.jamf_id, user_name = excluded.user_name, user_name_key = excluded.user_name_key,
      external_id = excluded.external_id, status = excluded.status, attributes = excluded.attributes,
      written_full_name = excluded.written_full_name, group_ids = excluded.group_ids,
      created = excluded.created, last_modified = excluded.last_modified, jamf_snapshot = excluded.jamf_snapshot`,
  deleteUser: 'DELETE FROM users WHERE scim_id = $1',
  // Two statements rather than `$1 IS NULL OR …`, which a generic plan could not read by index.
  scanFirst: `SELECT ${COLUMNS} FROM users ORDER BY scim_id LIMIT $1`,
  scanAfter: `SELECT ${COLUMNS} FROM users WHERE scim_id > $1 ORDER BY scim_id LIMIT $2`,
};

type UserMethods = Pick<
  StateStore,
  | 'getUser'
  | 'getUserByJamfId'
  | 'getUsersByJamfIds'
  | 'findUsersByUserName'
  | 'findUsersByExternalId'
  | 'listTombstones'
  | 'countTombstones'
  | 'listPending'
  | 'tombstonesInGroup'
  | 'putUser'
  | 'deleteUser'
> &
  Pick<StoreScan, 'scanUsers'>;

export function createPgUsers(db: PgRunner): UserMethods {
  const rows = async (name: keyof typeof USER_SQL, values: unknown[], named = true): Promise<UserRow[]> =>
    (await db.queryRows<UserRow>({ ...(named ? { name: `store.${name}` } : {}), text: USER_SQL[name], values, rowMode: 'array' })).rows;
  const one = async (name: keyof typeof USER_SQL, value: unknown): Promise<UserRecord | null> => {
    const [row] = await rows(name, [value]);
    return row === undefined ? null : toUser(row);
  };

  return {
    getUser: (scimId) => one('getUser', scimId),
    getUserByJamfId: (jamfId) => one('getUserByJamfId', jamfId),
    // Its callers only show these records (lists, group members): `attributes` is shared and frozen (rows.ts).
    async getUsersByJamfIds(jamfIds) {
      const out = new Map<number, UserRecord>();
      if (jamfIds.length === 0) return out;
      for (const r of await rows('byJamfIds', [jamfIds])) if (r[1] !== null) out.set(r[1], toListedUser(r));
      return out;
    },
    findUsersByUserName: async (userName) => (await rows('byUserName', [foldName(userName)])).map(toUser),
    findUsersByExternalId: async (externalId) => (await rows('byExternalId', [externalId])).map(toUser),
    listTombstones: async (offset, limit) => (await rows('tombstones', [limit, offset])).map(toUser),
    async countTombstones() {
      const result = await db.queryRows<[number]>({ name: 'store.countTombstones', text: USER_SQL.countTombstones, rowMode: 'array' });
      return result.rows[0]?.[0] ?? 0;
    },
    listPending: async () => (await rows('pending', [], false)).map(toUser),
    tombstonesInGroup: async (groupId) => (await rows('inGroup', [groupId])).map(toUser),
    async putUser(r) {
      await db.query({
        name: 'store.putUser',
        text: USER_SQL.putUser,
        values: [
          r.scimId,
          r.jamfId,
          r.userName,
          foldName(r.userName),
          r.externalId,
          r.status,
          JSON.stringify(r.attributes),
          r.writtenFullName,
          r.groupIds,
          r.created,
          r.lastModified,
          r.jamfSnapshot ? JSON.stringify(r.jamfSnapshot) : null,
        ],
      });
    },
    async deleteUser(scimId) {
      await db.query({ name: 'store.deleteUser', text: USER_SQL.deleteUser, values: [scimId] });
    },
    scanUsers: async (after, limit) =>
      (after === null ? await rows('scanFirst', [limit], false) : await rows('scanAfter', [after, limit], false)).map(toUser),
  };
}
