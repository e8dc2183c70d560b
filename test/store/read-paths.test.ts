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
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts every write, a rolled-back one included, and no read (a read trusts its row while the count stands)', () => {
    const moved = (fn: () => void): boolean => {
      const before = store.changeCount();
      fn();
      return store.changeCount() !== before;
    };
    expect(moved(() => store.putUser(user()))).toBe(true);
    expect(moved(() => store.putUser(user({ attributes: { userName: 'Ada@Example.com', title: 'CFO' } })))).toBe(true);
    expect(moved(() => store.putUser(user({ scimId: '2', jamfId: 1 })))).toBe(true);
    expect(moved(() => store.putGroup({ scimId: '7', externalId: null, created: 'c', lastModified: 'm' }))).toBe(true);
    expect(moved(() => store.transaction(() => store.putUser(user({ status: 'inactive', jamfId: null }))))).toBe(true);
    expect(
      moved(() => {
        try {
          store.transaction(() => {
            store.putUser(user({ scimId: '3', jamfId: 3, userName: 'x' }));
            throw new Error('rolled back');
          });
        } catch {
          // expected
        }
      }),
    ).toBe(true);
    expect(moved(() => store.deleteUser('2'))).toBe(true);
    expect(
      moved(() => {
        store.getUser('1');
        store.getUserByJamfId(1);
        store.getUsersByJamfIds([1, 2, 3]);
        store.findUsersByUserName('ada@example.com');
        store.listTombstones(0, 10);
        store.countTombstones();
      }),
    ).toBe(false);
  });

  it('lists rows with their current attributes, shared between reads and frozen; a point read still gets its own copy', () => {
    store.putUser(user());
    const listed = store.getUsersByJamfIds([1]).get(1) as UserRecord;
    expect(listed.attributes).toEqual(user().attributes);
    expect(Object.isFrozen(listed.attributes) && Object.isFrozen(listed.attributes.name)).toBe(true);
    expect(() => {
      (listed.attributes.name as Record<string, unknown>).givenName = 'Changed';
    }).toThrow(TypeError);
    expect(store.getUsersByJamfIds([1]).get(1)?.attributes).toBe(listed.attributes);

    store.putUser(user({ attributes: { userName: 'Ada@Example.com', title: 'CFO' } }));
    expect(store.getUsersByJamfIds([1]).get(1)?.attributes).toEqual({ userName: 'Ada@Example.com', title: 'CFO' });
    const own = store.getUser('1') as UserRecord;
    own.attributes.title = 'Mine';
    expect(store.getUser('1')?.attributes.title).toBe('CFO');
  });
});
