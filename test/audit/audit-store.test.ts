import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditSql } from '../../src/store/audit-sqlite.js';
import { openSqliteStore, type SqliteStateStore } from '../../src/store/sqlite-store.js';
import { auditEntry } from './fixtures.js';

describe('SQLite audit store', async () => {
  const stores: SqliteStateStore[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const open = (url = ':memory:') => {
    const store = openSqliteStore(url);
    stores.push(store);
    return store;
  };
  const seqs = async (store: SqliteStateStore, query: Parameters<SqliteStateStore['audit']['query']>[0]) => (await store.audit.query(query)).entries.map((e) => e.seq);

  it('keeps every field of an entry and hands out increasing seqs', async () => {
    const { audit } = open();
    const first = await audit.append(auditEntry({ detail: { changed: ['name.givenName'] } }));
    const second = await audit.append(
      auditEntry({ action: 'group.members_added', resourceType: 'Group', scimId: '7', name: 'Staff', jamfIds: [7], members: ['101', '102'], requestId: null, credential: null, jamfCalls: [{ method: 'PUT', route: '/JSSResource/usergroups/id/{id}', status: null, ms: 15000 }], outcome: 'failure' }),
    );
    expect(second).toBeGreaterThan(first);
    const page = await audit.query({ limit: 10 });
    expect(page).toEqual({
      total: 2,
      next: null,
      entries: [
        { ...auditEntry({ action: 'group.members_added', resourceType: 'Group', scimId: '7', name: 'Staff', jamfIds: [7], members: ['101', '102'], requestId: null, credential: null, jamfCalls: [{ method: 'PUT', route: '/JSSResource/usergroups/id/{id}', status: null, ms: 15000 }], outcome: 'failure' }), seq: second },
        { ...auditEntry({ detail: { changed: ['name.givenName'] } }), seq: first },
      ],
    });
  });

  it('finds a user by SCIM id or userName in any case, and the membership steps naming it', async () => {
    const store = open();
    const { audit } = store;
    const created = await audit.append(auditEntry({ name: 'Émile@Example.com', scimId: '101' }));
    const other = await audit.append(auditEntry({ name: 'bob@example.com', scimId: '102', jamfIds: [102] }));
    const added = await audit.append(auditEntry({ action: 'group.members_added', resourceType: 'Group', scimId: '7', name: 'Staff', jamfIds: [7], members: ['102', '101'] }));
    const onlyBob = await audit.append(auditEntry({ action: 'group.members_removed', resourceType: 'Group', scimId: '8', name: 'Sales', jamfIds: [8], members: ['102'] }));
    // A group whose SCIM id equals the user's is not the user.
    await audit.append(auditEntry({ action: 'group.created', resourceType: 'Group', scimId: '101', name: 'émile@example.com', jamfIds: [101] }));

    expect(await seqs(store, { user: '101', limit: 10 })).toEqual([added, created]);
    expect(await seqs(store, { user: 'ÉMILE@EXAMPLE.COM', limit: 10 })).toEqual([added, created]);
    expect(await seqs(store, { user: 'émile@example.com', limit: 10 })).toEqual([added, created]);
    expect(await seqs(store, { user: '102', limit: 10 })).toEqual([onlyBob, added, other]);
    expect(await seqs(store, { user: 'nobody', limit: 10 })).toEqual([]);
  });

  it('finds a group by SCIM id or displayName, and filters by action, outcome and time', async () => {
    const store = open();
    const { audit } = store;
    const a = await audit.append(auditEntry({ action: 'group.created', resourceType: 'Group', scimId: '7', name: 'Staff', time: '2026-03-01T00:00:00.000Z' }));
    const b = await audit.append(auditEntry({ action: 'group.renamed', resourceType: 'Group', scimId: '7', name: 'STAFF all', time: '2026-03-02T00:00:00.000Z', detail: { from: 'Staff', to: 'STAFF all' } }));
    const c = await audit.append(auditEntry({ action: 'user.deleted', time: '2026-03-03T00:00:00.000Z', outcome: 'failure' }));
    expect(await seqs(store, { group: '7', limit: 10 })).toEqual([b, a]);
    expect(await seqs(store, { group: 'staff', limit: 10 })).toEqual([a]);
    expect(await seqs(store, { group: 'staff ALL', limit: 10 })).toEqual([b]);
    expect(await seqs(store, { action: ['group.renamed', 'user.deleted'], limit: 10 })).toEqual([c, b]);
    expect(await seqs(store, { outcome: 'failure', limit: 10 })).toEqual([c]);
    // since is inclusive, until exclusive; an offset is compared as the instant it names.
    expect(await seqs(store, { since: '2026-03-02T00:00:00.000Z', limit: 10 })).toEqual([c, b]);
    expect(await seqs(store, { until: '2026-03-02T00:00:00.000Z', limit: 10 })).toEqual([a]);
    expect(await seqs(store, { since: '2026-03-02T02:00:00+02:00', until: '2026-03-03', limit: 10 })).toEqual([b]);
    expect((await store.audit.query({ group: '7', action: ['group.renamed'], limit: 10 })).total).toBe(1);
  });

  it('pages newest first through next, and polls for newer entries with after', async () => {
    const store = open();
    const all = await Promise.all(Array.from({ length: 25 }, (_, i) => store.audit.append(auditEntry({ requestId: `r${i}` }))));
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    do {
      const page = await store.audit.query({ limit: 10, before });
      expect(page.total).toBe(25);
      seen.push(...page.entries.map((e) => e.seq));
      before = page.next ?? undefined;
      pages++;
    } while (before !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual([...all].reverse());

    const newest = all[all.length - 1] as number;
    expect(await store.audit.query({ after: newest, limit: 10 })).toEqual({ entries: [], total: 25, next: null });
    const later = await store.audit.append(auditEntry({ requestId: 'late' }));
    expect(await seqs(store, { after: newest, limit: 10 })).toEqual([later]);
    // before and after together: the rest of a poll that found more than one page.
    expect(await seqs(store, { after: all[20], before: later, limit: 10 })).toEqual(all.slice(21).reverse());
  });

  it('prunes the oldest entries older than a time, a batch at a time, and never reuses a seq', async () => {
    const store = open();
    const old = await Promise.all(['2026-01-03', '2026-01-01', '2026-01-02'].map((day) => store.audit.append(auditEntry({ time: `${day}T00:00:00.000Z` }))));
    const recent = await store.audit.append(auditEntry({ time: '2026-03-01T00:00:00.000Z' }));
    expect(await store.audit.pruneOlderThan('2026-02-01T00:00:00.000Z', 2)).toBe(2);
    // The two oldest by time went first, whatever their seq.
    expect(await seqs(store, { limit: 10 })).toEqual([recent, old[0]]);
    expect(await store.audit.pruneOlderThan('2026-02-01T00:00:00.000Z', 2)).toBe(1);
    expect(await store.audit.pruneOlderThan('2026-02-01T00:00:00.000Z', 2)).toBe(0);
    expect(await store.audit.pruneOlderThan('2026-04-01T00:00:00.000Z', 10)).toBe(1);
    expect(await store.audit.append(auditEntry())).toBeGreaterThan(recent);
  });

  it('forgets the members of a pruned membership step, so pruning frees their space too', async () => {
    const store = open();
    await store.audit.append(auditEntry({ action: 'group.members_added', resourceType: 'Group', scimId: '7', members: ['101', '102', '101'], time: '2026-01-01T00:00:00.000Z' }));
    const kept = await store.audit.append(auditEntry({ action: 'group.members_removed', resourceType: 'Group', scimId: '7', members: ['102'], time: '2026-03-01T00:00:00.000Z' }));
    const memberRows = () => store.db.prepare('SELECT scim_id, seq FROM audit_members ORDER BY seq, scim_id').all();
    expect(memberRows()).toHaveLength(3);
    expect(await store.audit.pruneOlderThan('2026-02-01T00:00:00.000Z', 10)).toBe(1);
    expect(memberRows()).toEqual([{ scim_id: '102', seq: kept }]);
    expect(await seqs(store, { user: '101', limit: 10 })).toEqual([]);
    expect(await seqs(store, { user: '102', limit: 10 })).toEqual([kept]);
  });

  it('keeps the trail in the state file across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-audit-'));
    dirs.push(dir);
    const path = join(dir, 'state.db');
    const first = openSqliteStore(path);
    const seq = await first.audit.append(auditEntry());
    first.close();
    expect(await seqs(open(path), { user: 'alice@example.com', limit: 5 })).toEqual([seq]);
  });

  it('answers user, group, action and failure filters from indexes, without reading every entry', () => {
    const { db } = open();
    for (const query of [{ user: 'alice' }, { group: 'Staff' }, { action: ['user.deleted' as const] }, { outcome: 'failure' as const }]) {
      const { list, count, params } = auditSql({ ...query, limit: 10 });
      for (const sql of [list, count]) {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
        expect(plan).not.toMatch(/SCAN (audit|m)\b/);
      }
    }
  });
});
