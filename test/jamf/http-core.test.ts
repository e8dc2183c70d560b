import { MockAgent, type MockPool } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JamfPrivilegeError } from '../../src/jamf/errors.js';
import { createHttpCore, retryAfterMs, type CallEvent, type CallSpec, type HttpCore } from '../../src/jamf/http-core.js';
import { createLimiter } from '../../src/jamf/limiter.js';
import type { TokenSource } from '../../src/jamf/token-manager.js';
import { PIN_MS } from '../../src/jamf/node-affinity.js';
import { createPrivilegeRefusals, type PrivilegeRefusals } from '../../src/jamf/privilege-refusals.js';
import { normaliseBaseUrl } from '../../src/jamf/url.js';
import { captureLogger, failure, fakeSleep } from './helpers.js';

const ORIGIN = 'http://jamf.test';
const get = (path = '/JSSResource/users/id/1'): CallSpec => ({ method: 'GET', route: '/JSSResource/users/id/:id', path, accept: 'application/xml' });
const post = (): CallSpec => ({ method: 'POST', route: '/JSSResource/users/id/0', path: '/JSSResource/users/id/0', accept: 'application/xml', body: '<user/>' });


describe('http core (against undici MockAgent)', () => {
  let agent: MockAgent;
  let pool: MockPool;
  let core: HttpCore;
  let sleeps: ReturnType<typeof fakeSleep>;
  let events: CallEvent[];
  let log: ReturnType<typeof captureLogger>;
  let clock: number;

  const build = (overrides: { timeoutMs?: number; retries?: number; prefix?: string; refusals?: PrivilegeRefusals } = {}): HttpCore =>
    createHttpCore({
      base: normaliseBaseUrl(`${ORIGIN}${overrides.prefix ?? ''}`),
      dispatcher: pool,
      limiter: createLimiter(5),
      timeoutMs: overrides.timeoutMs ?? 2_000,
      retries: overrides.retries ?? 3,
      retryBaseMs: 100,
      logger: log.logger,
      now: () => clock,
      sleep: sleeps.sleep,
      random: () => 1,
      onCall: (e) => events.push(e),
      ...(overrides.refusals === undefined ? {} : { refusals: overrides.refusals }),
    });

  beforeEach(() => {
    clock = Date.parse('2026-01-01T00:00:00Z');
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
    expect(err).toBeInstanceOf(JamfPrivilegeError);
    expect(err.kind).toBe('forbidden');
    expect(err.message).toBe('Jamf Pro refused this server\'s API client the privilege "Read User" (GET /JSSResource/users/id/:id): add it to the API role');
  });

  describe('a 401 that a fresh token gets too (Classic: missing privilege)', () => {
    const page = '<html><body><p>Unauthorized</p><p>The authentication provided is not authorized</p></body></html>';
    const put = (): CallSpec => ({ method: 'PUT', route: '/JSSResource/users/id/:id', path: '/JSSResource/users/id/1', accept: 'application/xml', body: '<user/>' });
    let invalidated: number;
    let tokens: TokenSource;
    let refusals: PrivilegeRefusals;
    beforeEach(() => {
      invalidated = 0;
      let n = 1;
      tokens = {
        get: async () => `t${n}`,
        invalidate: () => {
          invalidated += 1;
          n += 1;
        },
      };
      refusals = createPrivilegeRefusals({ logger: log.logger, now: () => clock });
      core = build({ refusals });
    });

    it('costs no further token for that kind of call for 5 minutes, then one, and names the privilege', async () => {
      pool.intercept({ path: '/JSSResource/users/id/1', method: 'PUT' }).reply(401, page).times(5);
      const first = await failure(core.send(put(), tokens));
      expect(first).toMatchObject({ kind: 'forbidden', privilege: 'Update User', route: 'PUT /JSSResource/users/id/:id', status: 401 });
      expect(invalidated).toBe(1);

      // Within the hold: no new token, one call, the same named refusal.
      clock += 4 * 60_000;
      expect(await failure(core.send(put(), tokens))).toMatchObject({ privilege: 'Update User' });
      expect(invalidated).toBe(1);

      // A read is another kind of call: it still gets its one fresh token.
      pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(401, page).times(2);
      expect(await failure(core.send(get(), tokens))).toMatchObject({ privilege: 'Read User' });
      expect(invalidated).toBe(2);

      // After the hold, one refresh again, in case it was an expiry after all.
      clock += 60_000;
      await failure(core.send(put(), tokens));
      expect(invalidated).toBe(3);

      const logged = log.lines.filter((l) => l['level'] === 50).map((l) => l['msg']);
      // One line per refusal found, not per call refused while it is held.
      expect(logged).toEqual([
        'Jamf Pro refused this server\'s API client the privilege "Update User" (PUT /JSSResource/users/id/:id): add it to the API role',
        'Jamf Pro refused this server\'s API client the privilege "Read User" (GET /JSSResource/users/id/:id): add it to the API role',
        'Jamf Pro refused this server\'s API client the privilege "Update User" (PUT /JSSResource/users/id/:id): add it to the API role',
      ]);
    });

    it('lists the missing privileges until a refused kind of call succeeds', async () => {
      pool.intercept({ path: '/JSSResource/users/id/1', method: 'PUT' }).reply(401, page).times(2);
      pool.intercept({ path: '/JSSResource/users/id/1', method: 'GET' }).reply(401, page).times(2);
      await failure(core.send(put(), tokens));
      clock += 1_000;
      await failure(core.send(get(), tokens));
      pool.intercept({ path: '/JSSResource/users', method: 'GET' }).reply(401, page).times(2);
      await failure(core.send({ method: 'GET', route: '/JSSResource/users', path: '/JSSResource/users', accept: 'application/json' }, tokens));
      expect(refusals.list()).toEqual([
        { privilege: 'Read User', calls: ['GET /JSSResource/users', 'GET /JSSResource/users/id/:id'], since: '2026-01-01T00:00:01.000Z' },
        { privilege: 'Update User', calls: ['PUT /JSSResource/users/id/:id'], since: '2026-01-01T00:00:00.000Z' },
      ]);

      // The role got "Update User": the next PUT is answered, and the privilege leaves the list.
      pool.intercept({ path: '/JSSResource/users/id/1', method: 'PUT' }).reply(201, '<user><id>1</id></user>');
      await core.send(put(), tokens);
      expect(refusals.list().map((m) => m.privilege)).toEqual(['Read User']);
    });

    it('still refreshes on a 401 that names the token, even for a refused kind of call', async () => {
      pool.intercept({ path: '/JSSResource/users/id/1', method: 'PUT' }).reply(401, page).times(2);
      await failure(core.send(put(), tokens));
      pool.intercept({ path: '/JSSResource/users/id/1', method: 'PUT' }).reply(401, '{"httpStatus":401,"errors":[{"code":"INVALID_TOKEN"}]}');
      pool.intercept({ path: '/JSSResource/users/id/1', method: 'PUT' }).reply(201, '<user><id>1</id></user>');
      expect((await core.send(put(), tokens)).status).toBe(201);
      expect(invalidated).toBe(2);
    });

    it('takes a Jamf Pro API 403 as the privilege at once, without a token refresh', async () => {
      const forbidden = '{"httpStatus":403,"errors":[{"code":"INVALID_PRIVILEGE","description":"Forbidden"}]}';
      pool.intercept({ path: '/api/v1/users?page=0', method: 'GET' }).reply(403, forbidden);
      const err = await failure(core.send({ method: 'GET', route: '/api/v1/users', path: '/api/v1/users?page=0', accept: 'application/json' }, tokens));
      expect(err).toMatchObject({ kind: 'forbidden', privilege: 'Read User', status: 403 });
      expect(invalidated).toBe(0);
    });
  });

  describe('the Jamf Cloud node cookie (DOC-STICKY: dependent sequences only)', () => {
    const create = (): CallSpec => ({ ...post() });
    const noCookie = { headers: (h: Record<string, string>) => !('cookie' in h) };

    it('sends a create\'s cookie only on calls that depend on the created object, for a while', async () => {
      pool
        .intercept({ path: '/JSSResource/users/id/0', method: 'POST', ...noCookie })
        .reply(201, '<user><id>7</id></user>', { headers: { 'set-cookie': 'jpro-ingress=node-7; Path=/; HttpOnly' } });
      const created = await core.send(create());
      expect(created.stickyCookie).toBe('jpro-ingress=node-7');
      core.pin('user:7', created);

      pool.intercept({ path: '/JSSResource/users/id/7', method: 'GET', headers: { cookie: 'jpro-ingress=node-7' } }).reply(200, 'pinned');
      expect((await core.send({ ...get('/JSSResource/users/id/7'), affinity: ['user:7'] })).body).toBe('pinned');

      // Another user, or a call naming no object: unpinned, even though a response set a cookie.
      pool.intercept({ path: '/JSSResource/users/id/8', method: 'GET', ...noCookie }).reply(200, 'free');
      expect((await core.send({ ...get('/JSSResource/users/id/8'), affinity: ['user:8'] })).body).toBe('free');
      pool.intercept({ path: '/JSSResource/users', method: 'GET', ...noCookie }).reply(200, '{"users":[]}');
      await core.send({ method: 'GET', route: '/JSSResource/users', path: '/JSSResource/users', accept: 'application/json' });

      clock += PIN_MS;
      pool.intercept({ path: '/JSSResource/users/id/7', method: 'GET', ...noCookie }).reply(200, 'spread again');
      expect((await core.send({ ...get('/JSSResource/users/id/7'), affinity: ['user:7'] })).body).toBe('spread again');
    });

    it('follows the balancer when it moves a pinned call to another node', async () => {
      pool.intercept({ path: '/JSSResource/users/id/0', method: 'POST' }).reply(201, '<user><id>7</id></user>', { headers: { 'set-cookie': 'jpro-ingress=node-7' } });
      core.pin('user:7', await core.send(create()));
      pool
        .intercept({ path: '/JSSResource/users/id/7', method: 'GET', headers: { cookie: 'jpro-ingress=node-7' } })
        .reply(200, 'moved', { headers: { 'set-cookie': 'jpro-ingress=node-9' } });
      await core.send({ ...get('/JSSResource/users/id/7'), affinity: ['user:7'] });
      pool.intercept({ path: '/JSSResource/users/id/7', method: 'PUT', headers: { cookie: 'jpro-ingress=node-9' } }).reply(201, '<user><id>7</id></user>');
      const res = await core.send({ method: 'PUT', route: '/JSSResource/users/id/:id', path: '/JSSResource/users/id/7', accept: 'application/xml', body: '<user/>', affinity: ['user:7'] });
      expect(res.stickyCookie).toBe('jpro-ingress=node-9');
    });

    it('uses the node of the object created last when a call depends on several', async () => {
      pool.intercept({ path: '/JSSResource/usergroups/id/0', method: 'POST' }).reply(201, '<user_group><id>3</id></user_group>', { headers: { 'set-cookie': 'jpro-ingress=node-a' } });
      core.pin('group:3', await core.send({ ...post(), route: '/JSSResource/usergroups/id/0', path: '/JSSResource/usergroups/id/0' }));
      clock += 1_000;
      pool.intercept({ path: '/JSSResource/users/id/0', method: 'POST' }).reply(201, '<user><id>7</id></user>', { headers: { 'set-cookie': 'jpro-ingress=node-b' } });
      core.pin('user:7', await core.send(create()));
      pool.intercept({ path: '/JSSResource/usergroups/id/3', method: 'PUT', headers: { cookie: 'jpro-ingress=node-b' } }).reply(201, '<user_group><id>3</id></user_group>');
      await core.send({ method: 'PUT', route: '/JSSResource/usergroups/id/:id', path: '/JSSResource/usergroups/id/3', accept: 'application/xml', body: '<user_group/>', affinity: ['group:3', 'user:7'] });
    });
  });

  it('gives a call its own timeout and a retry window as long', async () => {
    core = build({ timeoutMs: 50, retries: 1 });
    pool.intercept({ path: '/JSSResource/users', method: 'GET' }).reply(200, '{"users":[]}').delay(200);
    const list: CallSpec = { method: 'GET', route: '/JSSResource/users', path: '/JSSResource/users', accept: 'application/json', timeoutMs: 2_000 };
    expect((await core.send(list)).status).toBe(200);
    // A 503 after 20 s (past the common 15 s window) is still retried within the list's own timeout.
    list.timeoutMs = 30_000;
    pool
      .intercept({ path: '/JSSResource/users', method: 'GET' })
      .reply(() => {
        clock += 20_000;
        return { statusCode: 503, data: 'busy' };
      });
    pool.intercept({ path: '/JSSResource/users', method: 'GET' }).reply(200, '{"users":[]}');
    expect((await core.send(list)).status).toBe(200);
    expect(events.filter((e) => e.route === '/JSSResource/users').map((e) => e.status)).toEqual([200, 503, 200]);
  });

  it('logs one line per attempt with the route template, never the path or a token', async () => {
    const tokens: TokenSource = { get: async () => 'secret-token', invalidate: () => undefined };
    pool.intercept({ path: '/JSSResource/users/name/jdoe%40x', method: 'GET' }).reply(503, '');
    pool.intercept({ path: '/JSSResource/users/name/jdoe%40x', method: 'GET' }).reply(200, '<user/>');
    await core.send({ method: 'GET', route: '/JSSResource/users/name/:name', path: '/JSSResource/users/name/jdoe%40x', accept: 'application/xml' }, tokens);
    const calls = log.lines.filter((l) => l['msg'] === 'jamf call');
    expect(calls.map((l) => [l['level'], (l['jamf'] as { status: number }).status, (l['jamf'] as { attempt: number }).attempt])).toEqual([
      [40, 503, 1],
      // A successful call logs at info (issue 13: the line per Jamf call stays at info).
      [30, 200, 2],
    ]);
    expect(calls[0]?.['jamf']).toMatchObject({ method: 'GET', route: '/JSSResource/users/name/:name' });
    expect(Object.keys(calls[1]?.['jamf'] as object)).toEqual(['method', 'route', 'status', 'ms', 'attempt']);
    expect(log.raw()).not.toContain('jdoe');
    expect(log.raw()).not.toContain('secret-token');
  });

  it('refuses calls after close', async () => {
    core.close();
    expect((await failure(core.send(get()))).message).toContain('closed');
  });
});
