import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditQuery } from '../../src/audit/types.js';
import { auditEntry } from '../audit/fixtures.js';
import { BACKENDS, type OpenedStore } from './contract-backends.js';

const membership = (action: 'group.members_added' | 'group.members_removed', scimId: string, members: string[], over = {}) =>
  auditEntry({ action, resourceType: 'Group', scimId, name: `g${scimId}`, jamfIds: [Number(scimId)], members, ...over });

describe.each(BACKENDS)('audit store contract on $kind', (backend) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await backend.open();
  });
  afterEach(async () => {
    await opened.close();
  });
  const seqs = async (query: AuditQuery) => (await opened.audit.query(query)).entries.map((e) => e.seq);

  it('keeps every field of an entry and hands out increasing seqs', async () => {
    const { audit } = opened;
    const failed = membership('group.members_added', '7', ['101', '102', '101'], {
      name: 'Staff',
      requestId: null,
      credential: null,
      outcome: 'failure',
      detail: { error: 'Jamf answered 500', status: 500, nested: { list: [1, 'two', null] } },
      jamfCalls: [{ method: 'PUT', route: '/JSSResource/usergroups/id/{id}', status: null, ms: 15000 }],
    });
    const first = await audit.append(auditEntry({ detail: { changed: ['name.givenName'] } }));
    const second = await audit.append(failed);
    expect(second).toBeGreaterThan(first);
    expect(await audit.query({ limit: 10 })).toEqual({
      total: 2,
      next: null,
      entries: [
        { ...failed, seq: second },
        { ...auditEntry({ detail: { changed: ['name.givenName'] } }), seq: first },
      ],
    });
  });

  it('finds a user by SCIM id or userName in any case, and the membership steps naming it', async () => {
    const { audit } = opened;
    const created = await audit.append(auditEntry({ name: 'Émile@Example.com', scimId: '101' }));
    const other = await audit.append(auditEntry({ name: 'bob@example.com', scimId: '102', jamfIds: [102] }));
    const added = await audit.append(membership('group.members_added', '7', ['102', '101']));
    const onlyBob = await audit.append(membership('group.members_removed', '8', ['102']));
    // A group whose SCIM id or name equals the user's is not the user.
    await audit.append(auditEntry({ action: 'group.created', resourceType: 'Group', scimId: '101', name: 'émile@example.com', jamfIds: [101] }));
    await audit.append(auditEntry({ action: 'user.created', scimId: null, name: 'nobody', outcome: 'failure' }));

    expect(await seqs({ user: '101', limit: 10 })).toEqual([added, created]);
    expect(await seqs({ user: 'ÉMILE@EXAMPLE.COM', limit: 10 })).toEqual([added, created]);
    expect(await seqs({ user: 'émile@example.com', limit: 10 })).toEqual([added, created]);
    expect(await seqs({ user: '102', limit: 10 })).toEqual([onlyBob, added, other]);
    expect((await audit.query({ user: '102', limit: 10 })).total).toBe(3);
    expect(await seqs({ user: 'unknown', limit: 10 })).toEqual([]);
  });

  it('finds a group by SCIM id or displayName, and filters by action, outcome and time', async () => {
    const { audit } = opened;
    const a = await audit.append(auditEntry({ action: 'group.created', resourceType: 'Group', scimId: '7', name: 'Staff', time: '2026-03-01T00:00:00.000Z' }));
    const b = await audit.append(
      auditEntry({ action: 'group.renamed', resourceType: 'Group', scimId: '7', name: 'STAFF all', time: '2026-03-02T00:00:00.000Z', detail: { from: 'Staff', to: 'STAFF all' } }),
    );
    const c = await audit.append(auditEntry({ action: 'user.deleted', time: '2026-03-03T00:00:00.000Z', outcome: 'failure' }));
    expect(await seqs({ group: '7', limit: 10 })).toEqual([b, a]);
    expect(await seqs({ group: 'staff', limit: 10 })).toEqual([a]);
    expect(await seqs({ group: 'staff ALL', limit: 10 })).toEqual([b]);
    expect(await seqs({ action: ['group.renamed', 'user.deleted'], limit: 10 })).toEqual([c, b]);
    expect(await seqs({ action: [], limit: 10 })).toEqual([c, b, a]);
    expect(await seqs({ outcome: 'failure', limit: 10 })).toEqual([c]);
    expect(await seqs({ outcome: 'success', action: ['user.deleted'], limit: 10 })).toEqual([]);
    // since is inclusive, until exclusive; an offset is compared as the instant it names.
    expect(await seqs({ since: '2026-03-02T00:00:00.000Z', limit: 10 })).toEqual([c, b]);
    expect(await seqs({ until: '2026-03-02T00:00:00.000Z', limit: 10 })).toEqual([a]);
    expect(await seqs({ since: '2026-03-02T02:00:00+02:00', until: '2026-03-03', limit: 10 })).toEqual([b]);
    expect((await audit.query({ group: '7', action: ['group.renamed'], limit: 10 })).total).toBe(1);
  });

  it('pages newest first through next, and polls for newer entries with after', async () => {
    const { audit } = opened;
    const all: number[] = [];
    for (let i = 0; i < 25; i++) all.push(await audit.append(auditEntry({ requestId: `r${i}` })));
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    do {
      const page = await audit.query({ limit: 10, before });
      expect(page.total).toBe(25);
      seen.push(...page.entries.map((e) => e.seq));
      before = page.next ?? undefined;
      pages++;
    } while (before !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual([...all].reverse());
    // A limit is kept within 1..1000.
    expect(await seqs({ limit: 0 })).toEqual([all[24]]);

    const newest = all[24] as number;
    expect(await audit.query({ after: newest, limit: 10 })).toEqual({ entries: [], total: 25, next: null });
    const later = await audit.append(auditEntry({ requestId: 'late' }));
    expect(await seqs({ after: newest, limit: 10 })).toEqual([later]);
    // before and after together: the rest of a poll that found more than one page.
    expect(await seqs({ after: all[20], before: later, limit: 10 })).toEqual(all.slice(21).reverse());
  });

  it('prunes the oldest entries older than a time, a batch at a time, and never reuses a seq', async () => {
    const { audit } = opened;
    const old: number[] = [];
    for (const day of ['2026-01-03', '2026-01-01', '2026-01-02']) old.push(await audit.append(auditEntry({ time: `${day}T00:00:00.000Z` })));
    const recent = await audit.append(auditEntry({ time: '2026-03-01T00:00:00.000Z' }));
    expect(await audit.pruneOlderThan('2026-02-01T00:00:00.000Z', 2)).toBe(2);
    // The two oldest by time went first, whatever their seq.
    expect(await seqs({ limit: 10 })).toEqual([recent, old[0]]);
    expect(await audit.pruneOlderThan('2026-02-01T00:00:00.000Z', 2)).toBe(1);
    expect(await audit.pruneOlderThan('2026-02-01T00:00:00.000Z', 2)).toBe(0);
    expect(await audit.pruneOlderThan('2026-04-01T00:00:00.000Z', 10)).toBe(1);
    expect(await audit.append(auditEntry())).toBeGreaterThan(recent);
  });

  it('forgets the members of a pruned membership step', async () => {
    const { audit } = opened;
    await audit.append(membership('group.members_added', '7', ['101', '102'], { time: '2026-01-01T00:00:00.000Z' }));
    const kept = await audit.append(membership('group.members_removed', '7', ['102'], { time: '2026-03-01T00:00:00.000Z' }));
    expect(await audit.pruneOlderThan('2026-02-01T00:00:00.000Z', 10)).toBe(1);
    expect(await seqs({ user: '101', limit: 10 })).toEqual([]);
    expect(await seqs({ user: '102', limit: 10 })).toEqual([kept]);
  });

  it('scans oldest first from a seq, and imports the entries of another store keeping their seq', async () => {
    const { audit } = opened;
    const written: number[] = [];
    for (let i = 0; i < 5; i++) written.push(await audit.append(membership('group.members_added', '7', [`10${i}`], { requestId: `r${i}`, detail: { i } })));
    const scanned: AuditEntry[] = [];
    for (let after = 0; ; ) {
      const page = await audit.scan(after, 2);
      scanned.push(...page);
      if (page.length < 2) break;
      after = (page[page.length - 1] as AuditEntry).seq;
    }
    expect(scanned.map((e) => e.seq)).toEqual(written);
    expect(scanned).toEqual((await audit.query({ limit: 10 })).entries.reverse());

    const target = await backend.open();
    try {
      const shifted = scanned.map((e) => ({ ...e, seq: e.seq + 1000 }));
      await target.audit.importEntries([]);
      await target.audit.importEntries(shifted.slice(0, 3));
      await target.audit.importEntries(shifted.slice(3));
      expect(await target.audit.scan(0, 10)).toEqual(shifted);
      // Indexed like an appended entry: found by a member it names.
      expect((await target.audit.query({ user: '103', limit: 10 })).entries).toEqual([shifted[3]]);
      // The trail goes on above the highest imported seq.
      expect(await target.audit.append(auditEntry())).toBeGreaterThan((shifted[4] as AuditEntry).seq);
      // A seq already there fails the batch, which then writes nothing.
      await expect(target.audit.importEntries([{ ...(shifted[0] as AuditEntry), seq: 2000 }, shifted[1] as AuditEntry])).rejects.toThrow();
      expect((await target.audit.query({ limit: 10 })).total).toBe(6);
    } finally {
      await target.close();
    }
  });
});
