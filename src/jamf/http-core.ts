/**
 * One Jamf HTTP exchange with its retries: concurrency slot, timeout, bearer token with one retry
 * on 401 (and the privilege refusals a 401 may be), backoff with full jitter, the node-pinning
 * cookie of a dependent call, one log line and one metrics event per attempt. Everything above
 * this file deals in routes and JamfErrors, never in sockets.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { JamfError } from './errors.js';
import { createCallLog } from './call-log.js';
import { errorFromResponse } from './html-error.js';
import { exchange, ExchangeError } from './exchange.js';
import type { Limiter } from './limiter.js';
import { createNodeAffinity, stickyCookieOf, type NodeAffinity, type Pin } from './node-affinity.js';
import { createPrivilegeRefusals, type PrivilegeRefusals } from './privilege-refusals.js';
import type { TokenSource } from './token-manager.js';
import { joinPath, type JamfBase } from './url.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type MediaType = 'application/xml' | 'application/json';

export interface CallSpec {
  method: HttpMethod;
  /** Route template for logs and errors, e.g. `/JSSResource/users/id/:id`. */
  route: string;
  /** The real path (encoded, with query), relative to the base URL. */
  path: string;
  accept: MediaType;
  body?: string;
  contentType?: string;
  /** Statuses handed back to the caller instead of thrown (e.g. 404 for "null when missing"). */
  allow?: readonly number[];
  /** Repeat after an unclear outcome. Default: GET, PUT and DELETE. */
  idempotent?: boolean;
  /** Sent instead of the bearer token (the token requests themselves). */
  authorization?: string;
  /** Token requests skip the queue: every waiting call needs the token anyway. */
  urgent?: boolean;
  /** This call's own timeout per attempt (the unpaged Classic lists, §11); default the client's. */
  timeoutMs?: number;
  /**
   * Objects this call depends on (`user:<id>`, `group:<id>`, node-affinity.ts): while one was
   * created moments ago, the call carries the cookie of the node that created it.
   */
  affinity?: readonly string[];
}

export interface CallResult {
  status: number;
  body: string;
  /** An earlier attempt of this call had an unclear outcome (lost response, timeout, 502, 504). */
  afterUnclear: boolean;
  /** The balancer cookie of the node that answered (the one the response set, else the one sent). */
  stickyCookie?: string;
}

export interface CallEvent {
  method: string;
  route: string;
  status: number | 'error';
  ms: number;
}

export interface HttpCoreOptions {
  base: JamfBase;
  dispatcher: Dispatcher;
  limiter: Limiter;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  /**
   * No new attempt starts this long after the first one, so a call's retries cannot outlast the
   * IdP's own 60 s timeout (idp-behaviour.md A1.3); the SCIM answer is then 503 + Retry-After.
   */
  retryWindowMs?: number;
  logger: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  onCall?: (e: CallEvent) => void;
  /** Pins of recently created objects; default a fresh one. */
  affinity?: NodeAffinity;
  /** Calls Jamf refused for a missing privilege; default a fresh registry. */
  refusals?: PrivilegeRefusals;
}

export interface HttpCore {
  send(spec: CallSpec, tokens?: TokenSource): Promise<CallResult>;
  /** Keeps the node that answered `result` for later calls that depend on `key` (a created object). */
  pin(key: string, result: CallResult): void;
  /** Full-jitter pause before retry number `retry` (0-based); used by create's lookup-then-retry. */
  backoff(retry: number): Promise<void>;
  readonly retries: number;
  close(): void;
}

const USER_AGENT = 'jamf-scim/0.1';
const MAX_BACKOFF_MS = 10_000;
const MAX_RETRY_AFTER_MS = 60_000;
/** §1.4: an expired token's 401 names it; ruby-jss tells expiry from a missing privilege by this. */
const TOKEN_REJECTED = 'INVALID_TOKEN';

type Attempt =
  | { ok: true; status: number; body: string; retryAfter: string | undefined; stickyCookie: string | undefined; ms: number }
  | { ok: false; error: JamfError; code: string; ms: number };

function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return 'unknown';
}

const URGENT = { urgent: true } as const;
const NORMAL = { urgent: false } as const;

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), capped; undefined when absent. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - nowMs;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

export function createHttpCore(opts: HttpCoreOptions): HttpCore {
  const affinity = opts.affinity ?? createNodeAffinity(opts.now);
  const refusals = opts.refusals ?? createPrivilegeRefusals({ logger: opts.logger, now: opts.now });
  let closed = false;

  const label = (spec: CallSpec): string => `${spec.method} ${spec.route}`;

  // The header of the token in use, made once per token rather than once per call.
  let bearerFor: string | undefined;
  let bearerHeader = '';
  const bearer = (token: string): string => {
    if (token !== bearerFor) {
      bearerFor = token;
      bearerHeader = `Bearer ${token}`;
    }
    return bearerHeader;
  };

  const calls = createCallLog(opts.logger);

  const attemptOnce = (spec: CallSpec, authorization: string | undefined, pin: Pin | undefined): Promise<Attempt> => {
    const ctx = calls.context();
    const timeoutMs = spec.timeoutMs ?? opts.timeoutMs;
    const headers: Record<string, string> = { accept: spec.accept, 'user-agent': USER_AGENT };
    if (authorization !== undefined) headers['authorization'] = authorization;
    if (spec.body !== undefined) headers['content-type'] = spec.contentType ?? 'application/xml; charset=utf-8';
    if (pin !== undefined) headers['cookie'] = pin.cookie;
    const request: Dispatcher.DispatchOptions = {
      path: joinPath(opts.base, spec.path),
      method: spec.method,
      headers,
      body: spec.body ?? null,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    };
    return opts.limiter.run(
      async (): Promise<Attempt> => {
        const started = performance.now();
        try {
          const res = await exchange(opts.dispatcher, request, timeoutMs);
          const ms = Math.round(performance.now() - started);
          opts.onCall?.({ method: spec.method, route: spec.route, status: res.status, ms });
          calls.note(ctx, spec, res.status, ms);
          return { ok: true, status: res.status, body: res.body, retryAfter: res.retryAfter, stickyCookie: stickyCookieOf(res.setCookie), ms };
        } catch (err) {
          const ms = Math.round(performance.now() - started);
          opts.onCall?.({ method: spec.method, route: spec.route, status: 'error', ms });
          calls.note(ctx, spec, null, ms);
          const failed = err instanceof ExchangeError ? err : new ExchangeError(err, false);
          const code = failed.timedOut ? 'TIMEOUT' : errorCode(failed.transportError);
          const error = closed
            ? new JamfError('unavailable', 'the Jamf client is closed', undefined, label(spec))
            : code === 'TIMEOUT' || TIMEOUT_CODES.has(code)
              ? new JamfError('timeout', `Jamf Pro did not answer within ${timeoutMs} ms`, undefined, label(spec))
              : new JamfError('network', `connection to Jamf Pro failed (${code})`, undefined, label(spec));
          return { ok: false, error, code, ms };
        }
      },
      spec.urgent === true ? URGENT : NORMAL,
    );
  };

  const backoffMs = (retry: number): number =>
    opts.random() * Math.min(MAX_BACKOFF_MS, opts.retryBaseMs * 2 ** retry);

  return {
    retries: opts.retries,

    backoff: (retry) => opts.sleep(backoffMs(retry)),

    pin(key, result) {
      if (result.stickyCookie !== undefined) affinity.pin(key, result.stickyCookie);
    },

    async send(spec: CallSpec, tokens?: TokenSource): Promise<CallResult> {
      const idempotent = spec.idempotent ?? spec.method !== 'POST';
      const startedAt = opts.now();
      // A call with a longer timeout of its own (an unpaged list) keeps the right to a retry for that
      // long: under the common window, one slow attempt that then failed could never be repeated.
      const window = Math.max(opts.retryWindowMs ?? 15_000, spec.timeoutMs ?? 0);
      let attempt = 0;
      let retriesUsed = 0;
      let reauthorized = false;
      let afterUnclear = false;
      // The next attempt would start after `delay`: only within the window.
      const inWindow = (delay: number): boolean => opts.now() + delay - startedAt < window;
      for (;;) {
        if (closed) throw new JamfError('unavailable', 'the Jamf client is closed', undefined, label(spec));
        attempt += 1;
        // A fresh cached token is read without waiting a microtask for `get()`.
        const token = tokens === undefined ? undefined : (tokens.current?.() ?? (await tokens.get()));
        const authorization = spec.authorization ?? (token === undefined ? undefined : bearer(token));
        const pin = spec.affinity === undefined ? undefined : affinity.pinFor(spec.affinity);
        const result = await attemptOnce(spec, authorization, pin);
        const canRetry = retriesUsed < opts.retries && !closed;

        if (!result.ok) {
          // A network error or timeout may have reached Jamf: repeat only what is safe to repeat.
          const delay = backoffMs(retriesUsed);
          if (idempotent && canRetry && inWindow(delay)) {
            calls.warn(spec, attempt, 'error', result.ms, { error: result.code, retry: true });
            afterUnclear = true;
            await opts.sleep(delay);
            retriesUsed += 1;
            continue;
          }
          calls.warn(spec, attempt, 'error', result.ms, { error: result.code });
          throw result.error;
        }

        const { status } = result;
        if (pin !== undefined && result.stickyCookie !== undefined && result.stickyCookie !== pin.cookie) affinity.repin(pin.key, result.stickyCookie);
        const stickyCookie = result.stickyCookie ?? pin?.cookie;
        if ((status >= 200 && status < 300) || spec.allow?.includes(status) === true) {
          if (status < 300 && tokens !== undefined) refusals.granted(spec.method, spec.route);
          calls.ok(spec, attempt, status, result.ms);
          const ok: CallResult = { status, body: result.body, afterUnclear };
          if (stickyCookie !== undefined) ok.stickyCookie = stickyCookie;
          return ok;
        }

        if (status === 401 && token !== undefined && tokens !== undefined) {
          // §1.4: an expired or revoked token answers 401 naming INVALID_TOKEN; Classic answers a
          // missing privilege with a 401 too (§11). One fresh token tells them apart, and a call
          // refused that way lately gets no new token at all (privilege-refusals.ts).
          const namesToken = result.body.includes(TOKEN_REJECTED);
          if (!reauthorized && (namesToken || !refusals.holds(spec.method, spec.route))) {
            calls.warn(spec, attempt, status, result.ms, { retry: true, reason: 'token rejected' });
            tokens.invalidate(token);
            reauthorized = true;
            continue;
          }
          if (!namesToken) {
            calls.warn(spec, attempt, status, result.ms);
            throw refusals.refuse(spec.method, spec.route, status);
          }
        }
        // The Jamf Pro API answers a missing privilege with 403 (§11).
        if (status === 403 && tokens !== undefined) {
          calls.warn(spec, attempt, status, result.ms);
          throw refusals.refuse(spec.method, spec.route, status);
        }

        // 429 and 503 mean "not applied"; 502 and 504 may hide an applied write (see JamfError.unclear).
        const unclearStatus = status === 502 || status === 504;
        const retryable = status === 429 || status === 503 || (unclearStatus && idempotent);
        const delay = retryable ? (retryAfterMs(result.retryAfter, opts.now()) ?? backoffMs(retriesUsed)) : 0;
        if (retryable && canRetry && inWindow(delay)) {
          calls.warn(spec, attempt, status, result.ms, { retry: true });
          if (unclearStatus) afterUnclear = true;
          await opts.sleep(delay);
          retriesUsed += 1;
          continue;
        }

        calls.warn(spec, attempt, status, result.ms);
        throw errorFromResponse(status, result.body, label(spec));
      }
    },

    close(): void {
      closed = true;
    },
  };
}
