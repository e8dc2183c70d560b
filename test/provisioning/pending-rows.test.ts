import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { trackPendingRows } from '../../src/provisioning/pending-rows.js';
import type { StateStore, UserRecord } from '../../src/provisioning/ports.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';

const row = (scimId: string, status: UserRecord['status']): UserRecord => ({
  scimId,
  jamfId: status === 'active' ? Number(scimId) : null,
  userName: `u${scimId}@example.com`,
  externalId: null,
  status,
  attributes: {},
  writtenFullName: null,
  groupIds: [],
  created: '2026-01-01T00:00:00.000Z',
  lastModified: '2026-01-01T00:00:00.000Z',
  jamfSnapshot: null,
});

let dir: string;
let raw: StateStore;
afterEach(() => {
  raw.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = (rows: UserRecord[]) => rows.map((r) => r.scimId).sort();

describe('rows mid-lifecycle', () => {
  it('are found by one scan of the tombstones, then followed through the writes, each read fresh from the store', () => {
    dir = mkdtempSync(join(tmpdir(), 'jamf-scim-pending-'));
    raw = openSqliteStore(join(dir, 'state.db'));
    // Left by a server that stopped: one of each kind, beside rows that need nothing.
    raw.putUser(row('1', 'deactivating'));
    raw.putUser(row('2', 'reactivating'));
    raw.putUser(row('3', 'inactive'));
    raw.putUser(row('4', 'active'));
    const { store, pending } = trackPendingRows(raw);
    const scans = vi.spyOn(raw, 'listTombstones');

    store.putUser(row('5', 'deactivating'));
    expect(ids(pending())).toEqual(['1', '2', '5']);

    store.putUser(row('1', 'inactive'));
    store.putUser(row('3', 'reactivating'));
    store.deleteUser('2');
    store.putUser(row('6', 'deactivating'));
    expect(ids(pending())).toEqual(['3', '5', '6']);
    expect(pending().find((r) => r.scimId === '3')?.status).toBe('reactivating');
    expect(scans).toHaveBeenCalledTimes(1);
  });
});
