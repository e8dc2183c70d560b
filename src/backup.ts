import { readEnvironment } from './config.js';
import { isPostgresUrl } from './store/open-store.js';
import { BackupError, backupStateStore } from './store/backup.js';
import { sqlitePath } from './store/sqlite-store.js';

const USAGE = `Usage: npm run backup -- [--force] FILE

Copies the state store (STATE_URL, default ./data/state.db) to FILE while the server runs, with
SQLite's online backup API: the copy is one committed state, never a torn file. FILE is created
with mode 0600 (its folder 0700 if missing), checked with PRAGMA integrity_check, and only then
put in place. Reads STATE_URL from the environment or .env; needs no Jamf or SCIM credentials.

  --force    replace FILE if it exists
  --help     show this text

Exit status: 0 copied and verified, 1 nothing copied (see the message), 2 bad arguments.
`;

type Command = { help: true } | { error: string } | { file: string; force: boolean };

function parseArgs(argv: readonly string[]): Command {
  let force = false;
  const files: string[] = [];
  let options = true;
  for (const arg of argv) {
    if (options && arg === '--') options = false;
    else if (options && (arg === '--help' || arg === '-h')) return { help: true };
    else if (options && (arg === '--force' || arg === '-f')) force = true;
    else if (options && arg.startsWith('-') && arg !== '-') return { error: `Unknown option ${arg}` };
    else files.push(arg);
  }
  if (files.length !== 1) return { error: files.length === 0 ? 'Name the file to write the backup to' : 'Name one file to write the backup to' };
  return { file: files[0] as string, force };
}

async function main(argv: readonly string[]): Promise<number> {
  const command = parseArgs(argv);
  if ('help' in command) {
    process.stdout.write(USAGE);
    return 0;
  }
  if ('error' in command) {
    process.stderr.write(`${command.error}\n\n${USAGE}`);
    return 2;
  }
  // STATE_URL alone: a backup from cron or a timer must not need the server's secrets.
  const stateUrl = readEnvironment().STATE_URL?.trim() || './data/state.db';
  if (isPostgresUrl(stateUrl)) {
    process.stderr.write('STATE_URL is a PostgreSQL database: back it up with its own tools (pg_dump, or the managed service\'s snapshots); npm run backup copies a SQLite state file.\n');
    return 1;
  }
  const source = sqlitePath(stateUrl);
  try {
    const copied = await backupStateStore(source, command.file, { overwrite: command.force });
    const lines = [
      `Copied ${source} to ${command.file}`,
      `  users:         ${copied.users}`,
      `  tombstones:    ${copied.tombstones} (deactivated users, whose only copy is this file)`,
      `  groups:        ${copied.groups}`,
      ...(copied.auditEntries === null ? [] : [`  audit entries: ${copied.auditEntries}`]),
      `  bytes:         ${copied.bytes}`,
      'Integrity check of the copy: ok',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    const hint: Record<BackupError['code'], string> = {
      'no-source': ' (STATE_URL). Set STATE_URL to the server\'s, or run this where the server runs.',
      exists: '; pass --force to replace it.',
      'same-file': '; name another file.',
      integrity: '. The state store itself may be damaged: stop the server and keep its file for inspection.',
    };
    process.stderr.write(`${err.message}${hint[err.code]}\n`);
    for (const line of err.problems.slice(0, 20)) process.stderr.write(`  ${line}\n`);
    if (err.problems.length > 20) process.stderr.write(`  … and ${err.problems.length - 20} more\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('backup failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
