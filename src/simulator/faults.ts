import type { Fault, FaultConfig, TargetedFault } from './types.js';

export const DEFAULT_ERROR_STATUSES = [500, 502, 503];
export const DEFAULT_SLOW_MS = 1000;

export interface FaultPicker {
  /** The fault for this call, if any. `isTokenRoute`: token routes only get targeted faults naming their route. */
  pick(method: string, route: string, isTokenRoute: boolean): Fault | undefined;
  /** Replaces the configuration and restarts the targeted queue. */
  configure(faults: FaultConfig): void;
}

interface QueuedFault extends TargetedFault {
  remaining: number;
}

export function createFaultPicker(initial: FaultConfig, random: () => number): FaultPicker {
  let config = initial;
  let queue: QueuedFault[] = [];
  const configure = (faults: FaultConfig): void => {
    config = faults;
    queue = (faults.next ?? []).map((f) => ({ ...f, remaining: f.count ?? 1 }));
  };
  configure(initial);

  // Draws happen only for non-zero rates, so a given seed replays the same faults for the same calls.
  const roll = (rate: number | undefined): boolean => rate !== undefined && rate > 0 && random() < rate;

  return {
    configure,
    pick(method, route, isTokenRoute) {
      const index = queue.findIndex(
        (f) =>
          (f.method === undefined || f.method.toUpperCase() === method) &&
          (f.route === undefined ? !isTokenRoute : f.route === route),
      );
      const targeted = queue[index];
      if (targeted) {
        if (--targeted.remaining <= 0) queue.splice(index, 1);
        return targeted.fault;
      }
      if (isTokenRoute) return undefined;
      if (roll(config.resetRate)) return 'reset-before';
      if (roll(config.errorRate)) {
        const statuses = config.errorStatuses?.length ? config.errorStatuses : DEFAULT_ERROR_STATUSES;
        return statuses[Math.floor(random() * statuses.length)] ?? 500;
      }
      if (roll(config.slowRate)) return 'slow';
      return undefined;
    },
  };
}
