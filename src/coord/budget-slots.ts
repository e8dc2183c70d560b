/**
 * The Jamf budget slots one replica holds: which are leased here, which are on their way back to
 * the table or to another replica, and the timers of slots lingering before a hand-over.
 */
import type { Slot } from './budget-share.js';
import type { BudgetStatements } from './pg-budget.js';
import { errorFields, type CoordLog } from './pg-support.js';

export interface HeldSlotsContext {
  db: BudgetStatements;
  log: CoordLog;
  now: () => number;
  leaseMs: number;
}

export function createHeldSlots(ctx: HeldSlotsContext, holder: string) {
  const { db, log, now, leaseMs } = ctx;
  const slots = new Map<number, Slot>();
  const lingering = new Map<number, NodeJS.Timeout>();
  let inTransit = 0;

  const fresh = (id: number, t = now()): Slot => ({ id, expiresAt: t + leaseMs, busy: false, turns: 0, idleSince: t });

  return {
    slots,
    fresh,
    /** Slots released or handed over whose statement has not come back yet. */
    inTransit: () => inTransit,
    /** Runs a statement that moves `count` slots away; they count against the budget meanwhile. */
    async moving<T>(count: number, statement: () => Promise<T>): Promise<T> {
      inTransit += count;
      try {
        return await statement();
      } finally {
        inTransit -= count;
      }
    },
    // Two missed heartbeats leave a third of the lease: no new call starts on the slot then, so the
    // calls already on it can finish before another replica may take the slot over.
    usable: (slot: Slot): boolean => slot.expiresAt - now() > leaseMs / 3,
    giveBack(list: Slot[]): void {
      if (list.length === 0) return;
      for (const slot of list) slots.delete(slot.id);
      inTransit += list.length;
      db.release(holder, list.map((s) => s.id))
        .catch((err: unknown) => log.warn(errorFields(err), 'Jamf budget slot release failed; the slots return when their lease runs out'))
        .finally(() => {
          inTransit -= list.length;
        });
    },
    lose(slot: Slot): void {
      slots.delete(slot.id);
      log.error({ slot: slot.id }, 'Jamf budget slot lease could not be renewed in time; the slot is given up and no call starts on it');
      // Holder-checked: frees the row only if no other replica has taken it over yet.
      db.release(holder, [slot.id]).catch(() => undefined);
    },
    /** Runs `then` after `ms` unless the slot lingers again or the set is closed first. */
    linger(slot: Slot, ms: number, then: () => void): void {
      slot.idleSince = now();
      clearTimeout(lingering.get(slot.id));
      const timer = setTimeout(() => {
        lingering.delete(slot.id);
        if (slots.get(slot.id) === slot) then();
      }, ms);
      timer.unref();
      lingering.set(slot.id, timer);
    },
    close(): void {
      for (const timer of lingering.values()) clearTimeout(timer);
      lingering.clear();
      slots.clear();
    },
  };
}
