/**
 * The Jamf call budget shared by replicas (Jamf asks for at most 5 concurrent connections per
 * instance, jamf-pro-api.md §5; replicas add up). A task runs only on a slot row this holder
 * leases, so the slot rows bound the calls across every replica.
 *
 * A replica alone pays no database round trip per call while it stays busy: a finished task's slot
 * goes straight to the next local task, and a slot with nothing to do is kept idle (until the next
 * heartbeat) for the next one. Once other replicas announce that they wait (a row and a NOTIFY), a
 * holder gives idle slots back and hands busy ones to the waiter holding the fewest, until it holds
 * no more than its share (budget-share.ts).
 *
 * A slot whose task finished with nothing queued here stays `lingerMs` before it goes to a waiting
 * replica: the request that just made the call usually makes its next one within that time, and
 * a hand-over costs a statement and a NOTIFY, while the slot is in use by nobody.
 */
import type { Limiter, LimiterStats } from '../jamf/limiter.js';
import { createWaitingLine } from './budget-line.js';
import { createHeldSlots } from './budget-slots.js';
import { passBound, type Slot } from './budget-share.js';
import { BUDGET_CHANNEL, type BudgetStatements } from './pg-budget.js';
import type { Listener } from './pg-listener.js';
import { CoordinationError, errorFields, type LeaseContext } from './pg-support.js';

interface Waiter {
  start: (slot: Slot) => void;
  reject: (err: Error) => void;
}

export interface SharedLimiter extends Limiter {
  renew(): Promise<void>;
  close(): Promise<void>;
}

export interface SharedLimiterContext extends LeaseContext {
  pollMs: number;
  /** How long an idle slot waits for a call of this replica before going to a waiting one. */
  lingerMs: number;
  /** How long a replica with nothing queued stays in the waiting line (budget-line.ts). */
  holdMs: number;
  listener: Listener;
  db: BudgetStatements;
}

export function createSharedLimiter(ctx: SharedLimiterContext, holder: string, max: number): SharedLimiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxConcurrency must be a positive integer, got ${max}`);
  const { db, log, now, leaseMs } = ctx;
  const held = createHeldSlots({ db, log, now, leaseMs }, holder);
  const { slots, usable, giveBack, lose } = held;
  const queue: Waiter[] = [];
  const line = createWaitingLine({ db, log, now, leaseMs, holdMs: ctx.holdMs, queued: () => queue.length }, holder);
  let running = 0;
  let acquiring = false;
  let starved = false;
  // Counts 'free' NOTIFYs: one that arrives while an acquire is on its way (the other replica
  // answered that acquire's 'wait' before its reply came back here) must not be lost.
  let freed = 0;
  let closed = false;

  const remoteWaiting = (): boolean => line.othersWaiting() > 0;

  const failQueue = (err: Error): void => {
    for (const waiter of queue.splice(0)) waiter.reject(err);
    line.leave();
  };

  const startNext = (slot: Slot): void => {
    const waiter = queue.shift() as Waiter;
    slot.busy = true;
    waiter.start(slot);
    if (queue.length === 0) line.idle();
  };

  const linger = (slot: Slot): void =>
    held.linger(slot, ctx.lingerMs, () => {
      if (closed || slot.busy || !remoteWaiting()) return;
      if (!usable(slot)) return lose(slot);
      pass(slot, max);
    });

  /**
   * A slot with no task on it: the next local task; else, while others wait, after `lingerMs`
   * straight to one of them (one statement, rather than a release all of them race to acquire);
   * else kept idle.
   */
  const place = (slot: Slot, handOff = true): void => {
    if (queue.length > 0) startNext(slot);
    else if (closed) giveBack([slot]);
    else if (!remoteWaiting()) slot.idleSince = now();
    else if (handOff) linger(slot);
    else giveBack([slot]);
  };

  function pass(slot: Slot, receiverMax: number): void {
    slots.delete(slot.id);
    slot.turns = 0;
    const t = now();
    held
      .moving(1, () => db.pass(holder, slot.id, receiverMax, t, t + leaseMs))
      .then((given) => {
        if (given !== null) return pump();
        slots.set(slot.id, slot);
        place(slot, false);
      })
      .catch((err: unknown) => {
        log.warn({ slot: slot.id, ...errorFields(err) }, 'Jamf budget slot hand-over failed; the slot returns when its lease runs out');
        pump();
      });
  }

  const finish = (slot: Slot): void => {
    slot.busy = false;
    if (slots.get(slot.id) !== slot) return;
    if (!usable(slot)) {
      lose(slot);
      return pump();
    }
    if (queue.length > 0 && !closed && remoteWaiting()) {
      const bound = passBound(slots.size, line.othersWaiting(), max, slot.turns);
      if (bound !== undefined) return pass(slot, bound);
    }
    slot.turns += 1;
    place(slot);
  };

  const adopt = (id: number): void => {
    if (slots.has(id)) return;
    const slot = held.fresh(id);
    slots.set(id, slot);
    if (slots.size > max) giveBack([slot]);
    else place(slot);
  };

  function pump(): void {
    if (acquiring || starved || closed || queue.length === 0) return;
    const want = Math.min(queue.length, max - slots.size - held.inTransit());
    if (want <= 0) return;
    acquiring = true;
    const freedBefore = freed;
    void (async () => {
      try {
        await db.ensure(max);
        const listening = await ctx.listener.ready();
        const t = now();
        const got = await line.serial(() => db.acquire(holder, max, want, listening, t, t + leaseMs));
        for (const id of got.slots) {
          if (slots.has(id)) continue;
          const slot = held.fresh(id, t);
          slots.set(id, slot);
          place(slot);
        }
        starved = got.slots.length < want && freed === freedBefore;
        if (got.announced) line.joined();
        line.idle();
      } catch (err) {
        log.error(errorFields(err), 'the shared Jamf budget could not be reached');
        failQueue(new CoordinationError('the shared Jamf budget could not be reached', { cause: err }));
      } finally {
        acquiring = false;
      }
      pump();
    })();
  }

  const unlisten = ctx.listener.on(BUDGET_CHANNEL, (payload) => {
    const [what, a, b] = payload.split(' ', 3);
    if (what === 'free') {
      // Also while nothing is queued: the next call may take the slot without waiting for a poll.
      freed += 1;
      starved = false;
      pump();
    } else if (what === 'wait' && a !== undefined && a !== holder) {
      line.otherJoined(a);
      // Straight to a waiter (one statement each), rather than a release that every waiting
      // replica then races to acquire, all but one in vain.
      for (const slot of [...slots.values()].filter((s) => !s.busy)) {
        if (!usable(slot)) lose(slot);
        else pass(slot, max);
      }
    } else if (what === 'done' && a !== undefined) {
      line.otherLeft(a);
    } else if (what === 'give' && b === holder && !closed) {
      adopt(Number(a));
    }
  });

  // Also catches what a lost NOTIFY would have said, and the slots of a replica that died.
  const poll = setInterval(() => {
    if (queue.length === 0) return;
    starved = false;
    pump();
  }, ctx.pollMs);
  poll.unref();

  const claim = (urgent: boolean): Promise<Slot> => {
    for (const slot of slots.values()) {
      if (slot.busy) continue;
      if (!usable(slot)) {
        lose(slot);
        continue;
      }
      slot.busy = true;
      return Promise.resolve(slot);
    }
    return new Promise<Slot>((start, reject) => {
      // Still in the waiting line: a slot comes by NOTIFY ('give', 'free'), no statement needed.
      if (queue.length === 0 && !line.standing()) starved = false;
      if (urgent) queue.unshift({ start, reject });
      else queue.push({ start, reject });
      pump();
    });
  };

  return {
    async run<T>(task: () => Promise<T>, opts?: { urgent?: boolean }): Promise<T> {
      if (closed) throw new CoordinationError('coordination is closed');
      const slot = await claim(opts?.urgent === true);
      running += 1;
      try {
        return await task();
      } finally {
        running -= 1;
        finish(slot);
      }
    },
    stats: (): LimiterStats => ({ inFlight: running, queued: queue.length }),
    drain: failQueue,
    async renew() {
      let t = now();
      let waiting = false;
      const renewed = await line.serial(() => {
        // Read when the statement runs, after any acquire or withdraw asked for before it.
        t = now();
        waiting = queue.length > 0 || line.standing();
        return db.renew(holder, [...slots.keys()], waiting, t, t + leaseMs);
      });
      const expiresAt = t + leaseMs;
      line.renewed(waiting, renewed.waiters);
      for (const id of renewed.slots) {
        const slot = slots.get(id);
        if (slot !== undefined) slot.expiresAt = expiresAt;
      }
      // Idle since before the last heartbeat: nobody here needed them, another replica may.
      const idle = [...slots.values()].filter((s) => !s.busy && (remoteWaiting() || t - s.idleSince >= leaseMs / 3));
      giveBack(idle);
    },
    async close() {
      closed = true;
      clearInterval(poll);
      line.close();
      unlisten();
      failQueue(new CoordinationError('coordination is closed'));
      held.close();
      await db.releaseAll(holder);
    },
  };
}
