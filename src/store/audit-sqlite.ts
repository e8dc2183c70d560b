import type { Database, Statement } from 'better-sqlite3';
import type { AuditEntry, AuditPage, AuditQuery, AuditStore, NewAuditEntry } from '../audit/types.js';
import { foldName } from '../scim/name-fold.js';
import type { WriteGate } from './sqlite-gate.js';

interface AuditRow {
  seq: number;
  time: string;
  request_id: string | null;
  credential: string | null;
  action: AuditEntry['action'];
  resource_type: AuditEntry['resourceType'];
  scim_id: string | null;
  name: string | null;
  jamf_ids: string;
  members: string;
  outcome: AuditEntry['outcome'];
  detail: string | null;
  jamf_calls: string;
}

const COLUMNS = 'seq, time, request_id, credential, action, resource_type, scim_id, name, jamf_ids, members, outcome, detail, jamf_calls';
export const MAX_AUDIT_PAGE = 1000;
/** Distinct filter combinations are few (each filter on or off); the cap only bounds a surprise. */
const STATEMENT_CACHE_MAX = 64;

/*
 * A user's entries: its own (by SCIM id or userName), and the membership steps that name its SCIM
 * id (audit_members, migrations.ts), also when the caller gave the userName: the SCIM ids that
 * userName had, from its own entries. Each side of the OR is an index lookup, so SQLite reads
 * index ranges, never the whole table.
 */
const USER_CLAUSE = `((resource_type = 'User' AND (scim_id = @user OR name_key = @userKey))
  OR seq IN (SELECT m.seq FROM audit_members m
    WHERE m.scim_id = @user OR m.scim_id IN (SELECT u.scim_id FROM audit u WHERE u.name_key = @userKey AND u.resource_type = 'User')))`;
const GROUP_CLAUSE = `(resource_type = 'Group' AND (scim_id = @group OR name_key = @groupKey))`;
// One statement for any number of actions (a JSON array), rather than one per `IN (?, ?, …)` length.
const ACTION_CLAUSE = 'action IN (SELECT value FROM json_each(@actions))';

const EMPTY_LIST = '[]';
const list = (values: readonly unknown[]) => (values.length === 0 ? EMPTY_LIST : JSON.stringify(values));

function toEntry(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    time: r.time,
    requestId: r.request_id,
    credential: r.credential,
    action: r.action,
    resourceType: r.resource_type,
    scimId: r.scim_id,
    name: r.name,
    jamfIds: JSON.parse(r.jamf_ids) as number[],
    members: JSON.parse(r.members) as string[],
    outcome: r.outcome,
    detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
    jamfCalls: JSON.parse(r.jamf_calls) as AuditEntry['jamfCalls'],
  };
}

/** Entry times are `toISOString()` text, so a bound must be the same spelling to compare as text. */
const instant = (iso: string) => new Date(iso).toISOString();

const whereOf = (terms: readonly string[]) => (terms.length === 0 ? '' : `WHERE ${terms.join(' AND ')}`);

/** The statements of a query: the page (with the cursor) and the count of all matches (without it). */
export function auditSql(q: AuditQuery): { list: string; count: string; params: Record<string, string | number>; limit: number } {
  const terms: string[] = [];
  const params: Record<string, string | number> = {};
  if (q.user !== undefined) {
    terms.push(USER_CLAUSE);
    params.user = q.user;
    params.userKey = foldName(q.user);
  }
  if (q.group !== undefined) {
    terms.push(GROUP_CLAUSE);
    params.group = q.group;
    params.groupKey = foldName(q.group);
  }
  if (q.action !== undefined && q.action.length > 0) {
    terms.push(ACTION_CLAUSE);
    params.actions = JSON.stringify(q.action);
  }
  if (q.outcome !== undefined) {
    terms.push('outcome = @outcome');
    params.outcome = q.outcome;
  }
  if (q.since !== undefined) {
    terms.push('time >= @since');
    params.since = instant(q.since);
  }
  if (q.until !== undefined) {
    terms.push('time < @until');
    params.until = instant(q.until);
  }
  const cursor: string[] = [];
  if (q.before !== undefined) {
    cursor.push('seq < @before');
    params.before = q.before;
  }
  if (q.after !== undefined) {
    cursor.push('seq > @after');
    params.after = q.after;
  }
  const limit = Math.min(Math.max(1, Math.trunc(q.limit)), MAX_AUDIT_PAGE);
  // One row more than the page says whether another page follows.
  params.limit = limit + 1;
  return {
    list: `SELECT ${COLUMNS} FROM audit ${whereOf([...terms, ...cursor])} ORDER BY seq DESC LIMIT @limit`,
    count: `SELECT COUNT(*) FROM audit ${whereOf(terms)}`,
    params,
    limit,
  };
}

/**
 * The audit trail in the state store's SQLite file. An append is an autocommit insert at the
 * store's normal safety level (synchronous=NORMAL, no fsync): it survives a crash of the
 * process, and one lost to a power cut loses no state, only its record. Inside a store
 * transaction it commits with that transaction.
 */
export function createSqliteAuditStore(db: Database, gate: WriteGate): AuditStore {
  const insert = db.prepare(
    `INSERT INTO audit (time, request_id, credential, action, resource_type, scim_id, name, name_key, jamf_ids, members, outcome, detail, jamf_calls)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // The oldest first, by the time index, so a batch deletes what retention would delete first.
  const insertWithSeq = db.prepare(
    `INSERT INTO audit (seq, time, request_id, credential, action, resource_type, scim_id, name, name_key, jamf_ids, members, outcome, detail, jamf_calls)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const scan = db.prepare<[number, number], AuditRow>(`SELECT ${COLUMNS} FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`);
  const prune = db.prepare<[string, number]>('DELETE FROM audit WHERE seq IN (SELECT seq FROM audit WHERE time < ? ORDER BY time LIMIT ?)');

  const statements = new Map<string, Statement>();
  function prepared(sql: string): Statement {
    let statement = statements.get(sql);
    if (statement === undefined) {
      if (statements.size >= STATEMENT_CACHE_MAX) statements.delete(statements.keys().next().value as string);
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  }

  const values = (e: NewAuditEntry) =>
    [
      e.time,
      e.requestId,
      e.credential,
      e.action,
      e.resourceType,
      e.scimId,
      e.name,
      e.name === null ? null : foldName(e.name),
      list(e.jamfIds),
      list(e.members),
      e.outcome,
      e.detail === null ? null : JSON.stringify(e.detail),
      list(e.jamfCalls),
    ] as const;
  const importAll = db.transaction((entries: readonly AuditEntry[]) => {
    for (const e of entries) insertWithSeq.run(e.seq, ...values(e));
  });

  // Reads answer at once; writes pass the store's gate, so none lands in another request's open transaction.
  return {
    append: async (e: NewAuditEntry): Promise<number> => gate.write(() => Number(insert.run(...values(e)).lastInsertRowid)),

    async query(q: AuditQuery): Promise<AuditPage> {
      const { list: listSql, count: countSql, params, limit } = auditSql(q);
      const rows = prepared(listSql).all(params) as AuditRow[];
      const total = prepared(countSql).pluck().get(params) as number;
      const more = rows.length > limit;
      const entries = (more ? rows.slice(0, limit) : rows).map(toEntry);
      return { entries, total, next: more ? (entries[entries.length - 1] as AuditEntry).seq : null };
    },

    pruneOlderThan: async (time: string, batch: number): Promise<number> =>
      gate.write(() => prune.run(instant(time), Math.max(1, Math.trunc(batch))).changes),

    scan: async (after: number, limit: number): Promise<AuditEntry[]> => scan.all(after, limit).map(toEntry),

    // AUTOINCREMENT continues above the highest seq inserted, so later appends follow the imported ones.
    importEntries: async (entries: readonly AuditEntry[]): Promise<void> => gate.write(() => importAll(entries)),
  };
}
