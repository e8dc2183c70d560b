import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isPostgresUrl } from './store/open-store.js';
import { sqlitePath } from './store/sqlite-store.js';

export const MIGRATE_USAGE = `Usage: npm run migrate-state -- [--page-size N] FROM TO

Copies the state (users and tombstones, groups, the audit trail) from the store FROM to the store
TO, for instance from the SQLite file of one server to the PostgreSQL database of several replicas.
FROM and TO are STATE_URL values: a SQLite file path or file: URL, or a postgres:// URL.

Stop the server first: changes it makes while the copy runs would not be copied. FROM's rows are
only read (an older store's schema is brought up to date first, as the server's start would).
TO must hold no users, groups or audit entries; nothing is written to it otherwise. TO's schema
is created when missing. Each page is written in one transaction of TO, and at the end TO's
counts are compared with FROM's.

  --page-size N   rows per page and transaction, 1-10000 (default 500)
  -h, --help      this text

Example:
  npm run migrate-state -- /var/lib/jamf-scim/state.db 'postgres://jamf_scim:PASSWORD@db.example.com:5432/jamf_scim'

Exit status: 0 copied and verified, 1 failed (see the message), 2 bad arguments.
`;

export const DEFAULT_PAGE_SIZE = 500;
const MAX_PAGE_SIZE = 10_000;

export type MigrateCommand = { help: true } | { error: string } | { from: string; to: string; pageSize: number };

/** A STATE_URL fit to print: a PostgreSQL password (in the authority or the query) becomes ***. */
export function displayUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url.slice(0, url.indexOf('//') + 2)}***`;
  }
  if (parsed.password !== '') parsed.password = '***';
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
  return parsed.toString();
}

/** The secrets a URL holds, to be cut out of any message that might quote them (driver errors). */
export function secretsOf(url: string): string[] {
  if (!isPostgresUrl(url)) return [];
  try {
    const parsed = new URL(url);
    const raw = [parsed.password, parsed.searchParams.get('password') ?? ''];
    return [...new Set([...raw, ...raw.map((s) => safeDecode(s))])].filter((s) => s.length >= 3);
  } catch {
    return [];
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The file a SQLite STATE_URL names, absolute, so that two spellings of one file compare equal. */
const sqliteFile = (url: string): string => resolve(sqlitePath(url));

/** Server and database of a PostgreSQL URL: two roles on one database are still one store. */
function database(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname.toLowerCase()}${u.searchParams.get('host') ?? ''}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return url;
  }
}

export function parseMigrateArgs(argv: readonly string[]): MigrateCommand {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { 'page-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  if (values.help === true) return { help: true };

  let pageSize = DEFAULT_PAGE_SIZE;
  const size = values['page-size'];
  if (size !== undefined) {
    pageSize = /^\d{1,5}$/.test(size) ? Number(size) : NaN;
    if (!(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE)) return { error: `--page-size must be an integer from 1 to ${MAX_PAGE_SIZE}` };
  }

  const urls = positionals.map((p) => p.trim());
  if (urls.length !== 2) {
    return { error: urls.length < 2 ? 'Name the store to copy from (FROM) and the store to copy to (TO)' : `Expected FROM and TO, got ${urls.length} arguments` };
  }
  const [from, to] = urls as [string, string];
  for (const [name, url] of [['FROM', from], ['TO', to]] as const) {
    if (url === '') return { error: `${name} is empty` };
    // An in-memory store starts empty and vanishes with the process: nothing to copy, nowhere to keep it.
    if (!isPostgresUrl(url) && sqlitePath(url) === ':memory:') return { error: `${name} is :memory:, a store that holds nothing once this command ends` };
  }
  const same = isPostgresUrl(from) ? isPostgresUrl(to) && database(from) === database(to) : !isPostgresUrl(to) && sqliteFile(from) === sqliteFile(to);
  if (same) return { error: 'FROM and TO are the same store' };
  return { from, to, pageSize };
}
