import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AUDIT_USAGE, parseAuditArgs, type AuditCommand } from './audit/cli-args.js';
import { formatEntries } from './audit/format.js';
import type { AuditEntry, AuditStore } from './audit/types.js';
import { isPostgresUrl, openStateStore, redactStateUrl } from './store/open-store.js';
import { readEnvironment } from './config.js';
import { MAX_AUDIT_PAGE, createSqliteAuditStore } from './store/audit-sqlite.js';
import { sqlitePath } from './store/sqlite-store.js';
import { createWriteGate } from './store/sqlite-gate.js';

/**
 * `npm run audit`: reads the audit trail straight from the state store file, read-only, so it
 * works while the server runs (SQLite WAL: readers never block the writer) and needs only
 * STATE_URL, not the Jamf or SCIM credentials of the server's configuration.
 */
type Query = Extract<AuditCommand, { query: unknown }>;

async function main(argv: readonly string[]): Promise<number> {
  const command = parseAuditArgs(argv, new Date());
  if ('help' in command) {
    process.stdout.write(AUDIT_USAGE);
    return 0;
  }
  if ('error' in command) {
    process.stderr.write(`${command.error}\n\n${AUDIT_USAGE}`);
    return 2;
  }

  const stateUrl = readEnvironment().STATE_URL?.trim() || './data/state.db';
  if (isPostgresUrl(stateUrl)) return fromPostgres(stateUrl, command);
  const path = sqlitePath(stateUrl);
  if (path === ':memory:') {
    process.stderr.write('STATE_URL is :memory:: an in-memory store keeps no audit trail to read\n');
    return 1;
  }
  if (!existsSync(path)) {
    process.stderr.write(`No state store at ${path} (STATE_URL). Set STATE_URL to the server's, or run this where the server runs.\n`);
    return 1;
  }
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").get() === undefined) {
      process.stderr.write(`The state store at ${path} has no audit trail yet: start this version of the server on it once.\n`);
      return 1;
    }
    return await print(createSqliteAuditStore(db, createWriteGate(db)), command);
  } finally {
    db.close();
  }
}

/** The shared database of replicas: the same pages, through the server's PostgreSQL store. */
async function fromPostgres(stateUrl: string, command: Query): Promise<number> {
  let state;
  try {
    state = await openStateStore(stateUrl, { poolSize: 2 });
  } catch (err) {
    process.stderr.write(`The state store at ${redactStateUrl(stateUrl)} (STATE_URL) could not be opened: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  try {
    return await print(state.audit, command);
  } finally {
    await state.close();
  }
}

async function print(audit: Pick<AuditStore, 'query'>, command: Query): Promise<number> {
  const entries: AuditEntry[] = [];
  let before: number | undefined;
  let total = 0;
  // Pages of the API's size, so a large --limit never holds one huge statement result.
  do {
    const page = await audit.query({ ...command.query, before, limit: Math.min(MAX_AUDIT_PAGE, command.limit - entries.length) });
    if (before === undefined) total = page.total;
    entries.push(...page.entries);
    before = page.next ?? undefined;
  } while (before !== undefined && entries.length < command.limit);
  process.stdout.write(formatEntries(entries, command.format));
  if (command.format === 'table') process.stderr.write(`${entries.length} of ${total} matching entries, newest first\n`);
  return 0;
}

// `npm run audit | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

// exitCode rather than exit(): a large export to a pipe is written out before the process ends.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`audit failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
