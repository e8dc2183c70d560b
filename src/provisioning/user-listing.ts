/**
 * Paged lists of users (design.md §4 Import): every Jamf user, then the tombstones, in a stable
 * order, with a true `totalResults`. One Jamf call per page on Jamf Pro ≥ 11.26 (`/api/v1/users`),
 * else the Classic list plus bounded reads of the page's users.
 */
import type { Logger } from 'pino';
import type { JamfUser } from '../jamf/types.js';
import { fromJamfError, jamfCall } from './errors.js';
import { mapLimit, type KeyedLock } from './keyed-lock.js';
import type { JamfDirectory, StateStore } from './ports.js';
import type { UserLifecycle } from './user-lifecycle.js';
import type { ResourceContext, ScimObject } from './user-mapping.js';
import type { UserList, UserListQuery, UserReads } from './user-reads.js';

export interface UserListingDeps {
  jamf: JamfDirectory;
  store: StateStore;
  logger: Logger;
  readConcurrency: number;
  withLock: KeyedLock;
  lifecycle: UserLifecycle;
  reads: Pick<UserReads, 'lookupCandidates' | 'fromJamfUsers' | 'tombstoneResource' | 'allTombstones'>;
}

const CLASSIC_SORT = (a: { id: number }, b: { id: number }) => a.id - b.id;
const JAMF_PAGE_MAX = 1000;

export function createUserListing(deps: UserListingDeps) {
  const { jamf, store, logger, withLock, lifecycle } = deps;
  const { lookupCandidates, fromJamfUsers, tombstoneResource, allTombstones } = deps.reads;

  async function readJamfUsers(ids: number[]): Promise<JamfUser[]> {
    const users = await mapLimit(ids, deps.readConcurrency, (id) => jamfCall(() => jamf.getUser(id)));
    return users.filter((u): u is JamfUser => u !== null);
  }

  /** One window of Jamf users in id order, plus Jamf's total; 0-based offset. */
  async function jamfWindow(offset: number, count: number): Promise<{ total: number; users: JamfUser[] }> {
    try {
      const info = await jamf.serverInfo();
      if (info.hasUsersApi) {
        const size = Math.max(1, Math.min(count, JAMF_PAGE_MAX));
        const first = Math.floor(offset / size);
        const page = await jamf.pageUsers({ page: first, pageSize: size });
        const users = [...page.users];
        const endOffset = offset + count;
        let nextPage = first + 1;
        // A window that is not aligned to Jamf's pages spans two of them.
        while (count > 0 && nextPage * size < Math.min(endOffset, page.totalCount)) {
          users.push(...(await jamf.pageUsers({ page: nextPage, pageSize: size })).users);
          nextPage++;
        }
        const skip = offset - first * size;
        return { total: page.totalCount, users: users.slice(skip, skip + count) };
      }
      const all = (await jamf.listUsers()).sort(CLASSIC_SORT);
      const ids = all.slice(offset, offset + count).map((u) => u.id);
      return { total: all.length, users: await readJamfUsers(ids) };
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
    for (const row of allTombstones()) {
      if (row.status === 'inactive') continue;
      await withLock(row.scimId, async () => {
        const fresh = store.getUser(row.scimId);
        if (fresh?.status !== 'deactivating' && fresh?.status !== 'reactivating') return;
        await lifecycle.settle(fresh).catch((err: unknown) => {
          logger.warn({ scimId: row.scimId, err: (err as Error).message }, 'could not finish an interrupted lifecycle step yet');
        });
      });
    }
  }

  async function list(query: UserListQuery, ctx: ResourceContext): Promise<UserList> {
    const offset = query.startIndex - 1;
    if (!query.lookup) await settlePending();
    if (query.lookup || query.predicate) {
      let candidates: ScimObject[];
      if (query.lookup) {
        candidates = await lookupCandidates(query.lookup, ctx);
      } else {
        const hasUsersApi = (await jamf.serverInfo().catch((e) => Promise.reject(fromJamfError(e)))).hasUsersApi;
        candidates = [...fromJamfUsers(await allJamfUsers(), ctx, !hasUsersApi), ...allTombstones().map((r) => tombstoneResource(r, ctx))];
      }
      const matches = query.predicate ? candidates.filter(query.predicate) : candidates;
      return { totalResults: matches.length, resources: matches.slice(offset, offset + query.count) };
    }

    const { total: jamfTotal, users } = await jamfWindow(offset, query.count);
    const hasUsersApi = (await jamf.serverInfo()).hasUsersApi;
    const resources = fromJamfUsers(users, ctx, !hasUsersApi);
    const tombstoneTotal = store.countTombstones();
    const room = query.count - users.length;
    if (room > 0 && offset + users.length >= jamfTotal) {
      const tombOffset = Math.max(0, offset - jamfTotal);
      resources.push(...store.listTombstones(tombOffset, room).map((r) => tombstoneResource(r, ctx)));
    }
    return { totalResults: jamfTotal + tombstoneTotal, resources };
  }

  return { list };
}
