import type { Fault, SimCall, SimCallListener } from './types.js';

export interface CallHooks {
  add(listener: SimCallListener): () => void;
  /** Runs the listeners in order, each awaited; the first fault one of them returns wins. */
  emit(call: SimCall): Promise<Fault | undefined>;
  readonly size: number;
}

/**
 * Listeners on the Jamf calls the simulator serves, so tests can act at an exact call (stop a
 * client process, expire tokens, restart Jamf) instead of after a delay.
 */
export function createCallHooks(): CallHooks {
  const listeners = new Set<SimCallListener>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async emit(call) {
      let fault: Fault | undefined;
      for (const listener of [...listeners]) {
        const result = await listener(call);
        fault ??= result ?? undefined;
      }
      return fault;
    },
    get size() {
      return listeners.size;
    },
  };
}
