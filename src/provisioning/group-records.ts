/**
 * The store's part of a group change: deactivated members' memberships and group names (their
 * tombstones keep them for the reactivation) and the group's own record.
 */
import type { StateStore, UserRecord } from './ports.js';

export function createGroupRecords(store: StateStore, now: () => string) {
  async function setTombstoneMembership(tombstones: UserRecord[], groupId: number, member: boolean): Promise<void> {
    if (tombstones.length === 0) return;
    await store.transaction(async () => {
      for (const t of tombstones) {
        const current = await store.getUser(t.scimId);
        if (!current) continue;
        const has = current.groupIds.includes(groupId);
        if (member && !has) await store.putUser({ ...current, groupIds: [...current.groupIds, groupId] });
        if (!member && has) await store.putUser({ ...current, groupIds: current.groupIds.filter((g) => g !== groupId) });
      }
    });
  }

  /** Deactivated members keep the group's name for their reactivation's answer (ports.ts JamfSnapshot.groups). */
  async function renameInTombstones(groupId: number, name: string): Promise<void> {
    const stale = (await store.tombstonesInGroup(groupId)).filter((t) => t.jamfSnapshot?.groups?.some((g) => g.id === groupId && g.name !== name));
    if (stale.length === 0) return;
    await store.transaction(async () => {
      for (const t of stale) {
        const snapshot = t.jamfSnapshot as NonNullable<UserRecord['jamfSnapshot']>;
        const groups = (snapshot.groups ?? []).map((g) => (g.id === groupId ? { ...g, name } : g));
        await store.putUser({ ...t, jamfSnapshot: { ...snapshot, groups } });
      }
    });
  }

  async function touchRecord(id: string, externalId: string | null | undefined): Promise<void> {
    const existing = await store.getGroup(id);
    const stamp = now();
    await store.putGroup({
      scimId: id,
      externalId: externalId === undefined ? (existing?.externalId ?? null) : externalId,
      created: existing?.created ?? stamp,
      lastModified: stamp,
    });
  }

  return { setTombstoneMembership, renameInTombstones, touchRecord };
}
