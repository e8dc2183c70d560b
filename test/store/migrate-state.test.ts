import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, NewAuditEntry } from '../../src/audit/types.js';
import { runMigrateState } from '../../src/migrate-state-cli.js';
import { displayUrl, secretsOf } from '../../src/migrate-state-args.js';
import type { GroupRecord, JamfSnapshot, UserRecord } from '../../src/provisioning/ports.js';
import { openStateStore } from '../../src/store/open-store.js';
import { auditEntry } from '../audit/fixtures.js';
import { finish, runEntry } from '../cli-support.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';
import { user } from './fixtures.js';

const snapshot = (jamfId: number): JamfSnapshot => ({
  jamfId,
  managedAppleId: `m${jamfId}@appleid.example.com`,
  extras: {
    sites: [{ id: 2, name: 'Berlin' }],
    extensionAttributes: [{ id: 7, name: 'Cost Centre', value: 'R&D "West"' }],
    ldapServer: { id: 1, name: 'corp' },
    enableCustomPhotoUrl: true,
    customPhotoUrl: 'https://photos.example.com/1.png',
  },
  groups: [{ id: 3, name: 'Staff' }, { id: 5, name: 'Ärzte' }],
});

const USERS: UserRecord[] = [
  user({ scimId: '1', jamfId: 11, userName: 'ada@example.com', externalId: 'okta-1' }),
  user({ scimId: '2', jamfId: null, userName: 'bob@example.com', externalId: null, status: 'inactive', groupIds: [3, 5], jamfSnapshot: snapshot(12), writtenFullName: 'Bob' }),
  user({ scimId: '3', jamfId: 13, userName: 'cy@example.com', externalId: 'okta-3', status: 'deactivating', groupIds: [3], jamfSnapshot: snapshot(13) }),
  user({ scimId: '4', jamfId: 44, userName: 'dee@example.com', externalId: 'okta-4', status: 'reactivating', groupIds: [5], jamfSnapshot: snapshot(14) }),
  // Created inactive: never in Jamf, so neither a Jamf id nor a snapshot.
  user({ scimId: '5', jamfId: null, userName: 'eve@example.com', externalId: 'okta-5', status: 'inactive', groupIds: [], writtenFullName: null }),
  user({
    scimId: '10',
    jamfId: 20,
    userName: 'Zoë.Ørsted@example.com',
    externalId: 'entra-€',
    attributes: { userName: 'Zoë.Ørsted@example.com', name: { givenName: 'Zoë', familyName: 'Ørsted' }, emails: [{ value: 'z@example.com', primary: true }] },
    created: '2026-02-03T04:05:06.789Z',
    lastModified: '2026-02-04T04:05:06.789Z',
  }),
];

const GROUPS: GroupRecord[] = [
  { scimId: '3', externalId: 'entra-g3', created: '2026-01-02T00:00:00.000Z', lastModified: '2026-01-03T00:00:00.000Z' },
  { scimId: '5', externalId: null, created: '2026-01-04T00:00:00.000Z', lastModified: '2026-01-04T00:00:00.000Z' },
  { scimId: '12', externalId: 'entra-g12', created: '2026-01-05T00:00:00.000Z', lastModified: '2026-01-06T00:00:00.000Z' },
];

const ENTRIES: NewAuditEntry[] = [
  auditEntry({ time: '2026-03-01T10:00:00.000Z', scimId: '1', name: 'ada@example.com', jamfIds: [11] }),
  auditEntry({ time: '2026-03-01T10:01:00.000Z', action: 'user.deactivated', scimId: '2', name: 'bob@example.com', jamfIds: [12], detail: { skipped: ['photo'] } }),
  auditEntry({ time: '2026-03-01T10:02:00.000Z', action: 'group.members_added', resourceType: 'Group', scimId: '3', name: 'Staff', jamfIds: [3], members: ['1', '10'] }),
  auditEntry({ time: '2026-03-01T10:03:00.000Z', action: 'user.updated', outcome: 'failure', requestId: null, credential: null, jamfCalls: [], detail: { error: 'Jamf Pro answered 409', status: 409 } }),
  auditEntry({ time: '2026-03-01T10:04:00.000Z', action: 'group.renamed', resourceType: 'Group', scimId: '12', name: 'Ärzte', jamfIds: [5], detail: { from: 'Aerzte', to: 'Ärzte' } }),
];

const byId = <T extends { scimId: string }>(rows: T[]) => [...rows].sort((a, b) => a.scimId.localeCompare(b.scimId));

/** Every row of a store, read through the same scan the command uses. */
async function contents(url: string): Promise<{ users: UserRecord[]; groups: GroupRecord[]; audit: AuditEntry[] }> {
  const opened = await openStateStore(url);
  try {
    return {
      users: byId(await opened.store.scanUsers(null, 1000)),
      groups: byId(await opened.store.scanGroups(null, 1000)),
      audit: await opened.audit.scan(0, 1000),
    };
  } finally {
    await opened.close();
  }
}

function capture() {
  const io = { out: '', err: '' };
  return {
    io,
    run: (argv: string[]) =>
      runMigrateState(argv, {
        out: (t) => void (io.out += t),
        err: (t) => void (io.err += t),
        open: openStateStore,
      }),
  };
}

let dir: string;
let sqliteFile: string;
let seededAudit: AuditEntry[];
const databases: TestDatabase[] = [];
const database = async () => {
  const db = await freshDatabase();
  databases.push(db);
  return db;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jamf-scim-migrate-'));
  sqliteFile = join(dir, 'state.db');
  const opened = await openStateStore(sqliteFile);
  try {
    for (const u of USERS) await opened.store.putUser(u);
    for (const g of GROUPS) await opened.store.putGroup(g);
    for (const e of ENTRIES) await opened.audit.append(e);
    seededAudit = await opened.audit.scan(0, 1000);
  } finally {
    await opened.close();
  }
});

afterAll(async () => {
  for (const db of databases) await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run migrate-state', () => {
  it('copies every row from a SQLite file to PostgreSQL and back, in pages', async () => {
    expect(seededAudit).toHaveLength(ENTRIES.length);
    const pg = await database();
    const there = capture();
    expect(await there.run(['--page-size', '2', sqliteFile, pg.url])).toBe(0);
    expect(there.io.err).toBe('');
    expect(there.io.out).toMatch(/users: +6 \(4 tombstones/);
    expect(there.io.out).toMatch(/groups: +3/);
    expect(there.io.out).toMatch(/audit entries: +5/);
    expect(there.io.out).toContain('Verified');
    for (const secret of secretsOf(pg.url)) expect(there.io.out).not.toContain(secret);
    expect(there.io.out).toContain(displayUrl(pg.url));

    const inPg = await contents(pg.url);
    expect(inPg.users).toEqual(byId(USERS));
    expect(inPg.groups).toEqual(byId(GROUPS));
    expect(inPg.audit).toEqual(seededAudit);

    const back = join(dir, 'back', 'state.db');
    const home = capture();
    expect(await home.run(['--page-size', '4', pg.url, back])).toBe(0);
    const inSqlite = await contents(back);
    expect(inSqlite.users).toEqual(byId(USERS));
    expect(inSqlite.groups).toEqual(byId(GROUPS));
    expect(inSqlite.audit).toEqual(seededAudit);

    // Only read: the source holds what it held.
    const source = await contents(sqliteFile);
    expect(source.users).toEqual(byId(USERS));
    expect(source.audit).toEqual(seededAudit);
  });

  it('keeps audit seqs, and later entries in the target follow them', async () => {
    const pg = await database();
    expect(await capture().run([sqliteFile, pg.url])).toBe(0);
    const opened = await openStateStore(pg.url);
    try {
      const seq = await opened.audit.append(auditEntry({ time: '2026-03-02T00:00:00.000Z' }));
      expect(seq).toBeGreaterThan(Math.max(...seededAudit.map((e) => e.seq)));
    } finally {
      await opened.close();
    }
  });

  it.each([
    ['a group', async (o: Awaited<ReturnType<typeof openStateStore>>) => o.store.putGroup(GROUPS[0]!), /1 groups/],
    ['a tombstone', async (o: Awaited<ReturnType<typeof openStateStore>>) => o.store.putUser(USERS[1]!), /1 users \(1 of them tombstones\)/],
    ['an audit entry', async (o: Awaited<ReturnType<typeof openStateStore>>) => void (await o.audit.append(ENTRIES[0]!)), /1 audit entries/],
  ])('refuses a PostgreSQL target that already holds %s, and writes nothing', async (_what, seed, found) => {
    const pg = await database();
    const opened = await openStateStore(pg.url);
    try {
      await seed(opened);
    } finally {
      await opened.close();
    }
    const before = await contents(pg.url);
    const cli = capture();
    expect(await cli.run([sqliteFile, pg.url])).toBe(1);
    expect(cli.io.err).toMatch(found);
    expect(cli.io.err).toContain('nothing was written');
    expect(await contents(pg.url)).toEqual(before);
  });

  it('refuses a SQLite target that is not empty', async () => {
    const pg = await database();
    expect(await capture().run([sqliteFile, pg.url])).toBe(0);
    const cli = capture();
    expect(await cli.run([pg.url, sqliteFile])).toBe(1);
    expect(cli.io.err).toMatch(/already holds 6 users \(4 of them tombstones\), 3 groups, 5 audit entries/);
  });

  it('fails without creating anything when the SQLite source does not exist', async () => {
    const missing = join(dir, 'nope', 'state.db');
    const cli = capture();
    expect(await cli.run([missing, join(dir, 'never.db')])).toBe(1);
    expect(cli.io.err).toContain('No state store at');
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(dir, 'never.db'))).toBe(false);
  });

  it('names the store it could not open, without its password', async () => {
    const cli = capture();
    const url = 'postgres://jamf:s3cret-pw@127.0.0.1:1/none?connect_timeout=2';
    expect(await cli.run([url, join(dir, 'unreached.db')])).toBe(1);
    expect(cli.io.err).toContain('Could not open FROM (postgres://jamf:***@127.0.0.1:1/none');
    expect(cli.io.err).not.toContain('s3cret-pw');
  });

  it.each([
    [[], /Name the store to copy from/],
    [['only-one.db'], /Name the store to copy from/],
    [['a.db', 'b.db', 'c.db'], /got 3 arguments/],
    [['--force', 'a.db', 'b.db'], /Unknown option '--force'/],
    [['--page-size', '0', 'a.db', 'b.db'], /--page-size must be an integer/],
    [['a.db', './a.db'], /the same store/],
    [['postgres://u:p@db:5432/x', 'postgres://v:q@DB/x'], /the same store/],
    [[':memory:', 'b.db'], /FROM is :memory:/],
  ])('answers %j with the usage and exit status 2', async (argv, message) => {
    const cli = capture();
    expect(await cli.run(argv)).toBe(2);
    expect(cli.io.err).toMatch(message);
    expect(cli.io.err).toContain('Usage: npm run migrate-state -- [--page-size N] FROM TO');
    expect(cli.io.out).toBe('');
  });

  it('runs as `npm run migrate-state` does, and the process ends once the copy is done', async () => {
    const pg = await database();
    const run = await finish(runEntry('src/migrate-state.ts', ['--', sqliteFile, pg.url], dir));
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/users: +6 \(4 tombstones/);
    expect((await contents(pg.url)).users).toEqual(byId(USERS));
  });

  it('prints the usage for --help, with exit status 0', async () => {
    const cli = capture();
    expect(await cli.run(['--help'])).toBe(0);
    expect(cli.io.out).toContain('Usage: npm run migrate-state');
  });
});
