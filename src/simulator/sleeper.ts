import { SimError } from './errors.js';

export interface Sleeper {
  sleep(ms: number): Promise<void>;
  /** Clears every pending timer and fails its sleeper, so close() never waits on latency. */
  cancelAll(): void;
}

export function createSleeper(): Sleeper {
  const pending = new Map<NodeJS.Timeout, (err: Error) => void>();
  let closed = false;
  return {
    sleep(ms) {
      if (closed) return Promise.reject(new SimError(503));
      // Whole milliseconds: Node keeps one timer list per distinct duration, and the pacer corrects
      // the rounding on average.
      const whole = Math.round(ms);
      if (whole <= 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          resolve();
        }, whole);
        pending.set(timer, reject);
      });
    },
    cancelAll() {
      closed = true;
      for (const [timer, reject] of pending) {
        clearTimeout(timer);
        reject(new SimError(503));
      }
      pending.clear();
    },
  };
}
