import { MockAgent, type MockPool } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isJamfError, type JamfError } from '../../src/jamf/errors.js';
import { createHttpCore, retryAfterMs, type CallEvent, type CallSpec, type HttpCore } from '../../src/jamf/http-core.js';
import { createLimiter } from '../../src/jamf/limiter.js';
import type { TokenSource } from '../../src/jamf/token-manager.js';
import { normaliseBaseUrl } from '../../src/jamf/url.js';
import { captureLogger, fakeSleep } from './helpers.js';

const ORIGIN = 'http://jamf.test';
const get = (path = '/JSSResource/users/id/1'): CallSpec => ({ method: 'GET', route: '/JSSResource/users/id/:id', path, accept: 'application/xml' });
const post = (): CallSpec => ({ method: 'POST', route: '/JSSResource/users/id/0', path: '/JSSResource/users/id/0', accept: 'application/xml', body: '<user/>' });

async function failure(p: Promise<unknown>): Promise<JamfError> {
  try {
    await p;
  } catch (err) {
    if (isJamfError(err)) return err;
    throw err;
  }
  throw new Error('expected a JamfError');
}

describe('http core (against undici MockAgent)', () => {
  let agent: MockAgent;
  let pool: MockPool;
  let core: HttpCore;
  let sleeps: ReturnType<typeof fakeSleep>;
  let events: CallEvent[];
  let log: ReturnType<typeof captureLogger>;

  const build = (overrides: { timeoutMs?: number; retries?: number; prefix?: string } = {}): HttpCore =>
    createHttpCore({
      base: normaliseBaseUrl(`${ORIGIN}${overrides.prefix ?? ''}`),
      dispatcher: pool,
      limiter: createLimiter(5),
      timeoutMs: overrides.timeoutMs ?? 2_000,
      retries: overrides.retries ?? 3,
      retryBaseMs: 100,
      logger: log.logger,
      now: () => Date.parse('2026-01-01T00:00:00Z'),
      sleep: sleeps.sleep,
      random: () => 1,
      onCall: (e) => events.push(e),
    });

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    pool = agent.get(ORIGIN);
    sleeps = fakeSleep();
    events = [];
    log = captureLogger();
    core = build();
  });

  afterEach(async () => {
    await agent.close();
  });

  it('joins the path prefix and sends Accept', async () => {
    core = build({ prefix: '/jamf/' });
    pool.intercept({ path: '/jamf/JSSResource/users/id/1', method: 'GET', headers: { accept: 'application/xml' } }).reply(200, '<user/>');
    const res = await core.send(get());
    expect(res).toEqual({ status: 200, body: '<user/>', afterUnclear: false });
  });

  it('retries a GET on 503 with exponential full-jitter backoff', async () => {
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(503, 'busy').times(2);
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(200, 'ok');
    expect((await core.send(get())).body).toBe('ok');
    expect(sleeps.waits).toEqual([100, 200]);
    expect(events.map((e) => e.status)).toEqual([503, 503, 200]);
  });

  it('starts no retry once the retry window has passed, so the IdP gets a 503 before its own timeout', async () => {
    let clock = 0;
    core = createHttpCore({
      base: normaliseBaseUrl(ORIGIN),
      dispatcher: pool,
      limiter: createLimiter(5),
      timeoutMs: 2_000,
      retries: 10,
      retryBaseMs: 100,
      retryWindowMs: 15_000,
      logger: log.logger,
      now: () => clock,
      // Each attempt takes 6 s before Jamf answers 503.
      sleep: async (ms) => {
        clock += ms;
      },
      random: () => 1,
      onCall: (e) => events.push(e),
    });
    pool
      .intercept({ path: '/JSSResource/users/id/1', method: 'GET' })
      .reply(() => {
        clock += 6_000;
        return { statusCode: 503, data: 'busy' };
      })
      .times(10);
    const err = await failure(core.send(get()));
    expect(err.status).toBe(503);
    // Attempts start at 0, 6.1 and 12.3 s; the next would start after 15 s, although retries remain.
    expect(events.map((e) => e.status)).toEqual([503, 503, 503]);
  });

  it('honours Retry-After on 429', async () => {
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(429, '', { headers: { 'retry-after': '2' } });
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(200, 'ok');
    await core.send(get());
    expect(sleeps.waits).toEqual([2_000]);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(5_000);
    expect(retryAfterMs('nonsense', 0)).toBeUndefined();
  });

  it('gives up after the configured retries with the last error', async () => {
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(504, '').times(4);
    const err = await failure(core.send(get()));
    expect(err.kind).toBe('unavailable');
    expect(err.status).toBe(504);
    expect(err.route).toBe('GET /JSSResource/users/id/:id');
    expect(events).toHaveLength(4);
  });

  it('never repeats a POST after 502 (unclear) but does after 503 (not applied)', async () => {
    pool.intercept({ path: '/JSSResource/users/id/0', method: 'POST' }).reply(502, '');
    const err = await failure(core.send(post()));
    expect(err.unclear).toBe(true);
    expect(events).toHaveLength(1);

    pool.intercept({ path: '/JSSResource/users/id/0', method: 'POST' }).reply(503, '');
    pool.intercept({ path: '/JSSResource/users/id/0', method: 'POST' }).reply(201, '<user><id>3</id></user>');
    expect((await core.send(post())).status).toBe(201);
  });

  it('retries GET on a network error, marks the outcome unclear, and never retries POST', async () => {
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(404, '<html><p>Not Found</p></html>');
    const res = await core.send({ ...get(), allow: [404] });
    expect(res).toMatchObject({ status: 404, afterUnclear: true });

    pool.intercept({ path: '/JSSResource/users/id/0', method: 'POST' }).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    const err = await failure(core.send(post()));
    expect(err.kind).toBe('network');
    expect(err.message).toContain('ECONNRESET');
  });

  it('maps a slow answer to a timeout', async () => {
    core = build({ timeoutMs: 50, retries: 0 });
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(200, 'late').delay(500);
    const err = await failure(core.send(get()));
    expect(err.kind).toBe('timeout');
    expect(err.unclear).toBe(true);
  });

  it('on 401 invalidates the token and retries once with a fresh one', async () => {
    let current = 'old';
    const invalidated: string[] = [];
    const tokens: TokenSource = {
      get: async () => current,
      invalidate: (t) => {
        invalidated.push(t);
        current = 'new';
      },
    };
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET', headers: { authorization: 'Bearer old' } }).reply(401, '{"httpStatus":401,"errors":[{"code":"INVALID_TOKEN"}]}');
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET', headers: { authorization: 'Bearer new' } }).reply(200, 'ok');
    expect((await core.send(get(), tokens)).body).toBe('ok');
    expect(invalidated).toEqual(['old']);
    expect(sleeps.waits).toEqual([]);

    const expired = '{"httpStatus":401,"errors":[{"code":"INVALID_TOKEN","description":"Unauthorized"}]}';
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(401, expired).times(2);
    expect((await failure(core.send(get(), tokens))).kind).toBe('unauthorized');

    // Classic answers a missing privilege with a 401 status page that does not name the token.
    const page = '<html><body><p>Unauthorized</p><p>The authentication provided is not authorized</p></body></html>';
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(401, page).times(2);
    const err = await failure(core.send(get(), tokens));
    expect(err.kind).toBe('forbidden');
    expect(err.message).toContain('The authentication provided is not authorized');
  });

  it('keeps the jpro-ingress cookie and sends it back', async () => {
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(200, 'a', { headers: { 'set-cookie': 'jpro-ingress=node-7; Path=/; HttpOnly' } });
    pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET', headers: { cookie: 'jpro-ingress=node-7' } }).reply(200, 'b');
    await core.send(get());
    expect((await core.send(get())).body).toBe('b');
  });

  it('logs one line per attempt with the route template, never the path or a token', async () => {
    const tokens: TokenSource = { get: async () => 'secret-token', invalidate: () => undefined };
    pool.intercept({ path: '/JSSResource/users/name/jdoe%40x', method: 'GET' }).reply(503, '');
    pool.intercept({ path: '/JSSResource/users/name/jdoe%40x', method: 'GET' }).reply(200, '<user/>');
    await core.send({ method: 'GET', route: '/JSSResource/users/name/:name', path: '/JSSResource/users/name/jdoe%40x', accept: 'application/xml' }, tokens);
    const calls = log.lines.filter((l) => l['msg'] === 'jamf call');
    expect(calls.map((l) => [l['level'], (l['jamf'] as { status: number }).status, (l['jamf'] as { attempt: number }).attempt])).toEqual([
      [40, 503, 1],
      [20, 200, 2],
    ]);
    expect(calls[0]?.['jamf']).toMatchObject({ method: 'GET', route: '/JSSResource/users/name/:name' });
    expect(log.raw()).not.toContain('jdoe');
    expect(log.raw()).not.toContain('secret-token');
  });

  it('refuses calls after close', async () => {
    core.close();
    expect((await failure(core.send(get()))).message).toContain('closed');
  });
});
