import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/types.js';
import { displayUrl, parseMigrateArgs, secretsOf } from '../../src/migrate-state-args.js';
import type { GroupRecord, UserRecord } from '../../src/provisioning/ports.js';
import { MigrationError, copyState, type MigrationEnd } from '../../src/store/migrate-state.js';
import { auditEntry } from '../audit/fixtures.js';
import { user } from './fixtures.js';

/** A store in a few arrays, counting transactions and the writes inside each: what copyState sees of one. */
function arrayEnd(seed: { users?: UserRecord[]; groups?: GroupRecord[]; audit?: AuditEntry[] } = {}, faults: { dropGroup?: string } = {}) {
  const users = new Map((seed.users ?? []).map((u) => [u.scimId, u]));
  const groups = new Map((seed.groups ?? []).map((g) => [g.scimId, g]));
  const audit = [...(seed.audit ?? [])];
  const transactions: number[] = [];
  let inside: number | undefined;
  const wrote = () => {
    if (inside === undefined) throw new Error('a write outside a transaction');
    inside += 1;
  };
  const after = <T extends { scimId: string }>(rows: Iterable<T>, from: string | null, limit: number) =>
    [...rows].sort((a, b) => (a.scimId < b.scimId ? -1 : 1)).filter((r) => from === null || r.scimId > from).slice(0, limit);
  const end = {
    store: {
      scanUsers: async (from: string | null, limit: number) => after(users.values(), from, limit),
      scanGroups: async (from: string | null, limit: number) => after(groups.values(), from, limit),
      putUser: async (u: UserRecord) => void (wrote(), users.set(u.scimId, u)),
      putGroup: async (g: GroupRecord) => void (wrote(), g.scimId === faults.dropGroup || groups.set(g.scimId, g)),
      async transaction<T>(fn: () => Promise<T>): Promise<T> {
        inside = 0;
        try {
          return await fn();
        } finally {
          transactions.push(inside);
          inside = undefined;
        }
      },
    },
    audit: {
      scan: async (from: number, limit: number) => audit.filter((e) => e.seq > from).slice(0, limit),
      importEntries: async (entries: readonly AuditEntry[]) => {
        wrote();
        audit.push(...entries);
      },
    },
  } as unknown as MigrationEnd;
  return { end, users, groups, audit, transactions };
}

const USERS = ['1', '2', '3', '4', '5'].map((scimId) => user({ scimId, jamfId: Number(scimId), status: scimId === '4' ? 'inactive' : 'active' }));
const GROUPS = ['7', '8', '9'].map((scimId) => ({ scimId, externalId: null, created: 'c', lastModified: 'm' }));
const AUDIT = [1, 2, 3, 5].map((seq) => ({ ...auditEntry(), seq }));

describe('copyState', () => {
  it('writes each page in one transaction of the target', async () => {
    const source = arrayEnd({ users: USERS, groups: GROUPS, audit: AUDIT });
    const target = arrayEnd();
    const pages: number[] = [];
    const counts = await copyState(source.end, target.end, { pageSize: 2, onPage: (c) => pages.push(c.users + c.groups + c.auditEntries) });
    // 5 users: 2 + 2 + 1; 3 groups: 2 + 1; 4 entries: one import per page.
    expect(target.transactions).toEqual([2, 2, 1, 2, 1, 1, 1]);
    expect(pages).toEqual([2, 4, 5, 7, 8, 10, 12]);
    expect(counts.target).toEqual({ users: 5, tombstones: 1, groups: 3, auditEntries: 4 });
    expect(source.transactions).toEqual([]);
  });

  it('reports a target whose counts differ from the source after the copy', async () => {
    const target = arrayEnd({}, { dropGroup: '8' });
    const error = await copyState(arrayEnd({ users: USERS, groups: GROUPS }).end, target.end, { pageSize: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).code).toBe('mismatch');
    expect((error as MigrationError).message).toContain('groups: source 3, target 2');
  });
});

describe('migrate-state arguments', () => {
  it('hides passwords of PostgreSQL URLs, in the authority and the query', () => {
    expect(displayUrl('postgres://jamf:p%40ss@db.example.com:5432/jamf?sslmode=verify-full')).toBe('postgres://jamf:***@db.example.com:5432/jamf?sslmode=verify-full');
    expect(displayUrl('postgresql://db/jamf?user=jamf&password=hunter22')).toBe('postgresql://db/jamf?user=jamf&password=***');
    expect(displayUrl('postgres://jamf@db/jamf')).toBe('postgres://jamf@db/jamf');
    expect(displayUrl('/var/lib/jamf-scim/state.db')).toBe('/var/lib/jamf-scim/state.db');
    expect(secretsOf('postgres://jamf:p%40ss@db/jamf')).toEqual(expect.arrayContaining(['p%40ss', 'p@ss']));
  });

  it('takes -- before the stores, as npm passes it', () => {
    expect(parseMigrateArgs(['--', 'a.db', 'postgres://db/x'])).toEqual({ from: 'a.db', to: 'postgres://db/x', pageSize: 500 });
  });

  it('tells two roles on one database apart from two databases', () => {
    expect(parseMigrateArgs(['postgres://a:x@db/one', 'postgres://b:y@db:5432/one'])).toEqual({ error: 'FROM and TO are the same store' });
    expect(parseMigrateArgs(['postgres://a:x@db/one', 'postgres://a:x@db/two'])).toMatchObject({ from: 'postgres://a:x@db/one' });
  });
});
