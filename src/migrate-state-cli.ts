import { existsSync } from 'node:fs';
import { MIGRATE_USAGE, displayUrl, parseMigrateArgs, secretsOf } from './migrate-state-args.js';
import { isPostgresUrl } from './store/open-store.js';
import { MigrationError, copyState, type MigrationEnd, type StateCounts } from './store/migrate-state.js';
import { sqlitePath } from './store/sqlite-store.js';

/** What the command needs of an opened store (src/store/open-store.ts gives more). */
export interface OpenedStore extends MigrationEnd {
  kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

export interface MigrateIo {
  out(text: string): void;
  err(text: string): void;
  /** `openStateStore` of src/store/open-store.ts. */
  open(stateUrl: string): Promise<OpenedStore>;
}

type Opened = OpenedStore;

const label = (kind: Opened['kind']) => (kind === 'postgres' ? 'PostgreSQL' : 'SQLite');

function summary(counts: StateCounts): string[] {
  return [
    `  users:         ${counts.users} (${counts.tombstones} tombstones: users not in Jamf, whose only copy is the store)`,
    `  groups:        ${counts.groups}`,
    `  audit entries: ${counts.auditEntries}`,
  ];
}

/** `npm run migrate-state -- FROM TO`; resolves to the exit status (0 ok, 1 failed, 2 usage). */
export async function runMigrateState(argv: readonly string[], io: MigrateIo): Promise<number> {
  const command = parseMigrateArgs(argv);
  if ('help' in command) {
    io.out(MIGRATE_USAGE);
    return 0;
  }
  if ('error' in command) {
    io.err(`${command.error}\n\n${MIGRATE_USAGE}`);
    return 2;
  }
  const { from, to, pageSize } = command;
  const secrets = [...secretsOf(from), ...secretsOf(to)];
  // Driver errors may quote what they were given; a password is cut out of anything printed.
  const clean = (text: string) => secrets.reduce((t, s) => t.split(s).join('***'), text);
  const fail = (message: string) => {
    io.err(`${clean(message)}\n`);
    return 1;
  };

  // Opening a missing SQLite file would create an empty one: a mistyped FROM must not leave a file behind.
  if (!isPostgresUrl(from) && !existsSync(sqlitePath(from))) {
    return fail(`No state store at ${sqlitePath(from)} (FROM). Name the file the server's STATE_URL names.`);
  }

  let source: Opened | undefined;
  let target: Opened | undefined;
  try {
    try {
      source = await io.open(from);
    } catch (err) {
      return fail(`Could not open FROM (${displayUrl(from)}): ${messageOf(err)}`);
    }
    try {
      target = await io.open(to);
    } catch (err) {
      return fail(`Could not open TO (${displayUrl(to)}): ${messageOf(err)}`);
    }
    io.out(`Copying the state\n  from ${label(source.kind)} ${displayUrl(from)}\n  to   ${label(target.kind)} ${displayUrl(to)}\n`);
    let shown = 0;
    const counts = await copyState(source, target, {
      pageSize,
      // A line per 10 000 rows or so: a large trail takes a while, and silence looks like a hang.
      onPage: (c) => {
        const rows = c.users + c.groups + c.auditEntries;
        if (rows - shown < 10_000) return;
        shown = rows;
        io.out(`  … ${c.users} users, ${c.groups} groups, ${c.auditEntries} audit entries\n`);
      },
    });
    const lines = [
      'Copied:',
      ...summary(counts.target),
      `Verified: the target holds as many users, tombstones, groups and audit entries as the source.`,
      ...(counts.source.users + counts.source.groups + counts.source.auditEntries === 0
        ? ['The source held nothing: was FROM the store the server used (its STATE_URL)?']
        : []),
      `Next: set STATE_URL to the target for every replica, then start them. Keep the source until they run.`,
    ];
    io.out(`${lines.join('\n')}\n`);
    return 0;
  } catch (err) {
    if (err instanceof MigrationError && err.code === 'target-not-empty') {
      return fail(`${err.message}.\nTO must be a new, empty store: a new database, or a SQLite file that does not exist yet.`);
    }
    if (err instanceof MigrationError) {
      return fail(`${err.message}.\nWas the server still running on FROM? Stop it, empty TO (drop and create the database) and run this again.`);
    }
    return fail(`The copy failed: ${messageOf(err)}\nPages written before the failure, if any, stay in TO: empty it before running this again.`);
  } finally {
    await Promise.allSettled([source?.close(), target?.close()]);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
