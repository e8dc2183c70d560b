/**
 * SCIM requests and Jamf calls per minute over the last 24 h, for the console's charts. A ring of
 * 1440 minute buckets in memory: recording is an index computation and a few increments, so it
 * can sit on every response and every Jamf call. A restart starts the charts empty (the
 * Prometheus counters at /metrics are what keeps history across restarts).
 */
import type { FastifyInstance } from 'fastify';

const MINUTE_MS = 60_000;
const MINUTES = 1440;

export interface HistoryMinute {
  /** Epoch ms of the minute's start. */
  t: number;
  scimRequests: number;
  /** Answers with a 5xx status. */
  scimErrors: number;
  jamfCalls: number;
  /** Jamf answered 5xx or did not answer. */
  jamfErrors: number;
  jamfMeanMs: number;
  jamfMaxMs: number;
}

interface Bucket {
  minute: number;
  scimRequests: number;
  scimErrors: number;
  jamfCalls: number;
  jamfErrors: number;
  jamfTotalMs: number;
  jamfMaxMs: number;
}

const empty = (minute: number): Bucket => ({ minute, scimRequests: 0, scimErrors: 0, jamfCalls: 0, jamfErrors: 0, jamfTotalMs: 0, jamfMaxMs: 0 });

export function createRequestHistory(opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const ring: Array<Bucket | undefined> = new Array<Bucket | undefined>(MINUTES);

  /** The current minute's bucket; a slot still holding the same minute a day earlier starts again. */
  const current = (): Bucket => {
    const minute = Math.floor(now() / MINUTE_MS);
    const slot = minute % MINUTES;
    let bucket = ring[slot];
    if (bucket === undefined || bucket.minute !== minute) {
      bucket = empty(minute);
      ring[slot] = bucket;
    }
    return bucket;
  };

  return {
    /** One SCIM response and its status. */
    scim(status: number): void {
      const b = current();
      b.scimRequests += 1;
      if (status >= 500) b.scimErrors += 1;
    },
    /** One Jamf HTTP attempt, as the Jamf client's `onCall` reports it. */
    jamf(e: { status: number | 'error'; ms: number }): void {
      const b = current();
      b.jamfCalls += 1;
      if (e.status === 'error' || e.status >= 500) b.jamfErrors += 1;
      b.jamfTotalMs += e.ms;
      if (e.ms > b.jamfMaxMs) b.jamfMaxMs = e.ms;
    },
    /** Minutes that had traffic in the last 24 h, and the current one, oldest first. */
    minutes(): HistoryMinute[] {
      const latest = current().minute;
      const shown = ring.filter((b): b is Bucket => b !== undefined && b.minute > latest - MINUTES && (b.minute === latest || b.scimRequests + b.jamfCalls > 0));
      return shown
        .sort((a, b) => a.minute - b.minute)
        .map((b) => ({
          t: b.minute * MINUTE_MS,
          scimRequests: b.scimRequests,
          scimErrors: b.scimErrors,
          jamfCalls: b.jamfCalls,
          jamfErrors: b.jamfErrors,
          jamfMeanMs: b.jamfCalls === 0 ? 0 : Math.round(b.jamfTotalMs / b.jamfCalls),
          jamfMaxMs: Math.round(b.jamfMaxMs),
        }));
    },
  };
}

export type RequestHistory = ReturnType<typeof createRequestHistory>;

const SCIM_PREFIX = '/scim/v2';
/** For paths no route matched; case-insensitive like the router (`/SCIM/v2/Users` is a SCIM request too). */
const SCIM_URL = /^\/+scim\/+v2(?:[/?]|$)/i;

/**
 * Counts every answer under /scim/v2 (unmatched paths and refused tokens included, as the IdP
 * sees them). A root hook: it must be added before the SCIM routes are registered.
 */
export function observeScimTraffic(app: FastifyInstance, history: Pick<RequestHistory, 'scim'>): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined ? route.startsWith(SCIM_PREFIX) : SCIM_URL.test(request.url)) history.scim(reply.statusCode);
    done();
  });
}
