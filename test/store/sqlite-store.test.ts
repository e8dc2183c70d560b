import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore, UserRecord } from '../../src/provisioning/ports.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { user } from './fixtures.js';

describe('SQLite state store', () => {
  let dir: string;
  let path: string;
  let store: StateStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jamf-scim-store-'));
    path = join(dir, 'nested', 'state.db');
    store = openSqliteStore(path);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its directory and schema, and keeps rows across a reopen', async () => {
    await store.putUser(user());
    await store.putGroup({ scimId: '7', externalId: 'entra-7', created: 'c', lastModified: 'm' });
    await store.close();
    store = openSqliteStore(path);
    expect(await store.getUser('1')).toEqual(user());
    expect((await store.getGroup('7'))?.externalId).toBe('entra-7');
  });

  it('creates the state file and its WAL readable by the owner only (tombstones are personal data)', async () => {
    await store.putUser(user());
    for (const file of [path, `${path}-wal`]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
  });

  it('records its schema version so later versions can migrate it', async () => {
    await store.close();
    const db = new Database(path);
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    db.close();
    store = openSqliteStore(path);
  });

  it('migrates a store of the first schema version forward, keeping its rows', async () => {
    await store.close();
    rmSync(path);
    const old = new Database(path);
    old.exec(`CREATE TABLE users (scim_id TEXT PRIMARY KEY, jamf_id INTEGER UNIQUE, user_name TEXT NOT NULL, external_id TEXT,
      status TEXT NOT NULL, attributes TEXT NOT NULL, written_full_name TEXT, group_ids TEXT NOT NULL DEFAULT '[]',
      created TEXT NOT NULL, last_modified TEXT NOT NULL);
      CREATE TABLE groups (scim_id TEXT PRIMARY KEY, external_id TEXT, created TEXT NOT NULL, last_modified TEXT NOT NULL);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO users VALUES ('5', NULL, 'old@example.com', NULL, 'inactive', '{}', NULL, '[3]', '2026-01-01', '2026-01-01');`);
    old.pragma('user_version = 1');
    old.close();
    store = openSqliteStore(path);
    expect(await store.getUser('5')).toMatchObject({ userName: 'old@example.com', status: 'inactive', groupIds: [3], jamfSnapshot: null });
    expect((await store.findUsersByUserName('OLD@EXAMPLE.COM')).map((u) => u.scimId)).toEqual(['5']);
  });

  it('keeps what a deactivated user held in Jamf beyond the SCIM fields', async () => {
    const jamfSnapshot = {
      jamfId: 41,
      managedAppleId: 'ada@appleid.example.com',
      extras: {
        sites: [{ id: 2, name: 'Berlin' }],
        extensionAttributes: [{ id: 7, name: 'Cost Centre', value: 'R&D' }],
        ldapServer: null,
        enableCustomPhotoUrl: false,
        customPhotoUrl: '',
      },
    };
    await store.putUser(user({ jamfId: null, status: 'inactive', jamfSnapshot }));
    expect((await store.getUser('1'))?.jamfSnapshot).toEqual(jamfSnapshot);
  });

  it('finds users by userName as Jamf compares names: Unicode case folded, NFC', async () => {
    for (const [stored, asked] of [
      ['Émile.x', 'émile.x'],
      ['ΣΟΦΙΑ', 'σοφια'],
      ['ΟΔΟΣ', 'οδος'],
      ['ẞtraße', 'ßtraße'],
      ['E\u0301mile.y', 'émile.y'],
    ] as const) {
      const id = `u-${stored}`;
      await store.putUser(user({ scimId: id, jamfId: null, status: 'inactive', userName: stored }));
      expect((await store.findUsersByUserName(asked)).map((u) => u.scimId), `${stored} ~ ${asked}`).toEqual([id]);
    }
    // Simple folding: ß is not ss, and an accent is not its base letter.
    expect(await store.findUsersByUserName('sstrasse')).toEqual([]);
    expect(await store.findUsersByUserName('emile.x')).toEqual([]);
  });

  it('finds users by userName case-insensitively, by externalId and by Jamf id', async () => {
    await store.putUser(user());
    expect((await store.findUsersByUserName('ada@example.COM')).map((u) => u.scimId)).toEqual(['1']);
    expect((await store.findUsersByExternalId('okta-1')).map((u) => u.scimId)).toEqual(['1']);
    expect(await store.findUsersByExternalId('OKTA-1')).toEqual([]);
    expect((await store.getUserByJamfId(1))?.scimId).toBe('1');
    expect([...(await store.getUsersByJamfIds([1, 2])).keys()]).toEqual([1]);
  });

  it('lists tombstones in numeric id order and by group', async () => {
    for (const id of ['10', '9', '100']) {
      await store.putUser(user({ scimId: id, jamfId: null, status: 'inactive', userName: `u${id}`, groupIds: id === '9' ? [3] : [] }));
    }
    await store.putUser(user({ scimId: '2', jamfId: 2, userName: 'active' }));
    expect(await store.countTombstones()).toBe(3);
    expect((await store.listTombstones(0, 10)).map((u) => u.scimId)).toEqual(['9', '10', '100']);
    expect((await store.listTombstones(1, 1)).map((u) => u.scimId)).toEqual(['10']);
    expect((await store.tombstonesInGroup(3)).map((u) => u.scimId)).toEqual(['9']);
  });

  it('gives a Jamf id to one SCIM user only', async () => {
    await store.putUser(user({ scimId: '1', jamfId: 5 }));
    await store.putUser(user({ scimId: '2', jamfId: 5, userName: 'other' }));
    expect((await store.getUser('1'))?.jamfId).toBeNull();
    expect((await store.getUserByJamfId(5))?.scimId).toBe('2');
  });

  it('rolls a failed transaction back', async () => {
    await expect(
      store.transaction(async () => {
        await store.putUser(user());
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.getUser('1')).toBeNull();
  });

  it('refuses a store written by a newer version', async () => {
    await store.close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openSqliteStore(path)).toThrow(/newer/);
    const fix = new Database(path);
    fix.pragma('user_version = 4');
    fix.close();
    store = openSqliteStore(path);
  });

  it('updates a row in place or re-keys it, and every lookup follows', async () => {
    await store.putUser(user());
    await store.putUser(user({ attributes: { userName: 'Ada@Example.com', title: 'CTO' }, writtenFullName: 'Ada L', lastModified: 'later' }));
    expect(await store.getUser('1')).toEqual(user({ attributes: { userName: 'Ada@Example.com', title: 'CTO' }, writtenFullName: 'Ada L', lastModified: 'later' }));
    await store.putUser(user({ userName: 'Ada.L@example.com', externalId: 'okta-9', jamfId: 4 }));
    expect(await store.findUsersByUserName('ada@example.com')).toEqual([]);
    expect((await store.findUsersByUserName('ADA.L@example.com')).map((u) => u.scimId)).toEqual(['1']);
    expect(await store.findUsersByExternalId('okta-1')).toEqual([]);
    expect((await store.findUsersByExternalId('okta-9')).map((u) => u.scimId)).toEqual(['1']);
    expect(await store.getUserByJamfId(1)).toBeNull();
    expect((await store.getUserByJamfId(4))?.scimId).toBe('1');
    expect(await store.countTombstones()).toBe(0);
    await store.putUser(user({ userName: 'Ada.L@example.com', externalId: 'okta-9', jamfId: null, status: 'inactive', groupIds: [3] }));
    expect((await store.listTombstones(0, 10)).map((u) => u.groupIds)).toEqual([[3]]);
    expect((await store.tombstonesInGroup(3)).map((u) => u.scimId)).toEqual(['1']);
    await store.putGroup({ scimId: '7', externalId: 'a', created: 'c', lastModified: 'm' });
    await store.putGroup({ scimId: '7', externalId: 'a', created: 'c', lastModified: 'm2' });
    await store.putGroup({ scimId: '7', externalId: 'b', created: 'c', lastModified: 'm3' });
    expect(await store.findGroupsByExternalId('a')).toEqual([]);
    expect(await store.getGroup('7')).toEqual({ scimId: '7', externalId: 'b', created: 'c', lastModified: 'm3' });
  });

  it('gives each read its own objects, and a spread of a read copies its values', async () => {
    await store.putUser(user({ jamfId: null, status: 'inactive', groupIds: [3] }));
    const first = await store.getUser('1') as UserRecord;
    (first.attributes.name as Record<string, unknown>).givenName = 'Changed';
    first.groupIds.push(4);
    expect(await store.getUser('1')).toEqual(user({ jamfId: null, status: 'inactive', groupIds: [3] }));
    const copy = { ...(await store.getUser('1') as UserRecord), status: 'active' as const };
    expect(copy.attributes).toEqual(user().attributes);
    expect(JSON.parse(JSON.stringify(copy))).toEqual({ ...user({ jamfId: null, groupIds: [3] }) });
    copy.attributes = { userName: 'x' };
    await store.putUser(copy);
    expect((await store.getUser('1'))?.attributes).toEqual({ userName: 'x' });
  });
});
