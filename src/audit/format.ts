import type { AuditEntry } from './types.js';

export const AUDIT_FORMATS = ['table', 'json', 'csv'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/*
 * Names come from the IdP. A control character in one (an ANSI escape, a newline) would move the
 * cursor, recolour or fake lines in an operator's terminal, so the table shows it as \uXXXX.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const visible = (text: string) => text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const TABLE_COLUMNS: ReadonlyArray<[string, (e: AuditEntry) => string]> = [
  ['TIME', (e) => e.time],
  ['REQUEST ID', (e) => e.requestId ?? '-'],
  ['CREDENTIAL', (e) => e.credential ?? '-'],
  ['ACTION', (e) => e.action],
  ['NAME', (e) => e.name ?? '-'],
  ['SCIM ID', (e) => e.scimId ?? '-'],
  ['JAMF IDS', (e) => (e.jamfIds.length === 0 ? '-' : e.jamfIds.join(','))],
  ['OUTCOME', (e) => e.outcome],
  ['CALLS', (e) => String(e.jamfCalls.length)],
];

/** Aligned columns, one line per entry, for a terminal. */
export function formatTable(entries: readonly AuditEntry[]): string {
  const rows = [TABLE_COLUMNS.map(([title]) => title), ...entries.map((e) => TABLE_COLUMNS.map(([, cell]) => visible(cell(e))))];
  const widths = TABLE_COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] as number))).join('  ')).join('\n') + '\n';
}

/** One JSON array, as the admin API's `entries`. */
export function formatJson(entries: readonly AuditEntry[]): string {
  return JSON.stringify(entries, null, 2) + '\n';
}

const CSV_COLUMNS: ReadonlyArray<[string, (e: AuditEntry) => string]> = [
  ['seq', (e) => String(e.seq)],
  ['time', (e) => e.time],
  ['request_id', (e) => e.requestId ?? ''],
  ['credential', (e) => e.credential ?? ''],
  ['action', (e) => e.action],
  ['resource_type', (e) => e.resourceType],
  ['scim_id', (e) => e.scimId ?? ''],
  ['name', (e) => e.name ?? ''],
  ['jamf_ids', (e) => e.jamfIds.join(' ')],
  ['members', (e) => e.members.join(' ')],
  ['outcome', (e) => e.outcome],
  ['detail', (e) => (e.detail === null ? '' : JSON.stringify(e.detail))],
  ['jamf_calls', (e) => e.jamfCalls.map((c) => `${c.method} ${c.route} ${c.status ?? 'no answer'} ${c.ms}ms`).join('; ')],
];

/**
 * A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and tab or CR
 * can hide such a start): a userName from the IdP must not become one in an auditor's export.
 * The leading apostrophe is OWASP's "CSV injection" advice; spreadsheets show the text as is.
 */
export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  // RFC 4180 §2: fields holding a comma, quote or line break are quoted, quotes doubled.
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180: one header row, CRLF line ends. */
export function formatCsv(entries: readonly AuditEntry[]): string {
  const lines = [CSV_COLUMNS.map(([title]) => title).join(','), ...entries.map((e) => CSV_COLUMNS.map(([, cell]) => csvCell(cell(e))).join(','))];
  return lines.join('\r\n') + '\r\n';
}

export function formatEntries(entries: readonly AuditEntry[], format: AuditFormat): string {
  return format === 'json' ? formatJson(entries) : format === 'csv' ? formatCsv(entries) : formatTable(entries);
}
