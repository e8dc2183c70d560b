import { afterEach, describe, expect, it } from 'vitest';
import { createAuthThrottle } from '../../src/http/auth-throttle.js';
import { TOKEN, captureLogs, startTestServer, type TestServer } from '../helper.js';
import { expectScimError } from './users-support.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(options: Parameters<typeof startTestServer>[1] = {}) {
  const t = await startTestServer({ seedUsers: 1 }, options);
  servers.push(t);
  return t;
}

const get = (t: TestServer, url: string, headers: Record<string, string> = {}, remoteAddress?: string) =>
  t.app.inject({ url, headers, ...(remoteAddress === undefined ? {} : { remoteAddress }) });

describe('401 challenges (RFC 6750 §3)', () => {
  it('answers a request without credentials with WWW-Authenticate: Bearer and no error code', async () => {
    const t = await start();
    for (const headers of [{}, { authorization: '' }, { authorization: 'Bearer' }, { authorization: 'Bearer   ' }] as Array<Record<string, string>>) {
      const res = await get(t, '/scim/v2/Users', headers);
      expectScimError(res, 401);
      expect(res.headers['www-authenticate'], JSON.stringify(headers)).toBe('Bearer');
    }
  });

  it('answers a wrong token, another scheme or a token in the query with error="invalid_token"', async () => {
    const t = await start();
    for (const authorization of [`Bearer ${TOKEN}x`, `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`, 'not-the-token-at-all']) {
      const res = await get(t, '/scim/v2/ServiceProviderConfig', { authorization });
      expectScimError(res, 401);
      expect(res.headers['www-authenticate'], authorization).toBe('Bearer error="invalid_token"');
      expect(res.body).not.toContain(TOKEN);
    }
  });

  it('challenges on every SCIM method', async () => {
    const t = await start();
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const url = method === 'POST' ? '/scim/v2/Groups' : '/scim/v2/Users/1';
      const res = await t.app.inject({ method, url, headers: { authorization: 'Bearer wrong-token-value' } });
      expect(res.statusCode, method).toBe(401);
      expect(res.headers['www-authenticate'], method).toBe('Bearer error="invalid_token"');
    }
  });
});

describe('failed-authentication throttle', () => {
  it('never refuses the valid token from an address that others fail from (shared egress, proxy without TRUST_PROXY)', async () => {
    const { lines, logger } = captureLogs('info');
    const t = await start({ authFailureLimit: 5, logger });
    const shared = '198.51.100.20';
    for (let i = 0; i < 5; i++) expect((await get(t, '/scim/v2/Users', { authorization: `Bearer attacker-${i}` }, shared)).statusCode).toBe(401);

    // The attacker is now throttled on that address...
    const throttled = await get(t, '/scim/v2/Users', { authorization: 'Bearer attacker-x' }, shared);
    expectScimError(throttled, 429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(throttled.headers['retry-after']).toMatch(/^\d+$/);
    // ...and the IdP behind the same address keeps provisioning, read and write.
    for (let i = 0; i < 3; i++) expect((await get(t, '/scim/v2/Users/1', { authorization: `Bearer ${TOKEN}` }, shared)).statusCode).toBe(200);
    const created = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      remoteAddress: shared,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'still.works' },
    });
    expect(created.statusCode).toBe(201);
    // Bad attempts interleaved with the IdP's stay throttled.
    expect((await get(t, '/scim/v2/Users', { authorization: 'Bearer attacker-y' }, shared)).statusCode).toBe(429);

    const warned = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'authentication failed');
    expect(warned).toHaveLength(5);
    for (const line of warned) expect(line).toMatchObject({ level: 40, ip: shared, credentials: 'invalid' });
    const all = lines.join('\n');
    expect(all).not.toContain('attacker-');
    expect(all).not.toContain(TOKEN);
  });

  it('lets an address try again once its oldest failure has left the one-minute window', () => {
    let clock = 0;
    const throttle = createAuthThrottle(2, () => clock);
    expect(throttle.fail('192.0.2.1')).toBe(1);
    clock += 30_000;
    expect(throttle.fail('192.0.2.1')).toBe(2);
    expect(throttle.retryAfter('192.0.2.1')).toBe(30);
    expect(throttle.retryAfter('192.0.2.2')).toBe(0);
    clock += 30_001;
    // The first failure left the window; one more attempt is allowed.
    expect(throttle.retryAfter('192.0.2.1')).toBe(0);
  });

  it('writes one warn line per failure with the address and whether credentials were sent', async () => {
    const { lines, logger } = captureLogs('info');
    const t = await start({ logger });
    await get(t, '/scim/v2/Users', {}, '192.0.2.7');
    await get(t, '/scim/v2/Users', { authorization: 'Bearer nope-nope-nope' }, '192.0.2.7');
    const warned = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'authentication failed');
    expect(warned).toEqual([
      expect.objectContaining({ level: 40, ip: '192.0.2.7', credentials: 'missing', failures: 1 }),
      expect.objectContaining({ level: 40, ip: '192.0.2.7', credentials: 'invalid', failures: 2 }),
    ]);
    expect(lines.join('\n')).not.toContain('nope-nope-nope');
  });
});
