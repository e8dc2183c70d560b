/**
 * The console's group search: a case-insensitive substring of displayName or externalId over
 * Jamf's static groups (the one unpaged list call, kept for 30 s as the user search keeps the
 * user list, so a search typed letter by letter costs one Jamf call) and the store's group records
 * (externalIds, read fresh every time: a local read). Smart groups are not SCIM groups (design.md
 * §3), so they never show. The list names no members; counting them would cost one Jamf read per
 * group, so the hit's `members` is null and the group's page shows them.
 */
import type { JamfGroupSummary } from '../jamf/types.js';
import type { JamfDirectory, StateStore } from '../provisioning/ports.js';
import { JAMF_LIST_CACHE_MS } from './user-search.js';

export interface GroupHit {
  /** The SCIM id (the Jamf id). */
  id: string;
  displayName: string;
  externalId: string | null;
  members: number | null;
}

export interface GroupSearchDeps {
  jamf: Pick<JamfDirectory, 'listGroups'>;
  store: Pick<StateStore, 'getGroups'>;
  now?: () => number;
}

export function createGroupSearch(deps: GroupSearchDeps) {
  const now = deps.now ?? Date.now;
  let cached: { at: number; groups: JamfGroupSummary[] } | undefined;
  let loading: Promise<JamfGroupSummary[]> | undefined;

  const jamfGroups = (): Promise<JamfGroupSummary[]> => {
    if (cached !== undefined && now() - cached.at < JAMF_LIST_CACHE_MS) return Promise.resolve(cached.groups);
    loading ??= deps.jamf
      .listGroups()
      .then((all) => {
        const groups = all.filter((g) => !g.isSmart);
        cached = { at: now(), groups };
        return groups;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    async search(q: string, count: number): Promise<{ results: GroupHit[]; total: number }> {
      const listed = await jamfGroups();
      const records = await deps.store.getGroups(listed.map((g) => String(g.id)));
      const needle = q.toLowerCase();
      const has = (value: string | null) => value !== null && value.toLowerCase().includes(needle);
      const found = listed
        .map((g): GroupHit => ({ id: String(g.id), displayName: g.name, externalId: records.get(String(g.id))?.externalId ?? null, members: null }))
        .filter((g) => g.id === q || has(g.displayName) || has(g.externalId))
        .sort((a, b) => a.displayName.toLowerCase().localeCompare(b.displayName.toLowerCase()) || Number(a.id) - Number(b.id));
      return { results: found.slice(0, count), total: found.length };
    },
  };
}
