/** Reads of static user groups: by id, by indexed filter, and lists (design.md §3, §5). */
import { isJamfError } from '../jamf/errors.js';
import type { JamfGroup, JamfGroupSummary } from '../jamf/types.js';
import { fromJamfError, jamfCall, notFound } from './errors.js';
import { groupMembers, groupResource } from './group-view.js';
import { foldName } from '../scim/name-fold.js';
import { sortResources, type ResourceSort } from '../scim/sort.js';
import { mapLimit } from './keyed-lock.js';
import type { NameClaims } from './name-claims.js';
import type { JamfDirectory, StateStore, UserRecord } from './ports.js';
import type { ScimObject } from './user-mapping.js';
import type { ResourceContext } from './user-view.js';

export type GroupLookup = { kind: 'id' | 'displayName' | 'externalId' | 'member'; value: string };

export interface GroupListQuery {
  lookup?: GroupLookup;
  predicate?: (resource: ScimObject) => boolean;
  startIndex: number;
  count: number;
  /** false when the client excluded `members`: the list is then served from one Jamf call. */
  withMembers: boolean;
  /** RFC 7644 §3.4.2.3; absent = Jamf id order. */
  sort?: ResourceSort;
}

export interface GroupReadsDeps {
  jamf: JamfDirectory;
  store: StateStore;
  readConcurrency: number;
  names: NameClaims;
  resolveMember: (scimId: string) => Promise<{ jamfId: number | null; record: UserRecord | null }>;
}

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
export const isGroupId = (id: string) => /^[1-9]\d{0,15}$/.test(id);

export function createGroupReads(deps: GroupReadsDeps) {
  const { jamf, store } = deps;
  /** Jamf never turns a smart group into a static one, so what was seen once stays true. */
  const knownStatic = new Set<number>();
  const knownSmart = new Set<number>();

  function remember(groups: Array<{ id: number; isSmart: boolean }>) {
    for (const g of groups) (g.isSmart ? knownSmart : knownStatic).add(g.id);
  }

  /** A group gone from Jamf: its record and every tombstone's membership of it go too. */
  async function dropGroupRecord(id: string): Promise<void> {
    await store.transaction(async () => {
      await store.deleteGroup(id);
      for (const t of await store.tombstonesInGroup(Number(id))) {
        await store.putUser({ ...t, groupIds: t.groupIds.filter((g) => g !== Number(id)) });
      }
    });
  }

  async function allSummaries(): Promise<JamfGroupSummary[]> {
    const all = await jamfCall(() => jamf.listGroups());
    remember(all);
    return all;
  }

  async function staticSummaries(): Promise<JamfGroupSummary[]> {
    return (await allSummaries()).filter((g) => !g.isSmart).sort(byId);
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
      else await dropGroupRecord(id);
      throw notFound(`Group ${id} not found`);
    }
    remember([group]);
    return group;
  }

  async function get(id: string, ctx: ResourceContext): Promise<ScimObject> {
    const group = await readStatic(id);
    return groupResource(group, await store.getGroup(id) ?? undefined, ctx, await groupMembers(store, group, ctx));
  }

  async function resourcesFor(summaries: JamfGroupSummary[], ctx: ResourceContext, withMembers: boolean): Promise<ScimObject[]> {
    const records = await store.getGroups(summaries.map((g) => String(g.id)));
    if (!withMembers) return summaries.map((g) => groupResource(g, records.get(String(g.id)), ctx, undefined));
    const full = await mapLimit(summaries, deps.readConcurrency, (g) => jamfCall(() => jamf.getGroup(g.id)));
    const out: ScimObject[] = [];
    for (const g of full) {
      if (g && !g.isSmart) out.push(groupResource(g, records.get(String(g.id)), ctx, await groupMembers(store, g, ctx)));
    }
    return out;
  }

  async function existing(ids: readonly (string | number)[], ctx: ResourceContext): Promise<ScimObject[]> {
    const out: ScimObject[] = [];
    for (const id of ids) {
      try {
        out.push(await get(String(id), ctx));
      } catch (err) {
        if ((err as { status?: number }).status !== 404) throw err;
      }
    }
    return out;
  }

  async function byMember(scimId: string, ctx: ResourceContext, withMembers: boolean): Promise<ScimObject[]> {
    // The member's own record lists its groups: one read instead of reading every group.
    const { jamfId, record } = await deps.resolveMember(scimId);
    if (record && record.status !== 'active') {
      if (!withMembers) {
        // The tombstone holds only ids: the list gives the names of those that still exist.
        const wanted = new Set(record.groupIds);
        return resourcesFor((await staticSummaries()).filter((g) => wanted.has(g.id)), ctx, false);
      }
      return existing([...record.groupIds].sort((a, b) => a - b), ctx);
    }
    if (jamfId === null) return [];
    const user = await jamfCall(() => jamf.getUser(jamfId));
    if (!user) return [];
    remember(user.groups);
    const groups = user.groups.filter((g) => !g.isSmart).sort(byId);
    // The user record names its groups, so without members that one read answers (design.md §5).
    if (!withMembers) return resourcesFor(groups, ctx, false);
    return existing(
      groups.map((g) => g.id),
      ctx,
    );
  }

  async function lookupCandidates(lookup: GroupLookup, ctx: ResourceContext, withMembers: boolean): Promise<ScimObject[]> {
    switch (lookup.kind) {
      case 'id':
        return existing([lookup.value], ctx);
      case 'displayName': {
        const wanted = foldName(lookup.value);
        const started = deps.names.beginLookup(lookup.value);
        const hits = (await staticSummaries()).filter((g) => foldName(g.name) === wanted);
        if (hits.length === 0) deps.names.sawAbsent(lookup.value, started);
        return resourcesFor(hits, ctx, withMembers);
      }
      case 'externalId':
        return existing(
          (await store.findGroupsByExternalId(lookup.value)).map((r) => r.scimId),
          ctx,
        );
      case 'member':
        return byMember(lookup.value, ctx, withMembers);
    }
  }

  async function list(query: GroupListQuery, ctx: ResourceContext): Promise<{ totalResults: number; resources: ScimObject[] }> {
    const offset = query.startIndex - 1;
    if (query.lookup || query.predicate) {
      const candidates = query.lookup
        ? await lookupCandidates(query.lookup, ctx, query.withMembers || query.predicate !== undefined)
        : await resourcesFor(await staticSummaries(), ctx, true);
      const filtered = query.predicate ? candidates.filter(query.predicate) : candidates;
      const matches = query.sort ? sortResources(filtered, query.sort) : filtered;
      return { totalResults: matches.length, resources: matches.slice(offset, offset + query.count) };
    }
    const all = await staticSummaries();
    if (query.sort) {
      // Every sortable attribute is in the list or the store: the order costs no group reads, and
      // only the page's groups are read for their members, as without sortBy.
      const keys = sortResources(await resourcesFor(all, ctx, false), query.sort).slice(offset, offset + query.count);
      if (!query.withMembers) return { totalResults: all.length, resources: keys };
      const byGroupId = new Map(all.map((g) => [String(g.id), g]));
      const window = keys.flatMap((k) => byGroupId.get(String(k.id)) ?? []);
      return { totalResults: all.length, resources: await resourcesFor(window, ctx, true) };
    }
    const window = all.slice(offset, offset + query.count);
    return { totalResults: all.length, resources: await resourcesFor(window, ctx, query.withMembers) };
  }

  return { get, list, readStatic, dropGroupRecord, knownStatic, knownSmart };
}

export type GroupReads = ReturnType<typeof createGroupReads>;
