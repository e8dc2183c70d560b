/**
 * A FIFO concurrency limiter: Jamf asks for at most 5 concurrent connections and has no rate
 * limiting of its own (jamf-pro-api.md §5), so callers beyond the limit wait in line here.
 */

export interface LimiterStats {
  inFlight: number;
  queued: number;
}

export interface Limiter {
  /** Runs `task` once a slot is free. `urgent` tasks (token requests) go to the front of the line. */
  run<T>(task: () => Promise<T>, opts?: { urgent?: boolean }): Promise<T>;
  stats(): LimiterStats;
  /** Rejects every queued task with `reason`; running tasks finish. */
  drain(reason: Error): void;
}

interface Waiter {
  start: () => void;
  reject: (err: Error) => void;
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxConcurrency must be a positive integer, got ${max}`);
  let inFlight = 0;
  const queue: Waiter[] = [];

  // A freed slot passes straight to the next waiter, in the same microtask as the task that held
  // it settled: the Jamf slots are full most of a roll-out, so any tick between two calls is lost
  // throughput. `inFlight` counts the handed-over slot throughout, so no newcomer can take it.
  const release = (): void => {
    const next = queue.shift();
    if (next === undefined) inFlight -= 1;
    else next.start();
  };

  const wait = (urgent: boolean): Promise<void> =>
    new Promise<void>((start, reject) => {
      if (urgent) queue.unshift({ start, reject });
      else queue.push({ start, reject });
    });

  return {
    async run<T>(task: () => Promise<T>, opts?: { urgent?: boolean }): Promise<T> {
      if (inFlight < max) inFlight += 1;
      else await wait(opts?.urgent === true);
      try {
        return await task();
      } finally {
        release();
      }
    },
    stats: () => ({ inFlight, queued: queue.length }),
    drain(reason: Error): void {
      for (const waiter of queue.splice(0)) waiter.reject(reason);
    },
  };
}
