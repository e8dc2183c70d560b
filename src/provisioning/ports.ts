import type { JamfApi, JamfRef, JamfUserExtras } from '../jamf/types.js';

/** The Jamf calls provisioning uses; the real adapter is `createJamfClient`. */
export type JamfDirectory = Pick<
  JamfApi,
  | 'serverInfo'
  | 'getUser'
  | 'getUserByName'
  | 'findUsersByEmail'
  | 'listUsers'
  | 'pageUsers'
  | 'createUser'
  | 'updateUser'
  | 'deleteUser'
  | 'listGroups'
  | 'getGroup'
  | 'createGroup'
  | 'updateGroup'
  | 'deleteGroup'
>;

/**
 * - active: the user exists in Jamf as `jamfId`.
 * - inactive: deleted in Jamf; this row is the tombstone.
 * - deactivating / reactivating: a lifecycle step began and did not finish (crash or Jamf
 *   failure); the next request for the user completes it.
 */
export type UserStatus = 'active' | 'inactive' | 'deactivating' | 'reactivating';

export interface UserRecord {
  scimId: string;
  jamfId: number | null;
  userName: string;
  externalId: string | null;
  status: UserStatus;
  /** SCIM attributes as last written by the IdP (without id, meta, groups, active, password). */
  attributes: Record<string, unknown>;
  /** The `full_name` this server last wrote; a different value in Jamf means an admin changed it. */
  writtenFullName: string | null;
  /** Static group ids the user is to be in while it is not in Jamf (tombstone memberships). */
  groupIds: number[];
  /** Set by a deactivation: what Jamf held beyond the SCIM fields, restored on reactivation. */
  jamfSnapshot?: JamfSnapshot | null;
  created: string;
  lastModified: string;
}

/** A Jamf user as a deactivation found it, before deleting it (jamf-pro-api.md §2.3). */
export interface JamfSnapshot {
  /** The Jamf id it had; a reactivation creates the user again under a new one. */
  jamfId: number;
  managedAppleId: string;
  extras: JamfUserExtras;
  /**
   * Names of the static groups it was in, as Jamf held them then and as this server renamed them
   * since: a reactivation answers with them instead of listing every group (design.md §5).
   * Absent on tombstones written before it was kept.
   */
  groups?: JamfRef[];
}

export interface GroupRecord {
  scimId: string;
  externalId: string | null;
  created: string;
  lastModified: string;
}

/**
 * The state store. Every method is asynchronous: the embedded SQLite store answers at once, the
 * PostgreSQL store (replicas sharing state) over the network.
 */
export interface StateStore {
  getUser(scimId: string): Promise<UserRecord | null>;
  getUserByJamfId(jamfId: number): Promise<UserRecord | null>;
  getUsersByJamfIds(jamfIds: readonly number[]): Promise<Map<number, UserRecord>>;
  /** Case-insensitive, as Jamf compares names (scim/name-fold.ts). */
  findUsersByUserName(userName: string): Promise<UserRecord[]>;
  findUsersByExternalId(externalId: string): Promise<UserRecord[]>;
  /** Rows that are not in Jamf (inactive or mid-lifecycle), ordered by numeric SCIM id. */
  listTombstones(offset: number, limit: number): Promise<UserRecord[]>;
  countTombstones(): Promise<number>;
  /** Rows a lifecycle step left half-done ('deactivating', 'reactivating'), by an index of their own. */
  listPending(): Promise<UserRecord[]>;
  tombstonesInGroup(groupId: number): Promise<UserRecord[]>;
  putUser(record: UserRecord): Promise<void>;
  deleteUser(scimId: string): Promise<void>;

  getGroup(scimId: string): Promise<GroupRecord | null>;
  getGroups(scimIds: readonly string[]): Promise<Map<string, GroupRecord>>;
  findGroupsByExternalId(externalId: string): Promise<GroupRecord[]>;
  putGroup(record: GroupRecord): Promise<void>;
  deleteGroup(scimId: string): Promise<void>;

  /**
   * Runs `fn` in one transaction: every store and audit call `fn` makes (in its async context)
   * commits together or not at all. Nested: a savepoint of the outer transaction.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Throws when the store cannot be written (readiness check). */
  checkWritable(): Promise<void>;
  close(): Promise<void>;
}

/** Every row, for `npm run migrate-state` and backups: users by SCIM id (text order), then groups. */
export interface StoreScan {
  /** Up to `limit` users whose SCIM id sorts after `after` (text order); null starts at the first. */
  scanUsers(after: string | null, limit: number): Promise<UserRecord[]>;
  scanGroups(after: string | null, limit: number): Promise<GroupRecord[]>;
}
