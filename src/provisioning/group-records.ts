/**
 * The store's part of a group change: deactivated members' memberships and group names (their
 * tombstones keep them for the reactivation) and the group's own record.
 */
import type { StateStore, UserRecord } from './ports.js';

export function createGroupRecords(store: StateStore, now: () => string) {
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

  /** Deactivated members keep the group's name for their reactivation's answer (ports.ts JamfSnapshot.groups). */
  function renameInTombstones(groupId: number, name: string) {
    const stale = store.tombstonesInGroup(groupId).filter((t) => t.jamfSnapshot?.groups?.some((g) => g.id === groupId && g.name !== name));
    if (stale.length === 0) return;
    store.transaction(() => {
      for (const t of stale) {
        const snapshot = t.jamfSnapshot as NonNullable<UserRecord['jamfSnapshot']>;
        const groups = (snapshot.groups ?? []).map((g) => (g.id === groupId ? { ...g, name } : g));
        store.putUser({ ...t, jamfSnapshot: { ...snapshot, groups } });
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

  return { setTombstoneMembership, renameInTombstones, touchRecord };
}
