import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore, UserRecord } from '../../src/provisioning/ports.js';
import { openSqliteStore, type Synchronous } from '../../src/store/sqlite-store.js';
import { user } from './fixtures.js';

// The store's durability rule (sqlite-store.ts): a row Jamf does not hold is fsynced before the
// write returns (synchronous=FULL); every other write commits with NORMAL.
describe('SQLite state store durability', () => {
  let dir: string;
  let path: string;
  let store: StateStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jamf-scim-store-'));
    path = join(dir, 'state.db');
    store = openSqliteStore(path);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits a row not active in Jamf with synchronous=FULL and every other write with NORMAL', async () => {
    await store.close();
    const commits: Synchronous[] = [];
    store = openSqliteStore(path, { onCommit: (level) => commits.push(level) });
    const levelOf = (fn: () => void) => {
      commits.length = 0;
      fn();
      return commits.join(' ');
    };
    expect(levelOf(() => store.putUser(user()))).toBe('NORMAL');
    expect(levelOf(() => store.putUser(user({ attributes: { userName: 'Ada@Example.com', title: 'CTO' } })))).toBe('NORMAL');
    // The tombstone written before the Jamf delete, and every row Jamf no longer holds.
    expect(levelOf(() => store.putUser(user({ status: 'deactivating', groupIds: [3] })))).toBe('FULL');
    expect(levelOf(() => store.putUser(user({ status: 'inactive', jamfId: null, groupIds: [3] })))).toBe('FULL');
    expect(levelOf(() => store.putUser(user({ status: 'reactivating', jamfId: null })))).toBe('FULL');
    expect(levelOf(() => store.putUser(user({ status: 'reactivating', jamfId: 9 })))).toBe('FULL');
    expect(levelOf(() => store.putUser(user({ jamfId: 9 })))).toBe('NORMAL');
    expect(levelOf(() => store.putGroup({ scimId: '7', externalId: null, created: 'c', lastModified: 'm' }))).toBe('NORMAL');
    expect(levelOf(() => store.deleteGroup('7'))).toBe('NORMAL');
    expect(levelOf(() => store.deleteUser('1'))).toBe('NORMAL');
    await store.putUser(user({ scimId: '2', jamfId: null, status: 'inactive' }));
    expect(levelOf(() => store.deleteUser('2'))).toBe('FULL');
    expect(levelOf(() => store.deleteUser('2'))).toBe('NORMAL');
    expect(levelOf(() => store.checkWritable())).toBe('NORMAL');
  });

  it('ends a transaction that wrote a tombstone with a FULL commit, and one that did not with none', async () => {
    await store.close();
    const commits: Synchronous[] = [];
    store = openSqliteStore(path, { onCommit: (level) => commits.push(level) });
    await store.transaction(async () => {
      await store.putUser(user({ scimId: '2', jamfId: 2, userName: 'b' }));
      await store.putGroup({ scimId: '7', externalId: null, created: 'c', lastModified: 'm' });
    });
    expect(commits).toEqual(['NORMAL']);
    commits.length = 0;
    await store.transaction(async () => {
      await store.putUser(user({ status: 'inactive', jamfId: null, groupIds: [7] }));
      await store.transaction(() => store.putUser(user({ scimId: '3', jamfId: 3, userName: 'c' })));
    });
    expect(commits.at(-1)).toBe('FULL');
    expect((await store.getUser('1'))?.groupIds).toEqual([7]);
  });

  it('returns to NORMAL after a durable write that fails', async () => {
    await store.close();
    const commits: Synchronous[] = [];
    store = openSqliteStore(path, { onCommit: (level) => commits.push(level) });
    await expect(store.putUser(user({ status: 'gone' as UserRecord['status'] }))).rejects.toThrow(/CHECK/);
    await store.putUser(user());
    expect(commits).toEqual(['NORMAL']);
  });

  it('has a NORMAL commit in its files when the write returns, so a crashed process keeps it', async () => {
    await store.putUser(user());
    await store.putUser(user({ attributes: { userName: 'Ada@Example.com', title: 'CTO' }, lastModified: 'later' }));
    await store.putGroup({ scimId: '7', externalId: 'e-7', created: 'c', lastModified: 'm' });
    // Copied while the store is open: nothing was checkpointed or closed, as after a kill -9.
    const crashed = join(dir, 'crashed.db');
    copyFileSync(path, crashed);
    copyFileSync(`${path}-wal`, `${crashed}-wal`);
    const reopened = openSqliteStore(crashed);
    expect(await reopened.getUser('1')).toMatchObject({ attributes: { title: 'CTO' }, lastModified: 'later' });
    expect(await reopened.getGroup('7')).toMatchObject({ externalId: 'e-7', lastModified: 'm' });
    await reopened.close();
  });
});
