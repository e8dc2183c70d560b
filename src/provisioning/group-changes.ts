/**
 * Writes of static user groups. Every Jamf write goes through the group writer (one writer per
 * group, changes merged); the store's part of a change (tombstone memberships, the group record)
 * is applied by the writer right after the Jamf write that carries it, in the same order.
 */
import { NO_AUDIT, type AuditTrail } from '../audit/recorder.js';
import { isJamfError, JamfDuplicateError } from '../jamf/errors.js';
import { createGroupAudit } from './group-audit.js';
import { createGroupRecords } from './group-records.js';
import { conflict, fromJamfError, invalidValue, jamfCall, notFound } from './errors.js';
import type { GroupReads } from './group-reads.js';
import { isGroupId } from './group-reads.js';
import { groupResource, memberRef } from './group-view.js';
import { MissingMembersError, type GroupWrite, type GroupWriter } from './group-writer.js';
import type { NameClaims } from './name-claims.js';
import type { JamfDirectory, StateStore, UserRecord } from './ports.js';
import { groupNameTaken } from './duplicates.js';
import type { ScimObject } from './user-mapping.js';
import type { ResourceContext } from './user-view.js';

/** A membership change reduced from a PATCH or PUT (SCIM user ids). */
export interface GroupChange {
  displayName?: string;
  externalId?: string | null;
  add?: readonly string[];
  remove?: readonly string[];
  /** Replaces the whole membership; add/remove then apply on top. */
  replace?: readonly string[];
  /** Remove every member. */
  removeAll?: boolean;
}

export interface GroupChangesDeps {
  jamf: Pick<JamfDirectory, 'createGroup' | 'getUser' | 'listGroups'>;
  store: StateStore;
  names: NameClaims;
  writer: GroupWriter;
  reads: Pick<GroupReads, 'readStatic' | 'dropGroupRecord' | 'knownStatic' | 'knownSmart'>;
  now: () => string;
  resolveMember: (scimId: string) => Promise<{ jamfId: number | null; record: UserRecord | null }>;
  lockMember?: <T>(scimId: string, fn: () => Promise<T>) => Promise<T>;
  onEvent?: (event: 'group_created' | 'group_deleted') => void;
  audit?: AuditTrail;
}

export function createGroupChanges(deps: GroupChangesDeps) {
  const { store, reads, writer } = deps;
  const audit = createGroupAudit(deps.audit ?? NO_AUDIT);
  const { setTombstoneMembership, renameInTombstones, touchRecord } = createGroupRecords(store, deps.now);

  /**
   * SCIM member ids → Jamf ids to write, and deactivated users whose tombstone records the group.
   * An id no user has is an error to add, and skipped on removal: a user who does not exist is
   * not a member, and removing a non-member is a no-op.
   */
  async function splitMembers(ids: readonly string[], unknown: 'reject' | 'skip' = 'reject'): Promise<{ jamfIds: number[]; tombstones: UserRecord[] }> {
    const jamfIds: number[] = [];
    const tombstones: UserRecord[] = [];
    for (const id of new Set(ids)) {
      const { jamfId, record } = await deps.resolveMember(id);
      if (record && record.status !== 'active') tombstones.push(record);
      else if (jamfId !== null) jamfIds.push(jamfId);
      else if (unknown === 'reject') throw invalidValue(`members: no user with id "${id}"`);
    }
    return { jamfIds, tombstones };
  }

  /** Jamf refused a create's members: name the SCIM id that does not exist (reads only on this path). */
  async function missingMember(ids: readonly string[]): Promise<string | null> {
    for (const id of ids) {
      const { jamfId } = await deps.resolveMember(id);
      if (jamfId === null) continue;
      const user = await jamfCall(() => deps.jamf.getUser(jamfId));
      if (!user) return id;
    }
    return null;
  }

  /** The SCIM id, among those a request sent, of a Jamf user id Jamf does not know. */
  async function scimIdOf(jamfIds: readonly number[], sent: readonly string[]): Promise<string> {
    for (const id of sent) {
      const { jamfId } = await deps.resolveMember(id);
      if (jamfId !== null && jamfIds.includes(jamfId)) return id;
    }
    return String(jamfIds[0]);
  }

  /**
   * Holds the locks of every user a change names. Without them a reactivation that read the
   * tombstone before this change recorded a group in it would drop that group, and a deactivation
   * that read the user's groups before this change added one would not restore it. Taken in one
   * order, so two group changes never wait on each other.
   */
  function withMembersLocked<T>(ids: readonly string[], fn: () => Promise<T>): Promise<T> {
    const lock = deps.lockMember;
    if (!lock) return fn();
    let run = fn;
    for (const id of [...new Set(ids)].sort().reverse()) {
      const inner = run;
      run = () => lock(id, inner);
    }
    return run();
  }

  async function create(body: ScimObject, ctx: ResourceContext): Promise<ScimObject> {
    const memberIds = Array.isArray(body.members) ? (body.members as Array<{ value: string }>).map((m) => m.value) : [];
    const displayName = body.displayName as string;
    return withMembersLocked(memberIds, () => deps.names.withNames([displayName], () => createLocked(body, displayName, memberIds, ctx)));
  }

  async function createLocked(body: ScimObject, displayName: string, memberIds: string[], ctx: ResourceContext): Promise<ScimObject> {
    const { jamfIds, tombstones } = await splitMembers(memberIds);
    const absentBefore = deps.names.takeAbsent(displayName);
    deps.names.writing(displayName);
    let id: number;
    try {
      // Any group already known to this server is not a group this create made.
      id = await deps.jamf.createGroup({ name: displayName, memberIds: jamfIds }, { absentBefore, claimed: async (g) => (await store.getGroup(String(g))) !== null });
    } catch (err) {
      const answer = await createRefusal(err, displayName, memberIds).catch((e: unknown) => e);
      await audit.createFailed(displayName, memberIds, answer);
      throw answer;
    }
    reads.knownStatic.add(id);
    const externalId = typeof body.externalId === 'string' ? body.externalId : null;
    await touchRecord(String(id), externalId);
    await setTombstoneMembership(tombstones, id, true);
    deps.onEvent?.('group_created');
    await audit.created(id, displayName, memberIds);
    // Built from what was written, not re-read: the create is one Jamf call (design.md §5). The
    // display is the userName this server knows, else the one the IdP sent.
    const sent = body.members as Array<{ value: string; display?: string }> | undefined;
    const memberList: ScimObject[] = [];
    for (const value of memberIds) {
      const known = (await deps.resolveMember(value)).record?.userName;
      memberList.push(memberRef(value, known ?? sent?.find((m) => m.value === value)?.display, ctx));
    }
    return groupResource({ id, name: displayName }, await store.getGroup(String(id)) ?? undefined, ctx, memberList);
  }

  /** The SCIM error a refused create becomes. */
  async function createRefusal(err: unknown, displayName: string, memberIds: readonly string[]): Promise<Error> {
    if (await groupNameTaken(deps.jamf, err, displayName).catch((e: unknown) => Promise.reject(fromJamfError(e)))) {
      return conflict(`A group named "${displayName}" already exists`);
    }
    if (isJamfError(err, 'conflict')) {
      const missing = await missingMember(memberIds);
      if (missing !== null) return invalidValue(`members: no user with id "${missing}"`);
    }
    return fromJamfError(err);
  }

  /**
   * Applies a change with ONE Jamf PUT (design.md §5), merged with the changes to the same group
   * that wait behind a write in flight (group-writer.ts).
   */
  async function change(id: string, c: GroupChange): Promise<void> {
    if (!isGroupId(id) || reads.knownSmart.has(Number(id))) throw notFound(`Group ${id} not found`);
    return withMembersLocked([...(c.add ?? []), ...(c.remove ?? []), ...(c.replace ?? [])], () => changeLocked(id, c));
  }

  async function changeLocked(id: string, c: GroupChange): Promise<void> {
    const groupId = Number(id);
    if (!reads.knownStatic.has(groupId) && !(await store.getGroup(id))) await reads.readStatic(id);

    const write: GroupWrite = {};
    if (c.displayName !== undefined) write.name = c.displayName;
    const add = await splitMembers(c.add ?? []);
    const remove = await splitMembers(c.remove ?? [], 'skip');
    let replaceTombstones: UserRecord[] | undefined;
    if (c.replace !== undefined || c.removeAll) {
      const rep = await splitMembers(c.replace ?? []);
      const removeIds = new Set(remove.jamfIds);
      write.replace = [...new Set([...rep.jamfIds, ...add.jamfIds])].filter((j) => !removeIds.has(j));
      replaceTombstones = [...rep.tombstones, ...add.tombstones].filter((t) => !remove.tombstones.some((r) => r.scimId === t.scimId));
    } else {
      if (add.jamfIds.length > 0) write.add = add.jamfIds;
      if (remove.jamfIds.length > 0) write.remove = remove.jamfIds;
    }
    const needsJamf = write.name !== undefined || write.add || write.remove || write.replace;
    if (!needsJamf && !reads.knownStatic.has(groupId)) await reads.readStatic(id);

    const applyToStore = async () => {
      if (replaceTombstones !== undefined) {
        const keep = new Set(replaceTombstones.map((t) => t.scimId));
        await setTombstoneMembership((await store.tombstonesInGroup(groupId)).filter((t) => !keep.has(t.scimId)), groupId, false);
        await setTombstoneMembership(replaceTombstones, groupId, true);
      } else {
        await setTombstoneMembership(add.tombstones, groupId, true);
        await setTombstoneMembership(remove.tombstones, groupId, false);
      }
      if (write.name !== undefined) await renameInTombstones(groupId, write.name);
      await touchRecord(id, c.externalId);
    };
    try {
      await writer.update(groupId, write, applyToStore);
    } catch (err) {
      const answer = await changeRefusal(err, id, c, write);
      await audit.changeFailed(id, c, answer);
      throw answer;
    }
    reads.knownStatic.add(groupId);
    await audit.changed(id, c);
  }

  async function changeRefusal(err: unknown, id: string, c: GroupChange, write: GroupWrite): Promise<Error> {
    if (err instanceof MissingMembersError) {
      return invalidValue(`members: no user with id "${await scimIdOf(err.jamfIds, [...(c.add ?? []), ...(c.replace ?? [])])}"`);
    }
    if (isJamfError(err, 'not_found')) {
      await reads.dropGroupRecord(id);
      return notFound(`Group ${id} not found`);
    }
    if (err instanceof JamfDuplicateError) return conflict(`A group named "${write.name ?? ''}" already exists`);
    return fromJamfError(err);
  }

  async function remove(id: string): Promise<void> {
    if (!isGroupId(id) || reads.knownSmart.has(Number(id))) throw notFound(`Group ${id} not found`);
    const groupId = Number(id);
    if (!reads.knownStatic.has(groupId) && !(await store.getGroup(id)) && !writer.isDeleted(groupId)) await reads.readStatic(id);
    const gone = async () => {
      reads.knownStatic.delete(groupId);
      await reads.dropGroupRecord(id);
    };
    try {
      await writer.delete(groupId, gone);
    } catch (err) {
      if (!isJamfError(err, 'not_found')) {
        await audit.deleteFailed(id, err);
        throw fromJamfError(err);
      }
      // Already gone from Jamf. A group this server still records was deleted by an earlier
      // attempt whose answer the IdP never got: its repeat succeeds, as DELETE /Users does.
      if ((await store.getGroup(id)) === null) {
        await reads.dropGroupRecord(id);
        throw notFound(`Group ${id} not found`);
      }
      await gone();
    }
    deps.onEvent?.('group_deleted');
    await audit.deleted(id);
  }

  return { create, change, remove };
}
