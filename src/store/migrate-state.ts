/**
 * Copies one state store into another (`npm run migrate-state`): SQLite to PostgreSQL when one
 * server becomes several replicas, or back. Reads the source through its scan methods only.
 */
import type { AuditStore } from '../audit/types.js';
import type { StateStore, StoreScan } from '../provisioning/ports.js';

export interface MigrationEnd {
  store: StateStore & StoreScan;
  audit: AuditStore;
}

export interface StateCounts {
  users: number;
  /** Users not in Jamf (inactive or mid-lifecycle): the store holds their only copy. */
  tombstones: number;
  groups: number;
  auditEntries: number;
}

export type MigrationErrorCode = 'target-not-empty' | 'mismatch';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    /** The target's counts (target-not-empty) or the source's and the target's (mismatch). */
    readonly counts: { source?: StateCounts; target: StateCounts },
  ) {
    super(message);
  }
}

export interface CopyOptions {
  pageSize: number;
  /** After each page has committed, with the running totals (progress on a large store). */
  onPage?: (copied: StateCounts) => void;
}

/** Every user, group and audit entry, counted page by page (no COUNT(*) in the port). */
export async function countState(end: MigrationEnd, pageSize: number): Promise<StateCounts> {
  const counts: StateCounts = { users: 0, tombstones: 0, groups: 0, auditEntries: 0 };
  for (let after: string | null = null; ; ) {
    const page = await end.store.scanUsers(after, pageSize);
    counts.users += page.length;
    counts.tombstones += page.filter((u) => u.status !== 'active').length;
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.scimId;
  }
  for (let after: string | null = null; ; ) {
    const page = await end.store.scanGroups(after, pageSize);
    counts.groups += page.length;
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.scimId;
  }
  for (let after = 0; ; ) {
    const page = await end.audit.scan(after, pageSize);
    counts.auditEntries += page.length;
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.seq;
  }
  return counts;
}

const describe = (c: StateCounts): string =>
  [
    c.users > 0 ? `${c.users} users (${c.tombstones} of them tombstones)` : '',
    c.groups > 0 ? `${c.groups} groups` : '',
    c.auditEntries > 0 ? `${c.auditEntries} audit entries` : '',
  ]
    .filter((s) => s !== '')
    .join(', ');

const isEmpty = (c: StateCounts): boolean => c.users === 0 && c.groups === 0 && c.auditEntries === 0;

/**
 * Copies users, groups and the audit trail (keeping each entry's seq, the admin API's paging
 * cursor) from `source` to an empty `target`, one transaction of the target per page, then
 * compares the counts of both. A failure part-way leaves the pages before it in the target: it is
 * then not empty, and a second attempt is refused until it is emptied (or recreated).
 */
export async function copyState(source: MigrationEnd, target: MigrationEnd, options: CopyOptions): Promise<{ source: StateCounts; target: StateCounts }> {
  const { pageSize } = options;
  const found = await countState(target, pageSize);
  if (!isEmpty(found)) {
    throw new MigrationError('target-not-empty', `The target already holds ${describe(found)}: nothing was written`, { target: found });
  }

  const copied: StateCounts = { users: 0, tombstones: 0, groups: 0, auditEntries: 0 };
  const report = () => options.onPage?.({ ...copied });

  for (let after: string | null = null; ; ) {
    const page = await source.store.scanUsers(after, pageSize);
    if (page.length === 0) break;
    await target.store.transaction(async () => {
      for (const user of page) await target.store.putUser(user);
    });
    copied.users += page.length;
    copied.tombstones += page.filter((u) => u.status !== 'active').length;
    report();
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.scimId;
  }

  for (let after: string | null = null; ; ) {
    const page = await source.store.scanGroups(after, pageSize);
    if (page.length === 0) break;
    await target.store.transaction(async () => {
      for (const group of page) await target.store.putGroup(group);
    });
    copied.groups += page.length;
    report();
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.scimId;
  }

  for (let after = 0; ; ) {
    const page = await source.audit.scan(after, pageSize);
    if (page.length === 0) break;
    // The audit store joins the state store's transaction (StateStore.transaction).
    await target.store.transaction(() => target.audit.importEntries(page));
    copied.auditEntries += page.length;
    report();
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.seq;
  }

  // Counted again on both sides rather than trusting the loop: a source that changed while it
  // was read (a server left running) or a target that dropped rows shows up here.
  const counts = { source: await countState(source, pageSize), target: await countState(target, pageSize) };
  const differ = (Object.keys(counts.source) as (keyof StateCounts)[]).filter((k) => counts.source[k] !== counts.target[k]);
  if (differ.length > 0) {
    const detail = differ.map((k) => `${k}: source ${counts.source[k]}, target ${counts.target[k]}`).join('; ');
    throw new MigrationError('mismatch', `The target's counts differ from the source's after the copy (${detail})`, counts);
  }
  return counts;
}
