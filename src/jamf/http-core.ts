/**
 * One Jamf HTTP exchange with its retries: concurrency slot, timeout, bearer token with one retry
 * on 401, backoff with full jitter, node-pinning cookie, one log line and one metrics event per
 * attempt. Everything above this file deals in routes and JamfErrors, never in sockets.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { JamfError } from './errors.js';
import { errorFromResponse } from './html-error.js';
import type { Limiter } from './limiter.js';
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
}

export interface CallResult {
  status: number;
  body: string;
  /** An earlier attempt of this call had an unclear outcome (lost response, timeout, 502, 504). */
  afterUnclear: boolean;
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
}

export interface HttpCore {
  send(spec: CallSpec, tokens?: TokenSource): Promise<CallResult>;
  /** Full-jitter pause before retry number `retry` (0-based); used by create's lookup-then-retry. */
  backoff(retry: number): Promise<void>;
  readonly retries: number;
  close(): void;
}

const USER_AGENT = 'jamf-scim/0.1';
const MAX_BACKOFF_MS = 10_000;
const MAX_RETRY_AFTER_MS = 60_000;
/**
 * Jamf Cloud load-balancer cookies (§5). They are kept from any response, the token response
 * first, and sent on every call: all traffic sticks to one node, so a read right after a write
 * (deactivate, create-then-add-to-group, the lookup after a lost POST) sees that write instead of
 * a node that refreshes a minute later. The cost is that this server's ≤ 5 calls do not spread
 * over nodes; when the node goes away the balancer answers with a new cookie, which replaces it.
 */
const STICKY_COOKIES = new Set(['jpro-ingress', 'APBALANCEID']);

type Attempt =
  | { ok: true; status: number; body: string; retryAfter: string | undefined; ms: number }
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

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), capped; undefined when absent. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - nowMs;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

export function createHttpCore(opts: HttpCoreOptions): HttpCore {
  const cookies = new Map<string, string>();
  let closed = false;

  const rememberCookies = (setCookie: string | string[] | undefined): void => {
    for (const line of headerValues(setCookie)) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      if (STICKY_COOKIES.has(name)) cookies.set(name, pair.slice(eq + 1).trim());
    }
  };

  const cookieHeader = (): string | undefined =>
    cookies.size === 0 ? undefined : [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');

  const label = (spec: CallSpec): string => `${spec.method} ${spec.route}`;

  const attemptOnce = (spec: CallSpec, authorization: string | undefined): Promise<Attempt> =>
    opts.limiter.run(
      async (): Promise<Attempt> => {
        const started = performance.now();
        const elapsed = (): number => Math.round(performance.now() - started);
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
        const headers: Record<string, string> = { accept: spec.accept, 'user-agent': USER_AGENT };
        if (authorization !== undefined) headers['authorization'] = authorization;
        if (spec.body !== undefined) headers['content-type'] = spec.contentType ?? 'application/xml; charset=utf-8';
        const cookie = cookieHeader();
        if (cookie !== undefined) headers['cookie'] = cookie;
        try {
          const res = await opts.dispatcher.request({
            path: joinPath(opts.base, spec.path),
            method: spec.method,
            headers,
            body: spec.body ?? null,
            signal: controller.signal,
            headersTimeout: opts.timeoutMs,
            bodyTimeout: opts.timeoutMs,
          });
          const body = await res.body.text();
          rememberCookies(res.headers['set-cookie']);
          const retryAfter = headerValues(res.headers['retry-after'])[0];
          const ms = elapsed();
          opts.onCall?.({ method: spec.method, route: spec.route, status: res.statusCode, ms });
          return { ok: true, status: res.statusCode, body, retryAfter, ms };
        } catch (err) {
          const ms = elapsed();
          opts.onCall?.({ method: spec.method, route: spec.route, status: 'error', ms });
          const code = controller.signal.aborted ? 'TIMEOUT' : errorCode(err);
          const error =
            closed
              ? new JamfError('unavailable', 'the Jamf client is closed', undefined, label(spec))
              : code === 'TIMEOUT' || TIMEOUT_CODES.has(code)
                ? new JamfError('timeout', `Jamf Pro did not answer within ${opts.timeoutMs} ms`, undefined, label(spec))
                : new JamfError('network', `connection to Jamf Pro failed (${code})`, undefined, label(spec));
          return { ok: false, error, code, ms };
        } finally {
          clearTimeout(timer);
        }
      },
      { urgent: spec.urgent === true },
    );

  const backoffMs = (retry: number): number =>
    opts.random() * Math.min(MAX_BACKOFF_MS, opts.retryBaseMs * 2 ** retry);

  const log = (level: 'debug' | 'warn', spec: CallSpec, attempt: number, status: number | 'error', ms: number, extra: object = {}): void => {
    opts.logger[level]({ jamf: { method: spec.method, route: spec.route, status, ms, attempt, ...extra } }, 'jamf call');
  };

  return {
    retries: opts.retries,

    backoff: (retry) => opts.sleep(backoffMs(retry)),

    async send(spec: CallSpec, tokens?: TokenSource): Promise<CallResult> {
      const idempotent = spec.idempotent ?? spec.method !== 'POST';
      const startedAt = opts.now();
      const window = opts.retryWindowMs ?? 15_000;
      let attempt = 0;
      let retriesUsed = 0;
      let reauthorized = false;
      let afterUnclear = false;
      for (;;) {
        if (closed) throw new JamfError('unavailable', 'the Jamf client is closed', undefined, label(spec));
        attempt += 1;
        const token = tokens === undefined ? undefined : await tokens.get();
        const authorization = spec.authorization ?? (token === undefined ? undefined : `Bearer ${token}`);
        const result = await attemptOnce(spec, authorization);
        const canRetry = retriesUsed < opts.retries && !closed;
        // The next attempt would start after `delay`: only within the window.
        const inWindow = (delay: number) => opts.now() + delay - startedAt < window;

        if (!result.ok) {
          // A network error or timeout may have reached Jamf: repeat only what is safe to repeat.
          const delay = backoffMs(retriesUsed);
          if (idempotent && canRetry && inWindow(delay)) {
            log('warn', spec, attempt, 'error', result.ms, { error: result.code, retry: true });
            afterUnclear = true;
            await opts.sleep(delay);
            retriesUsed += 1;
            continue;
          }
          log('warn', spec, attempt, 'error', result.ms, { error: result.code });
          throw result.error;
        }

        const { status } = result;
        if ((status >= 200 && status < 300) || spec.allow?.includes(status) === true) {
          log('debug', spec, attempt, status, result.ms);
          return { status, body: result.body, afterUnclear };
        }

        // §1.4: an expired or revoked token answers 401; fetch a fresh one and try once more.
        if (status === 401 && token !== undefined && tokens !== undefined && !reauthorized) {
          log('warn', spec, attempt, status, result.ms, { retry: true, reason: 'token rejected' });
          tokens.invalidate(token);
          reauthorized = true;
          continue;
        }

        // 429 and 503 mean "not applied"; 502 and 504 may hide an applied write (see JamfError.unclear).
        const unclearStatus = status === 502 || status === 504;
        const retryable = status === 429 || status === 503 || (unclearStatus && idempotent);
        const delay = retryable ? (retryAfterMs(result.retryAfter, opts.now()) ?? backoffMs(retriesUsed)) : 0;
        if (retryable && canRetry && inWindow(delay)) {
          log('warn', spec, attempt, status, result.ms, { retry: true });
          if (unclearStatus) afterUnclear = true;
          await opts.sleep(delay);
          retriesUsed += 1;
          continue;
        }

        log('warn', spec, attempt, status, result.ms);
        if (status === 401 && /<p\b/i.test(result.body) && !result.body.includes('INVALID_TOKEN')) {
          // A fresh token was refused too, by a Classic status page that does not name the token:
          // a missing privilege, which ruby-jss tells from expiry by INVALID_TOKEN (§1.4, §2.10).
          const err = errorFromResponse(status, result.body, label(spec));
          throw new JamfError('forbidden', `${err.message} (the API client may lack a privilege for this call)`, status, label(spec));
        }
        throw errorFromResponse(status, result.body, label(spec));
      }
    },

    close(): void {
      closed = true;
    },
  };
}
