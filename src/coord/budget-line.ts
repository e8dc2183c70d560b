/**
 * The Jamf budget's waiting line as one replica sees it: whether it stands in the line itself,
 * and which other replicas do (from their NOTIFYs and the heartbeat's read).
 *
 * A replica whose queue empties stays in the line for `holdMs` before it leaves: a request calls
 * Jamf several times one after another, with a little work of its own in between, so its queue
 * empties for a moment between calls. Leaving and joining again on each of those moments cost two
 * statements and two NOTIFYs per Jamf call, as many round trips as the calls themselves.
 *
 * The statements that add or remove this replica's row (acquire, withdraw, the heartbeat) run one
 * at a time, in the order they were asked for: they go over different pool connections, and a
 * withdraw that overtook a later acquire would leave this replica waiting with no row, so nobody
 * hands it a slot until the next poll.
 */
import type { BudgetStatements } from './pg-budget.js';
import { errorFields, type CoordLog } from './pg-support.js';

export interface WaitingLineContext {
  db: BudgetStatements;
  log: CoordLog;
  now: () => number;
  leaseMs: number;
  holdMs: number;
  /** Jamf calls queued here. */
  queued: () => number;
}

export function createWaitingLine(ctx: WaitingLineContext, holder: string) {
  const { db, log, now, leaseMs } = ctx;
  const others = new Map<string, number>();
  let standing = false;
  let hold: NodeJS.Timeout | undefined;
  let tail: Promise<unknown> = Promise.resolve();

  const serial = <T>(statement: () => Promise<T>): Promise<T> => {
    const run = tail.then(statement, statement);
    tail = run.catch(() => undefined);
    return run;
  };

  const stopHold = (): void => {
    if (hold !== undefined) clearTimeout(hold);
    hold = undefined;
  };

  /** Leaves the line now if nothing is queued. */
  const leave = (): void => {
    stopHold();
    if (!standing || ctx.queued() > 0) return;
    standing = false;
    serial(() => db.withdraw(holder)).catch((err: unknown) => log.warn(errorFields(err), 'leaving the Jamf budget waiting line failed; the heartbeat retries'));
  };

  return {
    /** Whether this replica is in the line (a slot may be handed to it). */
    standing: () => standing,
    /** Runs a statement that touches this replica's row after the ones asked for before it. */
    serial,
    joined(): void {
      standing = true;
    },
    /** The heartbeat removed the row (nothing queued) or renewed it. */
    renewed(waiting: boolean, waiters: string[]): void {
      if (!waiting) {
        standing = false;
        stopHold();
      }
      others.clear();
      for (const other of waiters) others.set(other, now() + leaseMs);
    },
    leave,
    /** Nothing queued any more: leaves after `holdMs` unless a call queues meanwhile. */
    idle(): void {
      if (!standing || ctx.queued() > 0 || hold !== undefined) return;
      hold = setTimeout(() => {
        hold = undefined;
        leave();
      }, ctx.holdMs);
      hold.unref();
    },
    otherJoined(other: string): void {
      others.set(other, now() + leaseMs);
    },
    otherLeft(other: string): void {
      others.delete(other);
    },
    /** How many other replicas wait (entries not refreshed for a lease are dropped). */
    othersWaiting(): number {
      const t = now();
      for (const [other, until] of others) if (until <= t) others.delete(other);
      return others.size;
    },
    close: stopHold,
  };
}

export type WaitingLine = ReturnType<typeof createWaitingLine>;
