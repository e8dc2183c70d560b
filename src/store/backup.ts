import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, fsyncSync, linkSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { foldName } from '../scim/name-fold.js';

export interface BackupCounts {
  users: number;
  /** Users not active in Jamf: the rows only this file holds. */
  tombstones: number;
  groups: number;
  /** Null when the store predates the audit trail. */
  auditEntries: number | null;
  bytes: number;
}

export interface BackupOptions {
  /** Replace an existing file at the destination. */
  overwrite?: boolean;
  /**
   * Pages copied per step; all of them in one step by default. SQLite restarts a stepwise backup
   * whenever another connection writes between two steps, so under steady writes a small step
   * may never finish; one step reads one snapshot and, in WAL mode, blocks no writer.
   */
  pagesPerStep?: number;
  /** Called between steps (tests write to the source here). */
  onProgress?: (progress: { totalPages: number; remainingPages: number }) => void;
}

export type BackupErrorCode = 'no-source' | 'exists' | 'same-file' | 'integrity';

export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    /** What `PRAGMA integrity_check` reported, for code 'integrity'. */
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

const sameFile = (a: string, b: string) => {
  if (resolve(a) === resolve(b)) return true;
  return existsSync(b) && realpathSync(a) === realpathSync(b);
};

/** A file SQLite keeps beside a database; a stale one would be read as part of the new copy. */
const sideFiles = (path: string) => ['-wal', '-shm', '-journal'].map((s) => path + s);

/**
 * Copies the state store with SQLite's online backup API through a connection of its own, so it
 * runs while the server holds the file: the copy is one committed state, never a torn file
 * (https://www.sqlite.org/backup.html). The copy is written beside the destination, checked with
 * `PRAGMA integrity_check`, then moved into place, so a failed run leaves an existing backup as
 * it was.
 */
export async function backupStateStore(sourcePath: string, destPath: string, options: BackupOptions = {}): Promise<BackupCounts> {
  if (sourcePath === ':memory:') throw new BackupError('no-source', 'STATE_URL is :memory:; there is no state file to back up');
  if (!existsSync(sourcePath)) throw new BackupError('no-source', `No state store at ${sourcePath}`);
  if (sameFile(sourcePath, destPath)) throw new BackupError('same-file', `${destPath} is the state store itself`);
  if (existsSync(destPath) && !options.overwrite) throw new BackupError('exists', `${destPath} already exists`);

  const folder = dirname(resolve(destPath));
  // Tombstones are personal data: a folder made here, like the copy, is the owner's alone.
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const partial = join(folder, `.${basename(destPath)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    // SQLite keeps the mode of a file that exists, and gives its -wal and -shm files the same one.
    const fd = openSync(partial, 'wx', 0o600);
    fchmodSync(fd, 0o600);
    closeSync(fd);

    const source = new Database(sourcePath, { readonly: true, fileMustExist: true });
    try {
      source.pragma('busy_timeout = 5000');
      const step = options.pagesPerStep ?? 0x7fffffff;
      await source.backup(partial, {
        progress: (p) => {
          options.onProgress?.(p);
          return step;
        },
      });
    } finally {
      source.close();
    }

    const counts = verifyCopy(partial);
    putInPlace(partial, destPath, options.overwrite === true);
    return { ...counts, bytes: statSync(destPath).size };
  } finally {
    for (const f of [partial, ...sideFiles(partial)]) rmSync(f, { force: true });
  }
}

function verifyCopy(path: string): Omit<BackupCounts, 'bytes'> {
  const db = new Database(path, { fileMustExist: true });
  try {
    // An index over the store's own fold function is checked with it (migrations.ts).
    db.function('scim_fold_name', { deterministic: true }, (name: unknown) => (typeof name === 'string' ? foldName(name) : null));
    const problems = db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
    const lines = problems.map((r) => r.integrity_check);
    if (lines.length !== 1 || lines[0] !== 'ok') {
      throw new BackupError('integrity', `The copy failed PRAGMA integrity_check (${lines.length} problems); it was not kept`, lines);
    }
    const count = (sql: string) => db.prepare<[], number>(sql).pluck().get() ?? 0;
    const hasAudit = count("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'") > 0;
    const counts = {
      users: count('SELECT COUNT(*) FROM users'),
      tombstones: count("SELECT COUNT(*) FROM users WHERE status <> 'active'"),
      groups: count('SELECT COUNT(*) FROM groups'),
      auditEntries: hasAudit ? count('SELECT COUNT(*) FROM audit') : null,
    };
    // The copy carries the source's WAL flag; a rollback journal makes it one self-contained file
    // that a read-only mount can open. The server turns WAL back on when it opens a restored copy.
    db.pragma('journal_mode = DELETE');
    return counts;
  } finally {
    db.close();
  }
}

function putInPlace(partial: string, destPath: string, overwrite: boolean): void {
  if (overwrite) {
    for (const f of sideFiles(destPath)) rmSync(f, { force: true });
    renameSync(partial, destPath);
  } else {
    // A link fails if the name was taken since the check above, where a rename would replace it.
    try {
      linkSync(partial, destPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError('exists', `${destPath} already exists`);
      // Some network and FUSE file systems have no hard links.
      if (existsSync(destPath)) throw err;
      renameSync(partial, destPath);
    }
  }
  syncFolder(dirname(resolve(destPath)));
}

/** The new name survives a power cut only once its folder is synced (POSIX rename semantics). */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Not every platform opens or syncs a folder; the copy itself is already synced by SQLite.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
