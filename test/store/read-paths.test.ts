import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRecord } from '../../src/provisioning/ports.js';
import { openSqliteStore, type SqliteStateStore } from '../../src/store/sqlite-store.js';
import { user } from './fixtures.js';

type Counted = SqliteStateStore & { changeCount(): number };

describe('SQLite store read paths', () => {
  let dir: string;
  let store: Counted;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jamf-scim-reads-'));
    store = openSqliteStore(join(dir, 'state.db')) as Counted;
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts every write, a rolled-back one included, and no read (a read trusts its row while the count stands)', async () => {
    const moved = async (fn: () => Promise<unknown>): Promise<boolean> => {
      const before = store.changeCount();
      await fn();
      return store.changeCount() !== before;
    };
    expect(await moved(() => store.putUser(user()))).toBe(true);
    expect(await moved(() => store.putUser(user({ attributes: { userName: 'Ada@Example.com', title: 'CFO' } })))).toBe(true);
    expect(await moved(() => store.putUser(user({ scimId: '2', jamfId: 1 })))).toBe(true);
    expect(await moved(() => store.putGroup({ scimId: '7', externalId: null, created: 'c', lastModified: 'm' }))).toBe(true);
    expect(await moved(() => store.transaction(() => store.putUser(user({ status: 'inactive', jamfId: null }))))).toBe(true);
    expect(
      await moved(async () => {
        try {
          await store.transaction(async () => {
            await store.putUser(user({ scimId: '3', jamfId: 3, userName: 'x' }));
            throw new Error('rolled back');
          });
        } catch {
          // expected
        }
      }),
    ).toBe(true);
    expect(await moved(() => store.deleteUser('2'))).toBe(true);
    expect(
      await moved(async () => {
        await store.getUser('1');
        await store.getUserByJamfId(1);
        await store.getUsersByJamfIds([1, 2, 3]);
        await store.findUsersByUserName('ada@example.com');
        await store.listTombstones(0, 10);
        await store.countTombstones();
      }),
    ).toBe(false);
  });

  it('lists rows with their current attributes, shared between reads and frozen; a point read still gets its own copy', async () => {
    await store.putUser(user());
    const listed = (await store.getUsersByJamfIds([1])).get(1) as UserRecord;
    expect(listed.attributes).toEqual(user().attributes);
    expect(Object.isFrozen(listed.attributes) && Object.isFrozen(listed.attributes.name)).toBe(true);
    expect(() => {
      (listed.attributes.name as Record<string, unknown>).givenName = 'Changed';
    }).toThrow(TypeError);
    expect((await store.getUsersByJamfIds([1])).get(1)?.attributes).toBe(listed.attributes);

    await store.putUser(user({ attributes: { userName: 'Ada@Example.com', title: 'CFO' } }));
    expect((await store.getUsersByJamfIds([1])).get(1)?.attributes).toEqual({ userName: 'Ada@Example.com', title: 'CFO' });
    const own = await store.getUser('1') as UserRecord;
    own.attributes.title = 'Mine';
    expect((await store.getUser('1'))?.attributes.title).toBe('CFO');
  });
});
