import type { GroupRecord, JamfSnapshot, UserRecord, UserStatus } from '../provisioning/ports.js';
import { deepFreezeJson } from '../scim/json.js';
import { Lru } from '../scim/lru.js';
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

function userOf(r: UserRow, attributes: Record<string, unknown>): UserRecord {
  return {
    scimId: r[0],
    jamfId: r[1],
    userName: r[2],
    externalId: r[3],
    status: r[4],
    attributes,
    writtenFullName: r[6],
    groupIds: r[7] === '[]' ? [] : (JSON.parse(r[7]) as number[]),
    created: r[8],
    lastModified: r[9],
    jamfSnapshot: r[10] === null ? null : (JSON.parse(r[10]) as JamfSnapshot),
  };
}

/** Each read returns its own objects: a caller that changes one changes nothing another read sees. */
export function toUser(r: UserRow): UserRecord {
  return userOf(r, JSON.parse(r[5]) as Record<string, unknown>);
}

/**
 * Parsed `attributes` by their stored text. Keyed by the text itself, an entry can never be
 * stale: a changed row has other text and misses. Sized for a directory's worth of rows, so that
 * the pages of an import (and an IdP's next import) parse each unchanged row once; a bigger
 * directory only evicts (an entry is about 1 KB).
 */
const parsedAttributes = new Lru<Readonly<Record<string, unknown>>>(5000);

function sharedAttributes(text: string): Readonly<Record<string, unknown>> {
  let parsed = parsedAttributes.get(text);
  if (parsed === undefined) {
    parsed = deepFreezeJson(JSON.parse(text) as Record<string, unknown>);
    parsedAttributes.set(text, parsed);
  }
  return parsed;
}

/**
 * A record read for a list or a group's members, which only show it: `attributes` is shared
 * between reads and frozen (a change throws), where parsing it was a third of a 100-user page.
 * Anything that goes on to change a record reads it with `toUser`.
 */
export function toListedUser(r: UserRow): UserRecord {
  return userOf(r, sharedAttributes(r[5]) as Record<string, unknown>);
}

/** The store's count of changed rows (sqlite-store.ts): unchanged means no write ran since it was read. */
export interface ChangeCounter {
  changeCount(): number;
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
