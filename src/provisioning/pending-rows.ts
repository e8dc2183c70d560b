/**
 * Which rows a failure left mid-lifecycle ('deactivating', 'reactivating'), for the listing that
 * finishes them first (user-listing.ts). Finding them by reading every tombstone made each page
 * of an import cost 22 ms at 2,000 tombstones and 134 ms at 10,000, more than its Jamf call on
 * Jamf Pro ≥ 11.26. The store is read whole once, at the first listing after start (rows a
 * stopped server left); from then on every status a user row gets passes through the writes
 * this tracks, since one server process owns its store (its locks are in-process too). Rows are
 * re-read from the store when asked for, so what is returned is never older than the store.
 */
import type { StateStore, UserRecord } from './ports.js';

const isPending = (r: UserRecord) => r.status === 'deactivating' || r.status === 'reactivating';

export function trackPendingRows(store: StateStore): { store: StateStore; pending: () => UserRecord[] } {
  /**
   * null until the first scan; then the SCIM ids of rows that may be mid-lifecycle. An id leaves
   * it only when the store shows its row finished or gone, so a write a transaction rolled back
   * cannot hide a row.
   */
  let ids: Set<string> | null = null;

  const tracked: StateStore = {
    ...store,
    putUser(record) {
      store.putUser(record);
      if (ids !== null && isPending(record)) ids.add(record.scimId);
    },
  };

  function pending(): UserRecord[] {
    if (ids === null) {
      const found = store.listTombstones(0, Number.MAX_SAFE_INTEGER).filter(isPending);
      ids = new Set(found.map((r) => r.scimId));
      return found;
    }
    const rows: UserRecord[] = [];
    for (const id of ids) {
      const row = store.getUser(id);
      if (row && isPending(row)) rows.push(row);
      else ids.delete(id);
    }
    return rows;
  }

  return { store: tracked, pending };
}
