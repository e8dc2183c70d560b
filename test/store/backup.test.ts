import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore, UserRecord } from '../../src/provisioning/ports.js';
import { BackupError, backupStateStore } from '../../src/store/backup.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { finish, runEntry } from '../cli-support.js';
import { user } from './fixtures.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** A deactivated user as the store keeps it: not in Jamf, everything needed to bring it back. */
const tombstone = (n: number): UserRecord =>
  user({
    scimId: String(n),
    jamfId: null,
    userName: `gone-${n}@example.com`,
    externalId: `okta-${n}`,
    status: 'inactive',
    attributes: { userName: `gone-${n}@example.com`, name: { givenName: `Gone ${n}` }, title: 'x'.repeat(300) },
    groupIds: [7],
    jamfSnapshot: { extensionAttributes: [{ id: 1, values: ['kept'] }] } as unknown as UserRecord['jamfSnapshot'],
  });
const active = (n: number): UserRecord =>
  user({ scimId: String(n), jamfId: n, userName: `u-${n}@example.com`, externalId: `okta-${n}`, attributes: { userName: `u-${n}@example.com`, title: 'y'.repeat(300) } });

/** What a user would count in a state file, read with a connection of its own. */
function countsOf(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const count = (sql: string) => db.prepare<[], number>(sql).pluck().get();
    const audit = count("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'") ? count('SELECT COUNT(*) FROM audit') : null;
    return {
      users: count('SELECT COUNT(*) FROM users'),
      tombstones: count("SELECT COUNT(*) FROM users WHERE status <> 'active'"),
      groups: count('SELECT COUNT(*) FROM groups'),
      auditEntries: audit ?? null,
    };
  } finally {
    db.close();
  }
}

describe('state store backup', () => {
  let dir: string;
  let statePath: string;
  let store: StateStore | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jamf-scim-backup-'));
    statePath = join(dir, 'data', 'state.db');
    store = openSqliteStore(statePath);
  });
  afterEach(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const live = () => store as StateStore;

  it('copies one committed state while another connection keeps writing', async () => {
    for (let n = 1; n <= 200; n++) await live().putUser(n % 4 === 0 ? tombstone(n) : active(n));
    await live().putGroup({ scimId: '7', externalId: 'okta-group-7', created: '2026-01-01T00:00:00.000Z', lastModified: '2026-01-01T00:00:00.000Z' });

    // Between steps of a few pages each, the server's connection commits an active user and a
    // tombstone together; SQLite restarts the copy after each, so it ends with every commit.
    let steps = 0;
    let writes = 0;
    const remaining: number[] = [];
    const copy = join(dir, 'backups', 'copy.db');
    const counts = await backupStateStore(statePath, copy, {
      pagesPerStep: 3,
      onProgress: (p) => {
        steps++;
        remaining.push(p.remainingPages);
        if (writes < 8) {
          writes++;
          const n = 1000 + writes;
          // The SQLite store writes at once: both rows are committed before the copy's next step.
          void live().transaction(async () => {
            await await live().putUser(active(n));
            await await live().putUser(tombstone(n + 100));
          });
        }
      },
    });

    expect(writes).toBe(8);
    expect(steps).toBeGreaterThan(writes);
    // A restart shows as more pages left than the step before had.
    expect(remaining.some((left, i) => i > 0 && left > (remaining[i - 1] as number))).toBe(true);
    const source = countsOf(statePath);
    expect(source).toMatchObject({ users: 216, tombstones: 58, groups: 1 });
    expect(countsOf(copy)).toEqual(source);
    expect(counts).toEqual({ ...source, bytes: statSync(copy).size });

    const restored = openSqliteStore(copy);
    try {
      expect(await restored.getUser('1108')).toEqual(tombstone(1108));
      expect(await restored.findUsersByExternalId('okta-1008')).toEqual([active(1008)]);
    } finally {
      await restored.close();
    }
  });

  it('writes the copy 0600 in a new folder 0700, as one file', async () => {
    await live().putUser(tombstone(4));
    const umask = process.umask(0);
    try {
      const copy = join(dir, 'new', 'folder', 'copy.db');
      await backupStateStore(statePath, copy);
      expect(modeOf(join(dir, 'new'))).toBe(0o700);
      expect(modeOf(join(dir, 'new', 'folder'))).toBe(0o700);
      expect(modeOf(copy)).toBe(0o600);
      expect(readdirSync(join(dir, 'new', 'folder'))).toEqual(['copy.db']);
    } finally {
      process.umask(umask);
    }
  });

  it('refuses to overwrite an existing file unless told to, and never the state file itself', async () => {
    await live().putUser(tombstone(4));
    const copy = join(dir, 'copy.db');
    writeFileSync(copy, 'last night’s backup');
    await expect(backupStateStore(statePath, copy)).rejects.toMatchObject({ name: 'BackupError', code: 'exists' });
    expect(readFileSync(copy, 'utf8')).toBe('last night’s backup');
    expect(readdirSync(dir).sort()).toEqual(['copy.db', 'data']);

    await expect(backupStateStore(statePath, join(dir, 'data', '..', 'data', 'state.db'), { overwrite: true })).rejects.toMatchObject({
      code: 'same-file',
    });
    const counts = await backupStateStore(statePath, copy, { overwrite: true });
    expect(counts.tombstones).toBe(1);
    expect(countsOf(copy).tombstones).toBe(1);
  });

  it('a restore (stop, copy the backup to STATE_URL, start) gives back the tombstones', async () => {
    await live().putUser(active(1));
    await live().putUser(tombstone(2));
    const copy = join(dir, 'backups', 'state-backup.db');
    await backupStateStore(statePath, copy);

    // The server stops and its state file is lost.
    await live().close();
    store = undefined;
    for (const f of readdirSync(join(dir, 'data'))) rmSync(join(dir, 'data', f));
    copyFileSync(copy, statePath);

    store = openSqliteStore(statePath);
    expect(await live().getUser('2')).toEqual(tombstone(2));
    expect(await live().findUsersByExternalId('okta-2')).toEqual([tombstone(2)]);
    expect((await live().listTombstones(0, 10)).map((u) => u.scimId)).toEqual(['2']);
    expect(await live().getUser('1')).toEqual(active(1));
  });

  it('keeps no copy of a damaged store and reports what PRAGMA integrity_check found', async () => {
    await live().putUser(active(1));
    await live().putUser(user({ ...active(2), userName: 'marker@example.com', attributes: { userName: 'marker@example.com' } }));
    await live().close();
    store = undefined;
    // One letter of an index entry changed: the file opens, but the index no longer matches the table.
    const db = new Database(statePath, { readonly: true });
    const root = db.prepare<[], number>("SELECT rootpage FROM sqlite_master WHERE name = 'users_user_name_key'").pluck().get() as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const bytes = readFileSync(statePath);
    const page = bytes.subarray((root - 1) * pageSize, root * pageSize);
    const at = page.indexOf('marker@example.com');
    expect(at).toBeGreaterThan(0);
    page[at] = 'n'.charCodeAt(0);
    writeFileSync(statePath, bytes);

    const copy = join(dir, 'copy.db');
    const failure = await backupStateStore(statePath, copy).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(BackupError);
    expect((failure as BackupError).code).toBe('integrity');
    expect((failure as BackupError).problems.join('\n')).toContain('users_user_name_key');
    expect(readdirSync(dir)).toEqual(['data']);
  });

  it('npm run backup reads STATE_URL from .env alone, needing no Jamf credentials, and prints what it copied', async () => {
    await live().putUser(active(1));
    await live().putUser(tombstone(2));
    await live().putUser(tombstone(3));
    writeFileSync(join(dir, '.env'), 'STATE_URL=./data/state.db\n');
    const { code, out, err } = await finish(runEntry('src/backup.ts', ['backups/nightly.db'], dir));

    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(/users: +3\n/);
    expect(out).toMatch(/tombstones: +2 /);
    expect(out).toMatch(/groups: +0\n/);
    expect(out).toMatch(new RegExp(`bytes: +${statSync(join(dir, 'backups', 'nightly.db')).size}\\n`));
    expect(out).toContain('Integrity check of the copy: ok');
    expect(modeOf(join(dir, 'backups', 'nightly.db'))).toBe(0o600);
    expect(modeOf(join(dir, 'backups'))).toBe(0o700);
    expect(countsOf(join(dir, 'backups', 'nightly.db'))).toMatchObject({ users: 3, tombstones: 2 });
  });
});
