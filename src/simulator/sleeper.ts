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
      if (ms <= 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          resolve();
        }, ms);
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
