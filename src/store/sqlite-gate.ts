/**
 * Transactions over one SQLite connection for an asynchronous port. better-sqlite3 runs each
 * statement synchronously, but a transaction's body now awaits between its statements, and other
 * requests run in those gaps. Their writes must not land inside the open transaction (a rollback
 * would take them along), so a write from outside waits for the transaction to end; the body's
 * own calls, recognised by an AsyncLocalStorage, go straight through. A read from outside runs at
 * once and may see the open transaction's rows: the bodies hold only store calls, so that window
 * is a few microtasks and closes with a commit unless a statement failed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';

interface Open {
  done: Promise<void>;
  savepoints: number;
}

export interface WriteGate {
  /** Runs a write now when no transaction is open or the caller is inside it; else after it ends. */
  write<T>(fn: () => T): T | Promise<T>;
  /** Whether the caller runs inside the open transaction. */
  inside(): boolean;
  transaction<T>(fn: () => Promise<T>, commit: () => void): Promise<T>;
}

export function createWriteGate(db: Database.Database): WriteGate {
  const context = new AsyncLocalStorage<Open>();
  let open: Open | null = null;
  /** Transactions waiting for the open one, in arrival order. */
  let tail: Promise<void> = Promise.resolve();

  const inside = () => open !== null && context.getStore() === open;

  async function later<T>(fn: () => T): Promise<T> {
    while (open !== null && context.getStore() !== open) await open.done;
    return fn();
  }

  async function nested<T>(tx: Open, fn: () => Promise<T>): Promise<T> {
    const name = `sp${++tx.savepoints}`;
    db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      db.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw err;
    }
  }

  return {
    write: (fn) => (open === null || inside() ? fn() : later(fn)),
    inside,
    async transaction(fn, commit) {
      if (inside()) return nested(open as Open, fn);
      let release!: () => void;
      const previous = tail;
      tail = new Promise<void>((resolve) => (release = resolve));
      await previous;
      // Writes queued behind a transaction that ended may still be pending: they run first.
      while (open !== null) await open.done;
      let end!: () => void;
      const tx: Open = { done: new Promise<void>((resolve) => (end = resolve)), savepoints: 0 };
      open = tx;
      try {
        db.exec('BEGIN');
        try {
          const result = await context.run(tx, fn);
          commit();
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      } finally {
        open = null;
        end();
        release();
      }
    },
  };
}
