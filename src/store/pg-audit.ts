import type { AuditEntry, AuditPage, AuditQuery, AuditStore, NewAuditEntry } from '../audit/types.js';
import { foldName } from '../scim/name-fold.js';
import { MAX_AUDIT_PAGE } from './audit-sqlite.js';
import type { PgRunner } from './pg-tx.js';

interface AuditRow {
  seq: number;
  time: string;
  request_id: string | null;
  credential: string | null;
  action: AuditEntry['action'];
  resource_type: AuditEntry['resourceType'];
  scim_id: string | null;
  name: string | null;
  jamf_ids: number[];
  members: string[];
  outcome: AuditEntry['outcome'];
  detail: string | null;
  jamf_calls: string;
}

// seq is int8, which pg hands over as a string; float8 holds every seq up to 2^53 exactly.
const COLUMNS = 'seq::float8 AS seq, time, request_id, credential, action, resource_type, scim_id, name, jamf_ids, members, outcome, detail, jamf_calls';

const APPEND = `INSERT INTO audit (time, request_id, credential, action, resource_type, scim_id, name, name_key, jamf_ids, members, outcome, detail, jamf_calls)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::integer[], $10::text[], $11, $12, $13) RETURNING seq::float8 AS seq`;
// The oldest first, by the time index, so a batch deletes what retention would delete first.
// Rows another replica's prune is deleting are skipped rather than waited for.
const PRUNE = 'DELETE FROM audit WHERE seq IN (SELECT seq FROM audit WHERE time < $1 ORDER BY time LIMIT $2 FOR UPDATE SKIP LOCKED)';
const SCAN = `SELECT ${COLUMNS} FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2`;
/*
 * One statement for a batch of any size: the entries as one JSON array of records, whose lists
 * json_to_recordset turns into the array columns. A seq already present fails the whole batch,
 * as on SQLite: the target of a migration is empty.
 */
const IMPORT = `INSERT INTO audit (seq, time, request_id, credential, action, resource_type, scim_id, name, name_key, jamf_ids, members, outcome, detail, jamf_calls)
  SELECT seq, time, request_id, credential, action, resource_type, scim_id, name, name_key, jamf_ids, members, outcome, detail, jamf_calls
  FROM json_to_recordset($1::json) AS e(seq bigint, time text, request_id text, credential text, action text, resource_type text,
    scim_id text, name text, name_key text, jamf_ids integer[], members text[], outcome text, detail text, jamf_calls text)`;
// An imported seq does not move the identity's sequence: moved past the highest one here, the
// next append continues above it. Never lowered: a seq is never handed out twice.
const ADVANCE = `SELECT setval(s, GREATEST((SELECT max(seq) FROM audit), COALESCE(pg_sequence_last_value(s), 1)))
  FROM (SELECT pg_get_serial_sequence('audit', 'seq')::regclass AS s) AS audit_seq`;

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
    jamfIds: r.jamf_ids,
    members: r.members,
    outcome: r.outcome,
    detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
    jamfCalls: JSON.parse(r.jamf_calls) as AuditEntry['jamfCalls'],
  };
}

/** Entry times are `toISOString()` text, so a bound must be the same spelling to compare as text. */
const instant = (iso: string) => new Date(iso).toISOString();

/**
 * The statement of a query: the count of every match (ignoring the cursor) joined with the page,
 * so that both come in one round trip and the count arrives also when the page is empty.
 */
export function pgAuditSql(q: AuditQuery): { text: string; values: unknown[]; limit: number } {
  const values: unknown[] = [];
  const param = (value: unknown, type = 'text') => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  const terms: string[] = [];
  if (q.user !== undefined) {
    const user = param(q.user);
    const key = param(foldName(q.user));
    // A user's own entries, and the membership steps naming its SCIM id, also when the caller
    // gave the userName: the SCIM ids that userName had, from its own entries. Each side of the
    // OR is an index lookup (the GIN index needs its `members <> '{}'` predicate spelled out).
    terms.push(`((resource_type = 'User' AND (scim_id = ${user} OR name_key = ${key}))
      OR (members <> '{}' AND members && (ARRAY[${user}] || ARRAY(SELECT u.scim_id FROM audit u WHERE u.name_key = ${key} AND u.resource_type = 'User' AND u.scim_id IS NOT NULL))))`);
  }
  if (q.group !== undefined) {
    terms.push(`(resource_type = 'Group' AND (scim_id = ${param(q.group)} OR name_key = ${param(foldName(q.group))}))`);
  }
  if (q.action !== undefined && q.action.length > 0) terms.push(`action = ANY(${param(q.action, 'text[]')})`);
  if (q.outcome !== undefined) terms.push(`outcome = ${param(q.outcome)}`);
  if (q.since !== undefined) terms.push(`time >= ${param(instant(q.since))}`);
  if (q.until !== undefined) terms.push(`time < ${param(instant(q.until))}`);
  const cursor: string[] = [];
  if (q.before !== undefined) cursor.push(`seq < ${param(q.before, 'bigint')}`);
  if (q.after !== undefined) cursor.push(`seq > ${param(q.after, 'bigint')}`);
  const limit = Math.min(Math.max(1, Math.trunc(q.limit)), MAX_AUDIT_PAGE);
  const where = (list: string[]) => (list.length === 0 ? '' : `WHERE ${list.join(' AND ')}`);
  // One row more than the page says whether another page follows.
  const text = `SELECT t.total, p.* FROM (SELECT count(*)::int AS total FROM audit ${where(terms)}) t
    LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM audit ${where([...terms, ...cursor])} ORDER BY seq DESC LIMIT ${param(limit + 1, 'int')}) p ON true`;
  return { text, values, limit };
}

/**
 * The audit trail on PostgreSQL, in the state store's database. An append is its own statement,
 * or part of the store transaction its caller is in, committing or rolling back with it.
 */
export function createPgAuditStore(db: PgRunner): AuditStore {
  return {
    async append(e: NewAuditEntry): Promise<number> {
      const result = await db.query<{ seq: number }>({
        name: 'audit.append',
        text: APPEND,
        values: [
          e.time,
          e.requestId,
          e.credential,
          e.action,
          e.resourceType,
          e.scimId,
          e.name,
          e.name === null ? null : foldName(e.name),
          e.jamfIds,
          e.members,
          e.outcome,
          e.detail === null ? null : JSON.stringify(e.detail),
          JSON.stringify(e.jamfCalls),
        ],
      });
      return (result.rows[0] as { seq: number }).seq;
    },

    async query(q: AuditQuery): Promise<AuditPage> {
      const { text, values, limit } = pgAuditSql(q);
      const rows = (await db.query<AuditRow & { total: number }>({ text, values })).rows;
      const total = rows[0]?.total ?? 0;
      const found = rows.filter((r) => r.seq !== null);
      const more = found.length > limit;
      const entries = (more ? found.slice(0, limit) : found).map(toEntry);
      return { entries, total, next: more ? (entries[entries.length - 1] as AuditEntry).seq : null };
    },

    async pruneOlderThan(time: string, batch: number): Promise<number> {
      const result = await db.query({ name: 'audit.prune', text: PRUNE, values: [instant(time), Math.max(1, Math.trunc(batch))] });
      return result.rowCount ?? 0;
    },

    async scan(after: number, limit: number): Promise<AuditEntry[]> {
      return (await db.query<AuditRow>({ text: SCAN, values: [after, limit] })).rows.map(toEntry);
    },

    async importEntries(entries: readonly AuditEntry[]): Promise<void> {
      if (entries.length === 0) return;
      const records = entries.map((e) => ({
        seq: e.seq,
        time: e.time,
        request_id: e.requestId,
        credential: e.credential,
        action: e.action,
        resource_type: e.resourceType,
        scim_id: e.scimId,
        name: e.name,
        name_key: e.name === null ? null : foldName(e.name),
        jamf_ids: e.jamfIds,
        members: e.members,
        outcome: e.outcome,
        detail: e.detail === null ? null : JSON.stringify(e.detail),
        jamf_calls: JSON.stringify(e.jamfCalls),
      }));
      await db.transaction(async () => {
        // Sequences are not transactional: an append between reading the sequence and moving it
        // could be handed a seq an imported entry holds. The lock keeps appends out meanwhile.
        await db.query({ text: 'LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE' });
        await db.query({ text: IMPORT, values: [JSON.stringify(records)] });
        await db.query({ text: ADVANCE });
      });
    },
  };
}
