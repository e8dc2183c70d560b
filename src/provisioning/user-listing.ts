/**
 * Paged lists of users (design.md §4 Import): every Jamf user, then the tombstones, in a stable
 * order, with a true `totalResults`. One Jamf call per page on Jamf Pro ≥ 11.26 (`/api/v1/users`),
 * else the Classic list plus bounded reads of the page's users. A sorted list (RFC 7644
 * §3.4.2.3) is sorted by Jamf where it can (userName on Jamf Pro ≥ 11.26, no tombstones), else
 * here over every candidate; README "Import / Users lists" gives the cost of each path.
 */
import type { Logger } from 'pino';
import type { JamfUser, JamfUserSummary } from '../jamf/types.js';
import { resourceComparator, sortResources, type ResourceSort } from '../scim/sort.js';
import { fromJamfError, jamfCall } from './errors.js';
import type { JamfIdList } from './jamf-id-list.js';
import { mapLimit, type KeyedLock } from './keyed-lock.js';
import type { JamfDirectory, StateStore } from './ports.js';
import type { UserLifecycle } from './user-lifecycle.js';
import type { ScimObject } from './user-mapping.js';
import type { ResourceContext } from './user-view.js';
import type { UserList, UserListQuery, UserReads } from './user-reads.js';

export interface UserListingDeps {
  jamf: JamfDirectory;
  store: StateStore;
  logger: Logger;
  readConcurrency: number;
  withLock: KeyedLock;
  lifecycle: UserLifecycle;
  reads: Pick<UserReads, 'lookupCandidates' | 'fromJamfUsers' | 'tombstoneResource' | 'allTombstones'>;
  /** The Classic id list an import pages through (jamf-id-list.ts). */
  idList: Pick<JamfIdList, 'ids'>;
}

const CLASSIC_SORT = (a: { id: number }, b: { id: number }) => a.id - b.id;
const JAMF_PAGE_MAX = 1000;

export type SortedUserListQuery = UserListQuery & { sort?: ResourceSort };

export function createUserListing(deps: UserListingDeps) {
  const { jamf, store, logger, withLock, lifecycle } = deps;
  const { lookupCandidates, fromJamfUsers, tombstoneResource, allTombstones } = deps.reads;

  async function readJamfUsers(ids: number[]): Promise<JamfUser[]> {
    const users = await mapLimit(ids, deps.readConcurrency, (id) => jamfCall(() => jamf.getUser(id)));
    return users.filter((u): u is JamfUser => u !== null);
  }

  /** One window of Jamf users in id order, plus Jamf's total; 0-based offset. */
  /** `sort` (Jamf's `prop:dir`) is honoured on Jamf Pro ≥ 11.26 only; callers check. */
  async function jamfWindow(offset: number, count: number, sort?: string): Promise<{ total: number; users: JamfUser[] }> {
    try {
      const info = await jamf.serverInfo();
      if (info.hasUsersApi) {
        const size = Math.max(1, Math.min(count, JAMF_PAGE_MAX));
        const first = Math.floor(offset / size);
        const sorted = sort === undefined ? {} : { sort };
        const page = await jamf.pageUsers({ page: first, pageSize: size, ...sorted });
        const users = [...page.users];
        const endOffset = offset + count;
        let nextPage = first + 1;
        // A window that is not aligned to Jamf's pages spans two of them.
        while (count > 0 && nextPage * size < Math.min(endOffset, page.totalCount)) {
          users.push(...(await jamf.pageUsers({ page: nextPage, pageSize: size, ...sorted })).users);
          nextPage++;
        }
        const skip = offset - first * size;
        return { total: page.totalCount, users: users.slice(skip, skip + count) };
      }
      const all = await deps.idList.ids(offset === 0);
      return { total: all.length, users: await readJamfUsers(all.slice(offset, offset + count)) };
    } catch (err) {
      throw fromJamfError(err);
    }
  }

  async function allJamfUsers(): Promise<JamfUser[]> {
    try {
      const info = await jamf.serverInfo();
      if (info.hasUsersApi) {
        const users: JamfUser[] = [];
        for (let page = 0; ; page++) {
          const res = await jamf.pageUsers({ page, pageSize: JAMF_PAGE_MAX });
          users.push(...res.users);
          if (res.users.length < JAMF_PAGE_MAX || users.length >= res.totalCount) return users;
        }
      }
      const all = (await jamf.listUsers()).sort(CLASSIC_SORT);
      return await readJamfUsers(all.map((u) => u.id));
    } catch (err) {
      throw fromJamfError(err);
    }
  }

  /**
   * A row a failure left mid-lifecycle is in Jamf and among the tombstones at once. A listing
   * finishes such rows first (design.md §4), so that every user is counted and paged once; if
   * Jamf still fails, the listing goes on and the next request tries again.
   */
  async function settlePending(): Promise<void> {
    for (const row of await store.listPending()) {
      await withLock(row.scimId, async () => {
        const fresh = await store.getUser(row.scimId);
        if (fresh?.status !== 'deactivating' && fresh?.status !== 'reactivating') return;
        await lifecycle.settle(fresh).catch((err: unknown) => {
          logger.warn({ scimId: row.scimId, err: (err as Error).message }, 'could not finish an interrupted lifecycle step yet');
        });
      });
    }
  }

  /**
   * What a Classic list entry sorts by, without reading the user: the name from the list, and
   * id, externalId and meta from the store. Rows mid-lifecycle are listed from their tombstones.
   */
  async function sortKeys(summaries: JamfUserSummary[]): Promise<Array<{ key: ScimObject; jamfId: number }>> {
    const records = await store.getUsersByJamfIds(summaries.map((u) => u.id));
    return summaries.flatMap((u) => {
      const record = records.get(u.id);
      if (record && record.status !== 'active') return [];
      const key: ScimObject = { id: record?.scimId ?? String(u.id), userName: u.name };
      if (record?.externalId) key.externalId = record.externalId;
      if (record) key.meta = { created: record.created, lastModified: record.lastModified };
      return [{ key, jamfId: u.id }];
    });
  }

  async function sortedList(query: UserListQuery, sort: ResourceSort, ctx: ResourceContext): Promise<UserList> {
    const offset = query.startIndex - 1;
    const { hasUsersApi } = await jamf.serverInfo().catch((e: unknown) => Promise.reject(fromJamfError(e)));
    if (hasUsersApi && sort.attribute === 'userName' && await store.countTombstones() === 0) {
      // Jamf sorts by username itself (jamf-pro-api.md §3.1): one call per page, as unsorted.
      // Usernames are unique in Jamf, so its order needs no tie-break.
      const { total, users } = await jamfWindow(offset, query.count, `username:${sort.descending ? 'desc' : 'asc'}`);
      return { totalResults: total, resources: await fromJamfUsers(users, ctx, false) };
    }
    const tombstones = (await allTombstones()).map((r) => tombstoneResource(r, ctx));
    if (hasUsersApi || sort.attribute === 'displayName') {
      // The pages hold every sortable attribute; Classic has displayName only in each user's record.
      const everyone = sortResources([...(await fromJamfUsers(await allJamfUsers(), ctx, !hasUsersApi)), ...tombstones], sort);
      return { totalResults: everyone.length, resources: everyone.slice(offset, offset + query.count) };
    }
    const summaries = await jamfCall(() => jamf.listUsers());
    const compare = resourceComparator(sort);
    const ordered: Array<{ key: ScimObject; jamfId?: number }> = [...(await sortKeys(summaries)), ...tombstones.map((key) => ({ key }))];
    ordered.sort((a, b) => compare(a.key, b.key));
    const window = ordered.slice(offset, offset + query.count);
    const read = await readJamfUsers(window.flatMap((e) => (e.jamfId === undefined ? [] : [e.jamfId])));
    const full = new Map<number, ScimObject>();
    for (const u of read) for (const resource of await fromJamfUsers([u], ctx, true)) full.set(u.id, resource);
    // A user deleted in Jamf since the list answered is left out of the page.
    const resources: ScimObject[] = [];
    for (const e of window) {
      const resource = e.jamfId === undefined ? e.key : full.get(e.jamfId);
      if (resource) resources.push(resource);
    }
    return { totalResults: ordered.length, resources };
  }

  async function list(query: SortedUserListQuery, ctx: ResourceContext): Promise<UserList> {
    const offset = query.startIndex - 1;
    if (!query.lookup) await settlePending();
    if (query.sort && !query.lookup && !query.predicate) return sortedList(query, query.sort, ctx);
    if (query.lookup || query.predicate) {
      let candidates: ScimObject[];
      if (query.lookup) {
        candidates = await lookupCandidates(query.lookup, ctx);
      } else {
        const hasUsersApi = (await jamf.serverInfo().catch((e) => Promise.reject(fromJamfError(e)))).hasUsersApi;
        candidates = [...(await fromJamfUsers(await allJamfUsers(), ctx, !hasUsersApi)), ...(await allTombstones()).map((r) => tombstoneResource(r, ctx))];
      }
      const filtered = query.predicate ? candidates.filter(query.predicate) : candidates;
      const matches = query.sort ? sortResources(filtered, query.sort) : filtered;
      return { totalResults: matches.length, resources: matches.slice(offset, offset + query.count) };
    }

    const { total: jamfTotal, users } = await jamfWindow(offset, query.count);
    const hasUsersApi = (await jamf.serverInfo()).hasUsersApi;
    const resources = await fromJamfUsers(users, ctx, !hasUsersApi);
    const tombstoneTotal = await store.countTombstones();
    const room = query.count - users.length;
    if (room > 0 && offset + users.length >= jamfTotal) {
      const tombOffset = Math.max(0, offset - jamfTotal);
      resources.push(...(await store.listTombstones(tombOffset, room)).map((r) => tombstoneResource(r, ctx)));
    }
    return { totalResults: jamfTotal + tombstoneTotal, resources };
  }

  return { list, settlePending };
}
