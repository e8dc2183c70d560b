/**
 * The background sweep: lifecycle steps a Jamf failure or a stopped replica left half-done
 * ('deactivating', 'reactivating') are finished without waiting for the IdP's next request for
 * that user. Each row is settled under the user's lock (user-listing.ts settlePending), so a
 * step another replica is running right now is waited for, never run twice. With replicas, one
 * at a time sweeps (Coordination.runExclusive); the others skip that round.
 */
import type { Logger } from 'pino';
import type { Coordination } from '../coord/types.js';

export interface LifecycleSweepDeps {
  finish: () => Promise<void>;
  coordination?: Pick<Coordination, 'runExclusive'>;
  /** 0 turns the timer off; `runOnce` still works. */
  intervalMs: number;
  logger: Logger;
}

export function startLifecycleSweep(deps: LifecycleSweepDeps) {
  let running: Promise<boolean> | undefined;

  async function sweep(): Promise<boolean> {
    try {
      return deps.coordination ? await deps.coordination.runExclusive('lifecycle-sweep', deps.finish) : (await deps.finish(), true);
    } catch (err) {
      deps.logger.warn({ err }, 'lifecycle sweep failed; retrying at the next interval');
      return false;
    }
  }

  /** One sweep now (or the one running); resolves whether this replica ran it. */
  const runOnce = (): Promise<boolean> => {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = deps.intervalMs > 0 ? setInterval(() => void runOnce(), deps.intervalMs) : undefined;
  timer?.unref();

  return {
    runOnce,
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
