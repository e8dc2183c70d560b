import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GroupRecord, UserRecord } from '../../src/provisioning/ports.js';
import { auditEntry } from '../audit/fixtures.js';
import { BACKENDS, type OpenedStore } from './contract-backends.js';
import { user } from './fixtures.js';

const tombstone = (scimId: string, over: Partial<UserRecord> = {}) =>
  user({ scimId, jamfId: null, status: 'inactive', userName: `u${scimId}@example.com`, externalId: null, ...over });
const group = (scimId: string, over: Partial<GroupRecord> = {}): GroupRecord => ({ scimId, externalId: null, created: 'c', lastModified: 'm', ...over });
const ids = (records: Iterable<{ scimId: string }>) => [...records].map((r) => r.scimId);

describe.each(BACKENDS)('state store contract on $kind', (backend) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await backend.open();
  });
  afterEach(async () => {
    await opened.close();
  });

  it('keeps every field of a user and a group, and gives each read its own objects', async () => {
    const { store } = opened;
    const jamfSnapshot = {
      jamfId: 41,
      managedAppleId: 'ada@appleid.example.com',
      extras: { sites: [{ id: 2, name: 'Berlin' }], extensionAttributes: [{ id: 7, name: 'Cost Centre', value: 'R&D' }], ldapServer: null, enableCustomPhotoUrl: false, customPhotoUrl: '' },
      groups: [{ id: 3, name: 'Staff' }],
    };
    const row = tombstone('1', { groupIds: [5, 3], jamfSnapshot, writtenFullName: 'Ada' });
    await store.putUser(row);
    await store.putGroup(group('7', { externalId: 'entra-7' }));
    expect(await store.getUser('1')).toEqual(row);
    expect(await store.getGroup('7')).toEqual(group('7', { externalId: 'entra-7' }));
    expect(await store.getUser('2')).toBeNull();
    expect(await store.getGroup('8')).toBeNull();

    const first = (await store.getUser('1')) as UserRecord;
    (first.attributes.name as Record<string, unknown>).givenName = 'Changed';
    first.groupIds.push(9);
    expect(await store.getUser('1')).toEqual(row);
  });

  it('finds users by Jamf id, by several Jamf ids and by externalId (exact)', async () => {
    const { store } = opened;
    await store.putUser(user());
    await store.putUser(user({ scimId: '2', jamfId: 2, userName: 'bob', externalId: 'okta-2' }));
    expect((await store.getUserByJamfId(1))?.scimId).toBe('1');
    expect(await store.getUserByJamfId(3)).toBeNull();
    const found = await store.getUsersByJamfIds([2, 1, 3]);
    expect([...found.keys()].sort()).toEqual([1, 2]);
    expect(found.get(2)).toEqual(user({ scimId: '2', jamfId: 2, userName: 'bob', externalId: 'okta-2' }));
    expect((await store.getUsersByJamfIds([])).size).toBe(0);
    expect(ids(await store.findUsersByExternalId('okta-1'))).toEqual(['1']);
    expect(await store.findUsersByExternalId('OKTA-1')).toEqual([]);
  });

  it('finds users by userName as Jamf compares names: Unicode case folded, NFC', async () => {
    const { store } = opened;
    for (const [stored, asked] of [
      ['Ada@Example.com', 'ada@example.COM'],
      ['Émile.x', 'émile.x'],
      ['ΣΟΦΙΑ', 'σοφια'],
      ['ΟΔΟΣ', 'οδος'],
      ['ẞtraße', 'ßtraße'],
      ['E\u0301mile.y', 'émile.y'],
    ] as const) {
      const id = `u-${stored}`;
      await store.putUser(tombstone(id, { userName: stored }));
      expect(ids(await store.findUsersByUserName(asked)), `${stored} ~ ${asked}`).toEqual([id]);
    }
    // Simple folding: ß is not ss, and an accent is not its base letter.
    expect(await store.findUsersByUserName('sstrasse')).toEqual([]);
    expect(await store.findUsersByUserName('emile.x')).toEqual([]);
  });

  it('updates a row in place or re-keys it, and every lookup follows', async () => {
    const { store } = opened;
    await store.putUser(user());
    const changed = user({ attributes: { userName: 'Ada@Example.com', title: 'CTO' }, writtenFullName: 'Ada L', lastModified: 'later' });
    await store.putUser(changed);
    expect(await store.getUser('1')).toEqual(changed);
    await store.putUser(user({ userName: 'Ada.L@example.com', externalId: 'okta-9', jamfId: 4 }));
    expect(await store.findUsersByUserName('ada@example.com')).toEqual([]);
    expect(ids(await store.findUsersByUserName('ADA.L@example.com'))).toEqual(['1']);
    expect(await store.findUsersByExternalId('okta-1')).toEqual([]);
    expect(ids(await store.findUsersByExternalId('okta-9'))).toEqual(['1']);
    expect(await store.getUserByJamfId(1)).toBeNull();
    expect((await store.getUserByJamfId(4))?.scimId).toBe('1');
    expect(await store.countTombstones()).toBe(0);
    await store.putUser(user({ userName: 'Ada.L@example.com', externalId: 'okta-9', jamfId: null, status: 'inactive', groupIds: [3] }));
    expect((await store.listTombstones(0, 10)).map((u) => u.groupIds)).toEqual([[3]]);
    expect(await store.getUserByJamfId(4)).toBeNull();
  });

  it('gives a Jamf id to one SCIM user only: a stale claim is cleared by the write that takes it', async () => {
    const { store } = opened;
    await store.putUser(user({ scimId: '1', jamfId: 5 }));
    await store.putUser(user({ scimId: '2', jamfId: 5, userName: 'other' }));
    expect((await store.getUser('1'))?.jamfId).toBeNull();
    expect((await store.getUserByJamfId(5))?.scimId).toBe('2');
    await store.putUser(user({ scimId: '1', jamfId: 5 }));
    expect((await store.getUser('2'))?.jamfId).toBeNull();
    expect((await store.getUsersByJamfIds([5])).get(5)?.scimId).toBe('1');
  });

  it('lists tombstones by the number an id starts with, then its text, and pages through them', async () => {
    const { store } = opened;
    for (const id of ['10', '9', '100', 'abc', '3x', '3']) await store.putUser(tombstone(id));
    await store.putUser(user({ scimId: '2', jamfId: 2, userName: 'active' }));
    await store.putUser(tombstone('50', { status: 'deactivating' }));
    expect(await store.countTombstones()).toBe(7);
    // SQLite's CAST(scim_id AS INTEGER): the leading integer, 0 without one (generated UUIDs).
    expect(ids(await store.listTombstones(0, 10))).toEqual(['abc', '3', '3x', '9', '10', '50', '100']);
    expect(ids(await store.listTombstones(1, 2))).toEqual(['3', '3x']);
    expect(ids(await store.listTombstones(6, 5))).toEqual(['100']);
    expect(await store.listTombstones(7, 5)).toEqual([]);
  });

  it('lists the rows a lifecycle step left half-done, and the tombstones of a group', async () => {
    const { store } = opened;
    await store.putUser(tombstone('1', { status: 'deactivating', groupIds: [3] }));
    await store.putUser(tombstone('2', { status: 'reactivating', jamfId: 12 }));
    await store.putUser(tombstone('3', { groupIds: [4, 3] }));
    await store.putUser(tombstone('4', { groupIds: [4] }));
    await store.putUser(user({ scimId: '5', jamfId: 5, userName: 'active', groupIds: [3] }));
    expect(ids(await store.listPending()).sort()).toEqual(['1', '2']);
    expect(ids(await store.tombstonesInGroup(3))).toEqual(['1', '3']);
    expect(ids(await store.tombstonesInGroup(4))).toEqual(['3', '4']);
    expect(await store.tombstonesInGroup(9)).toEqual([]);
    await store.putUser(tombstone('1', { status: 'inactive', groupIds: [3] }));
    expect(ids(await store.listPending())).toEqual(['2']);
  });

  it('deletes users and groups', async () => {
    const { store } = opened;
    await store.putUser(user());
    await store.putUser(tombstone('2'));
    await store.putGroup(group('7'));
    await store.deleteUser('1');
    await store.deleteUser('2');
    await store.deleteUser('missing');
    await store.deleteGroup('7');
    expect(await store.getUser('1')).toBeNull();
    expect(await store.getUserByJamfId(1)).toBeNull();
    expect(await store.countTombstones()).toBe(0);
    expect(await store.getGroup('7')).toBeNull();
  });

  it('reads groups by id, by several ids and by externalId, and updates them', async () => {
    const { store } = opened;
    await store.putGroup(group('7', { externalId: 'a' }));
    await store.putGroup(group('8', { externalId: 'a' }));
    await store.putGroup(group('7', { externalId: 'a', lastModified: 'm2' }));
    const found = await store.getGroups(['8', '7', '9']);
    expect([...found.keys()].sort()).toEqual(['7', '8']);
    expect(found.get('7')).toEqual(group('7', { externalId: 'a', lastModified: 'm2' }));
    expect((await store.getGroups([])).size).toBe(0);
    expect(ids(await store.findGroupsByExternalId('a')).sort()).toEqual(['7', '8']);
    await store.putGroup(group('7', { externalId: 'b', lastModified: 'm3' }));
    expect(ids(await store.findGroupsByExternalId('a'))).toEqual(['8']);
    expect(await store.getGroup('7')).toEqual(group('7', { externalId: 'b', lastModified: 'm3' }));
  });

  it('scans every user and group in SCIM id text order, a page at a time', async () => {
    const { store } = opened;
    const userIds = ['9', '10', 'b-uuid', '100', '2', 'Ä'];
    for (const [i, id] of userIds.entries()) await store.putUser(i % 2 === 0 ? tombstone(id) : user({ scimId: id, jamfId: i, userName: `n${i}` }));
    for (const id of ['20', '3', '100']) await store.putGroup(group(id));
    const scanned: UserRecord[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await store.scanUsers(after, 4);
      scanned.push(...page);
      if (page.length < 4) break;
      after = (page[page.length - 1] as UserRecord).scimId;
    }
    expect(ids(scanned)).toEqual(['10', '100', '2', '9', 'b-uuid', 'Ä']);
    expect(scanned[0]).toEqual(user({ scimId: '10', jamfId: 1, userName: 'n1' }));
    expect(ids(await store.scanGroups(null, 2))).toEqual(['100', '20']);
    expect(ids(await store.scanGroups('20', 2))).toEqual(['3']);
    expect(await store.scanGroups('3', 2)).toEqual([]);
  });

  it('commits a transaction, answering what it returned', async () => {
    const { store } = opened;
    const result = await store.transaction(async () => {
      await store.putUser(user());
      await store.putGroup(group('7'));
      return (await store.getUser('1'))?.userName;
    });
    expect(result).toBe('Ada@Example.com');
    expect(await store.getUser('1')).toEqual(user());
    expect(await store.getGroup('7')).toEqual(group('7'));
  });

  it('rolls a failed transaction back, the audit entries it appended included', async () => {
    const { store, audit } = opened;
    await expect(
      store.transaction(async () => {
        await store.putUser(user());
        await store.deleteGroup('7');
        await audit.append(auditEntry());
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.getUser('1')).toBeNull();
    expect(await audit.query({ limit: 10 })).toEqual({ entries: [], total: 0, next: null });
    // The store works on after a rollback.
    await store.transaction(async () => {
      await store.putUser(user());
      await audit.append(auditEntry());
    });
    expect((await audit.query({ limit: 10 })).total).toBe(1);
    expect(await store.getUser('1')).toEqual(user());
  });

  it('rolls a nested transaction back to its savepoint while the outer one commits', async () => {
    const { store, audit } = opened;
    await store.transaction(async () => {
      await store.putUser(user());
      await expect(
        store.transaction(async () => {
          await store.putUser(tombstone('2'));
          await audit.append(auditEntry({ scimId: '2' }));
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      await store.transaction(async () => {
        await store.putGroup(group('7'));
      });
      await audit.append(auditEntry({ scimId: '1' }));
    });
    expect(await store.getUser('1')).toEqual(user());
    expect(await store.getUser('2')).toBeNull();
    expect(await store.getGroup('7')).toEqual(group('7'));
    expect((await audit.query({ limit: 10 })).entries.map((e) => e.scimId)).toEqual(['1']);
  });

  it('checks that it can write, and closes more than once', async () => {
    await expect(opened.store.checkWritable()).resolves.toBeUndefined();
    await opened.store.close();
  });
});
