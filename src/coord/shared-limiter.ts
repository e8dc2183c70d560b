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
 */
import type { Limiter, LimiterStats } from '../jamf/limiter.js';
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
  listener: Listener;
  db: BudgetStatements;
}

export function createSharedLimiter(ctx: SharedLimiterContext, holder: string, max: number): SharedLimiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxConcurrency must be a positive integer, got ${max}`);
  const { db, log, now, leaseMs } = ctx;
  const slots = new Map<number, Slot>();
  const queue: Waiter[] = [];
  const remote = new Map<string, number>();
  let running = 0;
  let inTransit = 0;
  let acquiring = false;
  let starved = false;
  let announced = false;
  let closed = false;

  // Two missed heartbeats leave a third of the lease: no new call starts on the slot then, so the
  // calls already on it can finish before another replica may take the slot over.
  const usable = (slot: Slot): boolean => slot.expiresAt - now() > leaseMs / 3;

  const remoteWaiting = (): boolean => {
    const t = now();
    for (const [other, until] of remote) if (until <= t) remote.delete(other);
    return remote.size > 0;
  };

  const withdraw = (): void => {
    if (!announced || queue.length > 0) return;
    announced = false;
    db.withdraw(holder).catch((err: unknown) => log.warn(errorFields(err), 'leaving the Jamf budget waiting line failed; the heartbeat retries'));
  };

  const failQueue = (err: Error): void => {
    for (const waiter of queue.splice(0)) waiter.reject(err);
    withdraw();
  };

  const giveBack = (list: Slot[]): void => {
    if (list.length === 0) return;
    for (const slot of list) slots.delete(slot.id);
    inTransit += list.length;
    db.release(holder, list.map((s) => s.id))
      .catch((err: unknown) => log.warn(errorFields(err), 'Jamf budget slot release failed; the slots return when their lease runs out'))
      .finally(() => {
        inTransit -= list.length;
      });
  };

  const lose = (slot: Slot): void => {
    slots.delete(slot.id);
    log.error({ slot: slot.id }, 'Jamf budget slot lease could not be renewed in time; the slot is given up and no call starts on it');
    // Holder-checked: frees the row only if no other replica has taken it over yet.
    db.release(holder, [slot.id]).catch(() => undefined);
  };

  const startNext = (slot: Slot): void => {
    const waiter = queue.shift() as Waiter;
    slot.busy = true;
    waiter.start(slot);
    if (queue.length === 0) withdraw();
  };

  /**
   * A slot with no task on it: the next local task; else, while others wait, straight to one of
   * them (one statement, rather than a release all of them race to acquire); else kept idle.
   */
  const place = (slot: Slot, handOff = true): void => {
    if (queue.length > 0) startNext(slot);
    else if (closed) giveBack([slot]);
    else if (remoteWaiting()) {
      if (handOff) pass(slot, max);
      else giveBack([slot]);
    } else slot.idleSince = now();
  };

  function pass(slot: Slot, receiverMax: number): void {
    slots.delete(slot.id);
    inTransit += 1;
    slot.turns = 0;
    const t = now();
    db.pass(holder, slot.id, receiverMax, t, t + leaseMs)
      .then((given) => {
        inTransit -= 1;
        if (given !== null) return pump();
        slots.set(slot.id, slot);
        place(slot, false);
      })
      .catch((err: unknown) => {
        inTransit -= 1;
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
      const bound = passBound(slots.size, remote.size, max, slot.turns);
      if (bound !== undefined) return pass(slot, bound);
    }
    slot.turns += 1;
    place(slot);
  };

  const adopt = (id: number): void => {
    if (slots.has(id)) return;
    const slot: Slot = { id, expiresAt: now() + leaseMs, busy: false, turns: 0, idleSince: now() };
    slots.set(id, slot);
    if (slots.size > max) giveBack([slot]);
    else place(slot);
  };

  function pump(): void {
    if (acquiring || starved || closed || queue.length === 0) return;
    const want = Math.min(queue.length, max - slots.size - inTransit);
    if (want <= 0) return;
    acquiring = true;
    void (async () => {
      try {
        await db.ensure(max);
        const listening = await ctx.listener.ready();
        const t = now();
        const got = await db.acquire(holder, max, want, listening, t, t + leaseMs);
        for (const id of got.slots) {
          if (slots.has(id)) continue;
          const slot: Slot = { id, expiresAt: t + leaseMs, busy: false, turns: 0, idleSince: t };
          slots.set(id, slot);
          place(slot);
        }
        starved = got.slots.length < want;
        if (got.announced) announced = true;
        withdraw();
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
    if (what === 'free' && queue.length > 0) {
      starved = false;
      pump();
    } else if (what === 'wait' && a !== undefined && a !== holder) {
      remote.set(a, now() + leaseMs);
      giveBack([...slots.values()].filter((s) => !s.busy));
    } else if (what === 'done' && a !== undefined) {
      remote.delete(a);
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
      if (queue.length === 0) starved = false;
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
      const t = now();
      const expiresAt = t + leaseMs;
      const waiting = queue.length > 0;
      const renewed = await db.renew(holder, [...slots.keys()], waiting, t, expiresAt);
      if (!waiting) announced = false;
      for (const id of renewed.slots) {
        const slot = slots.get(id);
        if (slot !== undefined) slot.expiresAt = expiresAt;
      }
      remote.clear();
      for (const other of renewed.waiters) remote.set(other, now() + leaseMs);
      // Idle since before the last heartbeat: nobody here needed them, another replica may.
      const idle = [...slots.values()].filter((s) => !s.busy && (remote.size > 0 || t - s.idleSince >= leaseMs / 3));
      giveBack(idle);
    },
    async close() {
      closed = true;
      clearInterval(poll);
      unlisten();
      failQueue(new CoordinationError('coordination is closed'));
      slots.clear();
      await db.releaseAll(holder);
    },
  };
}
