/**
 * The console's user search: a case-insensitive substring of userName, displayName or externalId
 * over Jamf's user list (ids and names) and the store's rows (externalIds, the displayNames the
 * IdP wrote, tombstones, which Jamf no longer lists). Jamf's list is one unpaged call that takes
 * longer the larger the tenant, so it is kept for 30 s: a search typed letter by letter costs one
 * Jamf call, not one per keystroke. The store is read fresh every time (a local read), so a
 * deactivation or a purge shows at once; a user created in Jamf shows within 30 s.
 */
import type { JamfUserSummary } from '../jamf/types.js';
import type { JamfDirectory, StateStore, UserRecord } from '../provisioning/ports.js';

export const JAMF_LIST_CACHE_MS = 30_000;

export interface UserHit {
  /** The SCIM id. */
  id: string;
  userName: string;
  displayName: string | null;
  externalId: string | null;
  active: boolean;
  jamfId: number | null;
}

export interface UserSearchDeps {
  jamf: Pick<JamfDirectory, 'listUsers'>;
  store: Pick<StateStore, 'getUsersByJamfIds' | 'listTombstones' | 'countTombstones'>;
  now?: () => number;
}

const displayNameOf = (row: UserRecord | undefined): string | null => {
  const value = row?.attributes.displayName;
  return typeof value === 'string' && value !== '' ? value : null;
};

export function createUserSearch(deps: UserSearchDeps) {
  const now = deps.now ?? Date.now;
  let cached: { at: number; users: JamfUserSummary[] } | undefined;
  let loading: Promise<JamfUserSummary[]> | undefined;

  const jamfUsers = (): Promise<JamfUserSummary[]> => {
    if (cached !== undefined && now() - cached.at < JAMF_LIST_CACHE_MS) return Promise.resolve(cached.users);
    loading ??= deps.jamf
      .listUsers()
      .then((users) => {
        cached = { at: now(), users };
        return users;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  /** Every user the server can show: Jamf's, with their rows, then the tombstones. */
  async function everyone(): Promise<UserHit[]> {
    const listed = await jamfUsers();
    const rows = await deps.store.getUsersByJamfIds(listed.map((u) => u.id));
    const hits = new Map<string, UserHit>();
    for (const u of listed) {
      const row = rows.get(u.id);
      // A Jamf user no SCIM user holds reads under its Jamf id (design.md §3).
      const id = row?.scimId ?? String(u.id);
      hits.set(id, { id, userName: u.name, displayName: displayNameOf(row), externalId: row?.externalId ?? null, active: row ? row.status === 'active' : true, jamfId: u.id });
    }
    for (const row of await deps.store.listTombstones(0, await deps.store.countTombstones())) {
      if (hits.has(row.scimId)) continue;
      hits.set(row.scimId, { id: row.scimId, userName: row.userName, displayName: displayNameOf(row), externalId: row.externalId, active: false, jamfId: row.jamfId });
    }
    return [...hits.values()];
  }

  return {
    async search(q: string, count: number): Promise<{ results: UserHit[]; total: number }> {
      const needle = q.toLowerCase();
      const has = (value: string | null) => value !== null && value.toLowerCase().includes(needle);
      const found = (await everyone())
        .filter((u) => u.id === q || has(u.userName) || has(u.displayName) || has(u.externalId))
        .sort((a, b) => a.userName.toLowerCase().localeCompare(b.userName.toLowerCase()) || a.id.localeCompare(b.id));
      return { results: found.slice(0, count), total: found.length };
    },
  };
}
