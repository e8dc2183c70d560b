import type { Logger } from 'pino';
import { isJamfError } from '../jamf/errors.js';
import type { JamfGroup, JamfGroupSummary, JamfGroupUpdate } from '../jamf/types.js';
import { conflict, fromJamfError, invalidValue, jamfCall, notFound } from './errors.js';
import { mapLimit } from './keyed-lock.js';
import type { GroupRecord, JamfDirectory, StateStore, UserRecord } from './ports.js';
import type { ResourceContext, ScimObject } from './user-mapping.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export interface GroupServiceDeps {
  jamf: JamfDirectory;
  store: StateStore;
  logger: Logger;
  readConcurrency: number;
  now?: () => Date;
  /** Resolves a SCIM user id to its store row and current Jamf id (null: not in Jamf). */
  resolveMember: (scimId: string) => { jamfId: number | null; record: UserRecord | null };
  /**
   * Runs `fn` while no other request changes that user (the user service's per-user lock), so a
   * membership change cannot interleave with the user's deactivation or reactivation.
   */
  lockMember?: <T>(scimId: string, fn: () => Promise<T>) => Promise<T>;
  onEvent?: (event: 'group_created' | 'group_deleted') => void;
}

export type GroupLookup = { kind: 'id' | 'displayName' | 'externalId' | 'member'; value: string };

export interface GroupListQuery {
  lookup?: GroupLookup;
  predicate?: (resource: ScimObject) => boolean;
  startIndex: number;
  count: number;
  /** false when the client excluded `members`: the list is then served from one Jamf call. */
  withMembers: boolean;
}

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

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
const isGroupId = (id: string) => /^[1-9]\d{0,15}$/.test(id);

export function createGroupService(deps: GroupServiceDeps) {
  const { jamf, store, logger } = deps;
  const now = () => (deps.now ? deps.now() : new Date()).toISOString();
  /** Jamf never turns a smart group into a static one, so what was seen once stays true. */
  const knownStatic = new Set<number>();
  const knownSmart = new Set<number>();

  function remember(groups: Array<{ id: number; isSmart: boolean }>) {
    for (const g of groups) (g.isSmart ? knownSmart : knownStatic).add(g.id);
  }

  async function readStatic(id: string): Promise<JamfGroup> {
    if (!isGroupId(id) || knownSmart.has(Number(id))) throw notFound(`Group ${id} not found`);
    let group: JamfGroup | null;
    try {
      group = await jamf.getGroup(Number(id));
    } catch (err) {
      // An API role without the smart-group privileges cannot read a smart group by id (Jamf
      // picks the privilege by group type, jamf-pro-api.md §6); the list tells which it is.
      if (!isJamfError(err, 'forbidden') && !isJamfError(err, 'unauthorized')) throw fromJamfError(err);
      const summary = (await allSummaries()).find((g) => g.id === Number(id));
      if (summary === undefined || summary.isSmart) throw notFound(`Group ${id} not found`);
      throw fromJamfError(err);
    }
    if (!group || group.isSmart) {
      if (group) remember([group]);
      else dropGroupRecord(id);
      throw notFound(`Group ${id} not found`);
    }
    remember([group]);
    return group;
  }

  function dropGroupRecord(id: string) {
    store.transaction(() => {
      store.deleteGroup(id);
      for (const t of store.tombstonesInGroup(Number(id))) {
        store.putUser({ ...t, groupIds: t.groupIds.filter((g) => g !== Number(id)) });
      }
    });
  }

  function memberRef(value: string, display: string | undefined, ctx: ResourceContext): ScimObject {
    const ref: ScimObject = { value };
    if (display !== undefined) ref.display = display;
    ref.$ref = `${ctx.baseUrl}/Users/${encodeURIComponent(value)}`;
    ref.type = 'User';
    return ref;
  }

  function members(group: JamfGroup, ctx: ResourceContext): ScimObject[] {
    const rows = store.getUsersByJamfIds(group.members.map((m) => m.id));
    const out = new Map<string, ScimObject>();
    for (const m of group.members) {
      const value = rows.get(m.id)?.scimId ?? String(m.id);
      out.set(value, memberRef(value, m.username, ctx));
    }
    // Deactivated members are still members to the IdP; they return to the Jamf group on reactivation.
    // A user mid-(de)activation can be in both lists; it is listed once.
    for (const t of store.tombstonesInGroup(group.id)) {
      if (!out.has(t.scimId)) out.set(t.scimId, memberRef(t.scimId, t.userName, ctx));
    }
    return [...out.values()];
  }

  function toResource(
    group: { id: number; name: string },
    record: GroupRecord | undefined,
    ctx: ResourceContext,
    memberList: ScimObject[] | undefined,
  ): ScimObject {
    const id = String(group.id);
    const resource: ScimObject = { schemas: [GROUP_SCHEMA], id, displayName: group.name };
    if (record?.externalId) resource.externalId = record.externalId;
    if (memberList !== undefined) resource.members = memberList;
    const meta: ScimObject = { resourceType: 'Group', location: `${ctx.baseUrl}/Groups/${id}` };
    if (record) {
      meta.created = record.created;
      meta.lastModified = record.lastModified;
    }
    resource.meta = meta;
    return resource;
  }

  async function get(id: string, ctx: ResourceContext): Promise<ScimObject> {
    const group = await readStatic(id);
    return toResource(group, store.getGroup(id) ?? undefined, ctx, members(group, ctx));
  }

  async function allSummaries(): Promise<JamfGroupSummary[]> {
    const all = await jamfCall(() => jamf.listGroups());
    remember(all);
    return all;
  }

  async function staticSummaries(): Promise<JamfGroupSummary[]> {
    return (await allSummaries()).filter((g) => !g.isSmart).sort(byId);
  }

  async function resourcesFor(summaries: JamfGroupSummary[], ctx: ResourceContext, withMembers: boolean): Promise<ScimObject[]> {
    const records = store.getGroups(summaries.map((g) => String(g.id)));
    if (!withMembers) return summaries.map((g) => toResource(g, records.get(String(g.id)), ctx, undefined));
    const full = await mapLimit(summaries, deps.readConcurrency, (g) => jamfCall(() => jamf.getGroup(g.id)));
    const out: ScimObject[] = [];
    for (const g of full) {
      if (g && !g.isSmart) out.push(toResource(g, records.get(String(g.id)), ctx, members(g, ctx)));
    }
    return out;
  }

  async function lookupCandidates(lookup: GroupLookup, ctx: ResourceContext, withMembers: boolean): Promise<ScimObject[]> {
    switch (lookup.kind) {
      case 'id':
        try {
          return [await get(lookup.value, ctx)];
        } catch (err) {
          if ((err as { status?: number }).status === 404) return [];
          throw err;
        }
      case 'displayName': {
        const wanted = lookup.value.toLowerCase();
        const hits = (await staticSummaries()).filter((g) => g.name.toLowerCase() === wanted);
        return resourcesFor(hits, ctx, withMembers);
      }
      case 'externalId': {
        const ids = store.findGroupsByExternalId(lookup.value).map((r) => r.scimId);
        const out: ScimObject[] = [];
        for (const id of ids) {
          try {
            out.push(await get(id, ctx));
          } catch (err) {
            if ((err as { status?: number }).status !== 404) throw err;
          }
        }
        return out;
      }
      case 'member': {
        // The member's own record lists its groups: one read instead of reading every group.
        const { jamfId, record } = deps.resolveMember(lookup.value);
        let groupIds: number[];
        if (record && record.status !== 'active') {
          groupIds = record.groupIds;
          if (!withMembers) {
            // The tombstone holds only ids: the list gives the names of those that still exist.
            const wanted = new Set(groupIds);
            return resourcesFor((await staticSummaries()).filter((g) => wanted.has(g.id)), ctx, false);
          }
        } else if (jamfId === null) return [];
        else {
          const user = await jamfCall(() => jamf.getUser(jamfId));
          if (!user) return [];
          remember(user.groups);
          const groups = user.groups.filter((g) => !g.isSmart).sort(byId);
          // The user record names its groups, so without members that one read answers (design.md §5).
          if (!withMembers) return resourcesFor(groups, ctx, false);
          groupIds = groups.map((g) => g.id);
        }
        const out: ScimObject[] = [];
        for (const gid of groupIds.sort((a, b) => a - b)) {
          try {
            out.push(await get(String(gid), ctx));
          } catch (err) {
            if ((err as { status?: number }).status !== 404) throw err;
          }
        }
        return out;
      }
    }
  }

  async function list(query: GroupListQuery, ctx: ResourceContext): Promise<{ totalResults: number; resources: ScimObject[] }> {
    const offset = query.startIndex - 1;
    if (query.lookup || query.predicate) {
      const candidates = query.lookup
        ? await lookupCandidates(query.lookup, ctx, query.withMembers || query.predicate !== undefined)
        : await resourcesFor(await staticSummaries(), ctx, true);
      const matches = query.predicate ? candidates.filter(query.predicate) : candidates;
      return { totalResults: matches.length, resources: matches.slice(offset, offset + query.count) };
    }
    const all = await staticSummaries();
    const window = all.slice(offset, offset + query.count);
    return { totalResults: all.length, resources: await resourcesFor(window, ctx, query.withMembers) };
  }

  /**
   * SCIM member ids → Jamf ids to write, and deactivated users whose tombstone records the group.
   * An id no user has is an error to add, and skipped on removal: a user who does not exist is
   * not a member, and removing a non-member is a no-op.
   */
  function splitMembers(ids: readonly string[], unknown: 'reject' | 'skip' = 'reject'): { jamfIds: number[]; tombstones: UserRecord[] } {
    const jamfIds: number[] = [];
    const tombstones: UserRecord[] = [];
    for (const id of new Set(ids)) {
      const { jamfId, record } = deps.resolveMember(id);
      if (record && record.status !== 'active') tombstones.push(record);
      else if (jamfId !== null) jamfIds.push(jamfId);
      else if (unknown === 'reject') throw invalidValue(`members: no user with id "${id}"`);
    }
    return { jamfIds, tombstones };
  }

  /** Jamf refused an addition: name the SCIM id that does not exist (extra reads only on this path). */
  async function missingMember(ids: readonly string[]): Promise<string | null> {
    for (const id of ids) {
      const { jamfId } = deps.resolveMember(id);
      if (jamfId === null) continue;
      const user = await jamfCall(() => jamf.getUser(jamfId));
      if (!user) return id;
    }
    return null;
  }

  function setTombstoneMembership(tombstones: UserRecord[], groupId: number, member: boolean) {
    if (tombstones.length === 0) return;
    store.transaction(() => {
      for (const t of tombstones) {
        const current = store.getUser(t.scimId);
        if (!current) continue;
        const has = current.groupIds.includes(groupId);
        if (member && !has) store.putUser({ ...current, groupIds: [...current.groupIds, groupId] });
        if (!member && has) store.putUser({ ...current, groupIds: current.groupIds.filter((g) => g !== groupId) });
      }
    });
  }

  function touchRecord(id: string, externalId: string | null | undefined) {
    const existing = store.getGroup(id);
    const stamp = now();
    store.putGroup({
      scimId: id,
      externalId: externalId === undefined ? (existing?.externalId ?? null) : externalId,
      created: existing?.created ?? stamp,
      lastModified: stamp,
    });
  }

  function isDuplicate(err: unknown) {
    return isJamfError(err, 'conflict') && /duplicate/i.test(err.message);
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
    return [...new Set(ids)].sort().reduceRight<() => Promise<T>>((inner, id) => () => lock(id, inner), fn)();
  }

  async function create(body: ScimObject, ctx: ResourceContext): Promise<ScimObject> {
    const memberIds = Array.isArray(body.members) ? (body.members as Array<{ value: string }>).map((m) => m.value) : [];
    return withMembersLocked(memberIds, () => createLocked(body, memberIds, ctx));
  }

  async function createLocked(body: ScimObject, memberIds: string[], ctx: ResourceContext): Promise<ScimObject> {
    const displayName = body.displayName as string;
    const { jamfIds, tombstones } = splitMembers(memberIds);
    let id: number;
    try {
      id = await jamf.createGroup({ name: displayName, memberIds: jamfIds });
    } catch (err) {
      if (isDuplicate(err)) throw conflict(`A group named "${displayName}" already exists`);
      if (isJamfError(err, 'conflict')) {
        const missing = await missingMember(memberIds);
        if (missing !== null) throw invalidValue(`members: no user with id "${missing}"`);
      }
      throw fromJamfError(err);
    }
    knownStatic.add(id);
    const externalId = typeof body.externalId === 'string' ? body.externalId : null;
    touchRecord(String(id), externalId);
    setTombstoneMembership(tombstones, id, true);
    deps.onEvent?.('group_created');
    // Built from what was written, not re-read: the create is one Jamf call (design.md §5). The
    // display is the userName this server knows, else the one the IdP sent.
    const sent = body.members as Array<{ value: string; display?: string }> | undefined;
    const memberList = memberIds.map((value) => {
      const known = deps.resolveMember(value).record?.userName;
      return memberRef(value, known ?? sent?.find((m) => m.value === value)?.display, ctx);
    });
    return toResource({ id, name: displayName }, store.getGroup(String(id)) ?? undefined, ctx, memberList);
  }

  /**
   * Applies a change with ONE Jamf PUT (design.md §5). Removing a non-member is a no-op: Jamf
   * refuses the whole PUT with 409 then, so the group is read and the PUT resent with only what
   * still applies (extra calls on that path only).
   */
  async function change(id: string, c: GroupChange): Promise<void> {
    if (!isGroupId(id) || knownSmart.has(Number(id))) throw notFound(`Group ${id} not found`);
    return withMembersLocked([...(c.add ?? []), ...(c.remove ?? []), ...(c.replace ?? [])], () => changeLocked(id, c));
  }

  async function changeLocked(id: string, c: GroupChange): Promise<void> {
    const groupId = Number(id);
    if (!knownStatic.has(groupId) && !store.getGroup(id)) await readStatic(id);

    const update: JamfGroupUpdate = {};
    if (c.displayName !== undefined) update.name = c.displayName;
    const add = splitMembers(c.add ?? []);
    const remove = splitMembers(c.remove ?? [], 'skip');
    let replaceTombstones: UserRecord[] | undefined;
    if (c.replace !== undefined || c.removeAll) {
      const rep = splitMembers(c.replace ?? []);
      const removeIds = new Set(remove.jamfIds);
      update.replaceIds = [...new Set([...rep.jamfIds, ...add.jamfIds])].filter((j) => !removeIds.has(j));
      replaceTombstones = [...rep.tombstones, ...add.tombstones].filter((t) => !remove.tombstones.some((r) => r.scimId === t.scimId));
    } else {
      if (add.jamfIds.length > 0) update.addIds = add.jamfIds;
      if (remove.jamfIds.length > 0) update.removeIds = remove.jamfIds;
    }

    const needsJamf = update.name !== undefined || update.addIds || update.removeIds || update.replaceIds;
    if (needsJamf) {
      try {
        await jamf.updateGroup(groupId, update);
      } catch (err) {
        await recoverUpdate(err, groupId, update, c);
      }
    } else if (!knownStatic.has(groupId)) {
      await readStatic(id);
    }
    knownStatic.add(groupId);

    if (replaceTombstones !== undefined) {
      const keep = new Set(replaceTombstones.map((t) => t.scimId));
      setTombstoneMembership(store.tombstonesInGroup(groupId).filter((t) => !keep.has(t.scimId)), groupId, false);
      setTombstoneMembership(replaceTombstones, groupId, true);
    } else {
      setTombstoneMembership(add.tombstones, groupId, true);
      setTombstoneMembership(remove.tombstones, groupId, false);
    }
    touchRecord(id, c.externalId);
  }

  /** A refused group PUT as the IdP should see it. */
  async function refusedUpdate(err: unknown, groupId: number, update: JamfGroupUpdate, c: GroupChange): Promise<never> {
    if (isJamfError(err, 'not_found')) {
      dropGroupRecord(String(groupId));
      throw notFound(`Group ${groupId} not found`);
    }
    if (isDuplicate(err)) throw conflict(`A group named "${update.name}" already exists`);
    if (isJamfError(err, 'conflict') && (update.addIds || update.replaceIds)) {
      // Jamf names its own user id; the IdP needs the SCIM id it sent (reads only on this path).
      const missing = await missingMember([...(c.add ?? []), ...(c.replace ?? [])]);
      if (missing !== null) throw invalidValue(`members: no user with id "${missing}"`);
    }
    throw fromJamfError(err);
  }

  /**
   * Jamf refuses a whole PUT with 409 when it removes a non-member (jamf-pro-api.md §4.4), which
   * SCIM treats as a no-op: the group is read and the PUT resent without those users. Any other
   * refusal is reported as it is.
   */
  async function recoverUpdate(err: unknown, groupId: number, update: JamfGroupUpdate, c: GroupChange): Promise<void> {
    if (!isJamfError(err, 'conflict') || isDuplicate(err) || !update.removeIds) return refusedUpdate(err, groupId, update, c);
    const group = await readStatic(String(groupId));
    const current = new Set(group.members.map((m) => m.id));
    const still = update.removeIds.filter((j) => current.has(j));
    if (still.length === update.removeIds.length) return refusedUpdate(err, groupId, update, c);
    const retry: JamfGroupUpdate = { ...update };
    if (still.length > 0) retry.removeIds = still;
    else delete retry.removeIds;
    if (retry.addIds && retry.addIds.every((j) => current.has(j))) delete retry.addIds;
    if (retry.name !== undefined && retry.name === group.name) delete retry.name;
    if (retry.name === undefined && !retry.addIds && !retry.removeIds) return;
    logger.info({ groupId }, 'group update resent without users who were not members');
    try {
      await jamf.updateGroup(groupId, retry);
    } catch (again) {
      await refusedUpdate(again, groupId, retry, c);
    }
  }

  async function remove(id: string): Promise<void> {
    if (!isGroupId(id) || knownSmart.has(Number(id))) throw notFound(`Group ${id} not found`);
    if (!knownStatic.has(Number(id)) && !store.getGroup(id)) await readStatic(id);
    try {
      await jamf.deleteGroup(Number(id));
    } catch (err) {
      if (!isJamfError(err, 'not_found')) throw fromJamfError(err);
      // Already gone from Jamf. A group this server still records was deleted by an earlier
      // attempt whose answer the IdP never got: its repeat succeeds, as DELETE /Users does.
      if (store.getGroup(id) === null) {
        dropGroupRecord(id);
        throw notFound(`Group ${id} not found`);
      }
    }
    knownStatic.delete(Number(id));
    dropGroupRecord(id);
    deps.onEvent?.('group_deleted');
  }

  return { get, list, create, change, remove };
}

export type GroupService = ReturnType<typeof createGroupService>;
