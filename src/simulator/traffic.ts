/** Call counters and in-flight tracking, for assertions on how a client uses Jamf. */
export interface Traffic {
  count(key: string): void;
  /** A request arrived; the returned function marks it finished (idempotent). */
  enter(): () => void;
  counters(): Record<string, number>;
  maxObservedConcurrency(): number;
  reset(): void;
}

export function createTraffic(): Traffic {
  const calls = new Map<string, number>();
  let inFlight = 0;
  let peak = 0;
  return {
    count(key) {
      calls.set(key, (calls.get(key) ?? 0) + 1);
    },
    enter() {
      peak = Math.max(peak, ++inFlight);
      let done = false;
      return () => {
        if (!done) inFlight--;
        done = true;
      };
    },
    counters: () => Object.fromEntries(calls),
    maxObservedConcurrency: () => peak,
    reset() {
      calls.clear();
      peak = inFlight;
    },
  };
}
