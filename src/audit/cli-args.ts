import { parseArgs } from 'node:util';
import { AUDIT_FORMATS, type AuditFormat } from './format.js';
import { isOutcome, parseActions, parseInstantOrAgo } from './query-input.js';
import { AUDIT_ACTIONS, type AuditQuery } from './types.js';

export const AUDIT_USAGE = `Usage: npm run audit -- [options]

Prints the audit trail from the state store (STATE_URL), newest first.

Options:
  --user <id|userName>     a user's entries, and the group membership steps that name it
  --group <id|displayName> a group's entries
  --action <a,b,...>       only these actions: ${AUDIT_ACTIONS.join(', ')}
  --outcome <o>            success or failure
  --since <when>           from this time on (inclusive): 2026-03-01, 2026-03-01T09:30:00Z, 7d, 24h, 30m
  --until <when>           before this time (exclusive), same forms
  --limit <n>              at most this many entries (default 50)
  --format <f>             table (default), json or csv
  -h, --help               this text

Times without an offset are UTC.
`;

export type AuditCommand = { help: true } | { error: string } | { query: Omit<AuditQuery, 'limit'>; limit: number; format: AuditFormat };

const MAX_LIMIT = 1_000_000;

/** The flags of `npm run audit`; `{ error }` names the flag that is wrong. */
export function parseAuditArgs(argv: readonly string[], now: Date): AuditCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        user: { type: 'string' },
        group: { type: 'string' },
        action: { type: 'string' },
        outcome: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        limit: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  if (values.help === true) return { help: true };

  const query: Omit<AuditQuery, 'limit'> = {};
  if (values.user !== undefined) {
    if (values.user.trim() === '') return { error: '--user is empty' };
    query.user = values.user;
  }
  if (values.group !== undefined) {
    if (values.group.trim() === '') return { error: '--group is empty' };
    query.group = values.group;
  }
  if (values.action !== undefined) {
    const parsed = parseActions(values.action);
    if ('unknown' in parsed) return { error: `--action ${parsed.unknown.join(', ')} is not one of ${AUDIT_ACTIONS.join(', ')}` };
    query.action = parsed.actions;
  }
  if (values.outcome !== undefined) {
    if (!isOutcome(values.outcome)) return { error: '--outcome must be success or failure' };
    query.outcome = values.outcome;
  }
  for (const key of ['since', 'until'] as const) {
    const value = values[key];
    if (value === undefined) continue;
    const instant = parseInstantOrAgo(value, now);
    if (instant === undefined) return { error: `--${key} must be an ISO-8601 date or time (2026-03-01, 2026-03-01T09:30:00Z) or an age (7d, 24h, 30m)` };
    query[key] = instant;
  }
  let limit = 50;
  if (values.limit !== undefined) {
    limit = /^\d{1,7}$/.test(values.limit) ? Number(values.limit) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) return { error: `--limit must be an integer from 1 to ${MAX_LIMIT}` };
  }
  const format = values.format ?? 'table';
  if (!(AUDIT_FORMATS as readonly string[]).includes(format)) return { error: `--format must be one of ${AUDIT_FORMATS.join(', ')}` };
  return { query, limit, format: format as AuditFormat };
}
