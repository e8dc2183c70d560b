import { AUDIT_ACTIONS, type AuditAction, type AuditOutcome } from './types.js';

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'failure'];

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO-8601 date (`2026-03-01`, midnight UTC) or date and time, as the `toISOString()` text
 * entries are stored in; undefined when it is not one. A time without an offset is UTC, the
 * zone entries are recorded in, so an operator and the server read it alike. Dates that do not
 * exist (`2026-02-30`, which Date.parse rolls over into March) are refused.
 */
export function parseInstant(text: string): string | undefined {
  const m = ISO.exec(text.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCDate() !== Number(d)) return undefined;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${(frac + '000').slice(0, 3)}${offset}`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const RELATIVE = /^(\d{1,6})([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `7d`, `24h`, `30m` before `now`, or an ISO-8601 instant (parseInstant); undefined otherwise. */
export function parseInstantOrAgo(text: string, now: Date): string | undefined {
  const m = RELATIVE.exec(text.trim());
  if (m === null) return parseInstant(text);
  return new Date(now.getTime() - Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]).toISOString();
}

/** A comma-separated list of actions; the unknown ones when there are any. */
export function parseActions(text: string): { actions: AuditAction[] } | { unknown: string[] } {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const known = new Set<string>(AUDIT_ACTIONS);
  const unknown = parts.filter((p) => !known.has(p));
  return unknown.length > 0 || parts.length === 0 ? { unknown: parts.length === 0 ? [text] : unknown } : { actions: [...new Set(parts)] as AuditAction[] };
}

export function isOutcome(text: string): text is AuditOutcome {
  return (AUDIT_OUTCOMES as readonly string[]).includes(text);
}
