import { SimError } from './errors.js';

export interface Ticket {
  /** Resolves when the request may be served. */
  ready: Promise<void>;
  /** Frees the slot, or leaves the queue if still waiting. Idempotent. */
  release(): void;
}

export interface Limiter {
  acquire(): Ticket;
  /** Serves waiters after the limit was raised. */
  drain(): void;
  cancelAll(): void;
}

interface Waiter {
  grant(): void;
  fail(err: Error): void;
}

/** Serves at most `limit()` requests at once; the rest wait in arrival (FIFO) order. */
export function createLimiter(limit: () => number | undefined): Limiter {
  let active = 0;
  let closed = false;
  const queue: Waiter[] = [];

  const drain = (): void => {
    const max = limit() ?? Number.POSITIVE_INFINITY;
    while (active < max && queue.length > 0) queue.shift()?.grant();
  };

  return {
    acquire() {
      let state: 'waiting' | 'active' | 'done' = 'waiting';
      let waiter: Waiter | undefined;
      const ready = new Promise<void>((resolve, reject) => {
        waiter = {
          grant: () => {
            state = 'active';
            active++;
            resolve();
          },
          fail: (err) => {
            state = 'done';
            reject(err);
          },
        };
      });
      if (closed) waiter?.fail(new SimError(503));
      else if (waiter) queue.push(waiter);
      drain();
      return {
        ready,
        release() {
          if (state === 'active') {
            active--;
            drain();
          } else if (state === 'waiting' && waiter) {
            queue.splice(queue.indexOf(waiter), 1);
            waiter.fail(new SimError(503));
          }
          state = 'done';
        },
      };
    },
    drain,
    cancelAll() {
      closed = true;
      for (const waiter of queue.splice(0)) waiter.fail(new SimError(503));
    },
  };
}
