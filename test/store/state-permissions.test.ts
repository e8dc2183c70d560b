import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { user } from './fixtures.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

// The state file holds tombstones (personal data of deactivated users): only its owner reads it.
describe('state store file permissions', () => {
  let dir: string;
  let umask: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jamf-scim-perm-'));
    // With no umask to narrow them, the modes seen are the ones the store asks for.
    umask = process.umask(0);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates missing folders 0700 and the state file and its WAL files 0600', async () => {
    const path = join(dir, 'data', 'state', 'state.db');
    const store = openSqliteStore(path);
    try {
      await store.putUser(user({ status: 'inactive', jamfId: null }));
      expect(modeOf(join(dir, 'data'))).toBe(0o700);
      expect(modeOf(join(dir, 'data', 'state'))).toBe(0o700);
      const files = readdirSync(join(dir, 'data', 'state')).sort();
      expect(files).toEqual(['state.db', 'state.db-shm', 'state.db-wal']);
      for (const f of files) expect({ f, mode: modeOf(join(dir, 'data', 'state', f)) }).toEqual({ f, mode: 0o600 });
    } finally {
      await store.close();
    }
  });

  it('leaves the mode of an existing folder alone (a volume the operator mounted)', async () => {
    const volume = join(dir, 'volume');
    mkdirSync(volume);
    chmodSync(volume, 0o750);
    const store = openSqliteStore(join(volume, 'state.db'));
    await store.close();
    expect(modeOf(volume)).toBe(0o750);
    expect(modeOf(join(volume, 'state.db'))).toBe(0o600);
  });
});
