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

  const release = (): void => {
    inFlight -= 1;
    const next = queue.shift();
    if (next !== undefined) {
      inFlight += 1;
      next.start();
    }
  };

  return {
    run<T>(task: () => Promise<T>, opts: { urgent?: boolean } = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = (): void => {
          let result: Promise<T>;
          try {
            result = task();
          } catch (err) {
            result = Promise.reject(err as Error);
          }
          result.then(resolve, reject).finally(release);
        };
        if (inFlight < max) {
          inFlight += 1;
          start();
        } else if (opts.urgent === true) {
          queue.unshift({ start, reject });
        } else {
          queue.push({ start, reject });
        }
      });
    },
    stats: () => ({ inFlight, queued: queue.length }),
    drain(reason: Error): void {
      for (const waiter of queue.splice(0)) waiter.reject(reason);
    },
  };
}
