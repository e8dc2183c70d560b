import type { GroupRecord, JamfSnapshot, UserRecord, UserStatus } from '../provisioning/ports.js';
import { foldName } from '../scim/name-fold.js';

/**
 * User rows are read as arrays (`.raw()`) in this column order: a keyed row object per read cost
 * about a fifth of a point read, and as much as all of a 100-member lookup's JSON parsing. (Parsing
 * `attributes` only on first use was tried: it saved little and made every `{ ...record }` of
 * such a record slower than the read itself, V8 copying accessors the slow way.)
 */
export const USER_COLUMNS = [
  'scim_id',
  'jamf_id',
  'user_name',
  'external_id',
  'status',
  'attributes',
  'written_full_name',
  'group_ids',
  'created',
  'last_modified',
  'jamf_snapshot',
] as const;

export type UserRow = [
  scimId: string,
  jamfId: number | null,
  userName: string,
  externalId: string | null,
  status: UserStatus,
  attributes: string,
  writtenFullName: string | null,
  groupIds: string,
  created: string,
  lastModified: string,
  jamfSnapshot: string | null,
];

/** `users.scim_id, users.jamf_id, …` for a SELECT that joins. */
export const userColumns = (table?: string) => USER_COLUMNS.map((c) => (table ? `${table}.${c}` : c)).join(', ');

export interface GroupRow {
  scim_id: string;
  external_id: string | null;
  created: string;
  last_modified: string;
}

/**
 * A record whose JSON columns are parsed on first use: most reads look at a row's identity and
 * status only (a group's member list, the re-read after a Jamf call), and parsing `attributes`
 * was the larger part of a point read. Each read returns its own objects, as before, so a caller
 * that changes one changes nothing another read sees. The accessors are own and enumerable, so a
 * spread (`{ ...record, status }`) copies the parsed values.
 */
/** Each read returns its own objects: a caller that changes one changes nothing another read sees. */
export function toUser(r: UserRow): UserRecord {
  return {
    scimId: r[0],
    jamfId: r[1],
    userName: r[2],
    externalId: r[3],
    status: r[4],
    attributes: JSON.parse(r[5]) as Record<string, unknown>,
    writtenFullName: r[6],
    groupIds: r[7] === '[]' ? [] : (JSON.parse(r[7]) as number[]),
    created: r[8],
    lastModified: r[9],
    jamfSnapshot: r[10] === null ? null : (JSON.parse(r[10]) as JamfSnapshot),
  };
}

/** Named parameters of the user statements. */
export function userParams(r: UserRecord) {
  return {
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
  };
}

export const toGroup = (r: GroupRow): GroupRecord => ({
  scimId: r.scim_id,
  externalId: r.external_id,
  created: r.created,
  lastModified: r.last_modified,
});
