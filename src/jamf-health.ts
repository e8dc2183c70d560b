/**
 * Whether Jamf Pro is reachable, judged from every HTTP attempt the Jamf client makes (its
 * `onCall` events), so an outage shows in `/metrics`, `/readyz` and the log with the first failed
 * call instead of after a probe interval. It never calls Jamf itself.
 */
import type { Logger } from 'pino';
import type { CallEvent } from './jamf/http-core.js';

/** What `/readyz` shows about Jamf Pro. Times are ISO 8601. */
export type JamfReachability =
  | { reachable: 'unknown' }
  | { reachable: true; since: string; lastSuccess: string }
  | { reachable: false; since: string; lastError: string; lastSuccess?: string };

/** The metrics the tracker feeds (narrowed from `Metrics`). */
export interface JamfHealthSink {
  jamfAnswered(atMs: number): void;
  jamfOutage(): void;
}

export interface JamfHealthOptions {
  logger: Logger;
  metrics?: JamfHealthSink;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
}

export interface JamfHealth {
  observe(e: CallEvent): void;
  snapshot(): JamfReachability;
}

type State =
  | { kind: 'unknown' }
  | { kind: 'up'; since: number }
  | { kind: 'down'; since: number; lastError: string };

/**
 * No answer, or a 502/503/504 (a gateway with no Jamf Pro behind it, or Jamf Pro not serving):
 * Jamf Pro is out of reach. A 500 is Jamf answering with a failure of one call and changes nothing.
 */
function outageReason(e: CallEvent): string | undefined {
  if (e.status === 'error') return `${e.method} ${e.route}: no answer (connection failed or timed out)`;
  if (e.status === 502 || e.status === 503 || e.status === 504) return `${e.method} ${e.route} answered ${e.status}`;
  return undefined;
}

export function createJamfHealth(opts: JamfHealthOptions): JamfHealth {
  const now = opts.now ?? Date.now;
  let state: State = { kind: 'unknown' };
  let lastSuccess: number | undefined;

  const iso = (ms: number): string => new Date(ms).toISOString();

  return {
    observe(e) {
      const at = now();
      const reason = outageReason(e);
      if (reason !== undefined) {
        if (state.kind === 'down') {
          // One line per outage, not per failed call: the per-call lines are at `jamf call`.
          state = { ...state, lastError: reason };
          return;
        }
        state = { kind: 'down', since: at, lastError: reason };
        opts.metrics?.jamfOutage();
        opts.logger.warn({ jamf: { method: e.method, route: e.route, status: e.status } }, 'jamf pro unreachable');
        return;
      }
      // 429 and every 4xx are Jamf answering: reachable, even if it refused this call.
      if (typeof e.status !== 'number' || e.status >= 500) return;
      lastSuccess = at;
      opts.metrics?.jamfAnswered(at);
      if (state.kind === 'up') return;
      if (state.kind === 'down') {
        const outageSeconds = Math.round((at - state.since) / 100) / 10;
        opts.logger.info({ jamf: { method: e.method, route: e.route, status: e.status, outageSeconds } }, 'jamf pro reachable again');
      }
      state = { kind: 'up', since: at };
    },

    snapshot() {
      switch (state.kind) {
        case 'unknown':
          return { reachable: 'unknown' };
        case 'up':
          return { reachable: true, since: iso(state.since), lastSuccess: iso(lastSuccess ?? state.since) };
        case 'down':
          return {
            reachable: false,
            since: iso(state.since),
            lastError: state.lastError,
            ...(lastSuccess === undefined ? {} : { lastSuccess: iso(lastSuccess) }),
          };
      }
    },
  };
}
