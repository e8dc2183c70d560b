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

export interface StateStore {
  getUser(scimId: string): UserRecord | null;
  getUserByJamfId(jamfId: number): UserRecord | null;
  getUsersByJamfIds(jamfIds: readonly number[]): Map<number, UserRecord>;
  /** Case-insensitive. */
  findUsersByUserName(userName: string): UserRecord[];
  findUsersByExternalId(externalId: string): UserRecord[];
  /** Rows that are not in Jamf (inactive or mid-lifecycle), ordered by numeric SCIM id. */
  listTombstones(offset: number, limit: number): UserRecord[];
  countTombstones(): number;
  tombstonesInGroup(groupId: number): UserRecord[];
  putUser(record: UserRecord): void;
  deleteUser(scimId: string): void;

  getGroup(scimId: string): GroupRecord | null;
  getGroups(scimIds: readonly string[]): Map<string, GroupRecord>;
  findGroupsByExternalId(externalId: string): GroupRecord[];
  putGroup(record: GroupRecord): void;
  deleteGroup(scimId: string): void;

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T;
  /** Throws when the store cannot be written (readiness check). */
  checkWritable(): void;
  close(): void;
}
