/** Who gets into the admin console: sign-in, the session cookie, CSRF on writes, Bearer for scripts. */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, BEARER, signIn, startConsoleServer, type Cleanups } from './support.js';

describe('admin console sessions', () => {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('signs in with the admin token: an HttpOnly, SameSite=Strict cookie for /admin and a CSRF token, never the token itself', async () => {
    const t = await startConsoleServer(cleanups);
    const { res, cookie, csrf } = await signIn(t);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^jamf_scim_admin=[\w-]{40,}; /);
    expect(setCookie).toContain('Path=/admin');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Max-Age=28800');
    expect(setCookie).not.toContain('Secure');
    const body = res.json() as { csrf: string; expires: string };
    expect(csrf).toMatch(/^[\w-]{40,}$/);
    expect(Date.parse(body.expires) - t.clock.ms).toBe(8 * 3600 * 1000);
    expect(res.body + setCookie + t.logs.join('\n')).not.toContain(ADMIN_TOKEN);

    // A reload asks for the session and gets the same CSRF token.
    const again = await t.admin('GET', '/admin/api/session', { headers: { cookie } });
    expect(again.statusCode).toBe(200);
    expect((again.json() as { csrf: string }).csrf).toBe(csrf);
    expect((await t.admin('GET', '/admin/api/session', { headers: {} })).statusCode).toBe(401);
  });

  it('marks the cookie Secure when the browser came over HTTPS through a trusted proxy', async () => {
    const t = await startConsoleServer(cleanups, { app: { trustProxy: true } });
    const res = await t.admin('POST', '/admin/api/session', { headers: { 'x-forwarded-proto': 'https' }, body: { token: ADMIN_TOKEN } });
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it('answers a wrong or missing token with 401 and throttles the address with 429', async () => {
    const t = await startConsoleServer(cleanups, { app: { authFailureLimit: 3 } });
    const wrong = await t.admin('POST', '/admin/api/session', { headers: {}, body: { token: 'not-the-admin-token-0123456789-abcdef' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.json()).toEqual({ error: 'missing or invalid admin token' });
    expect((await t.admin('POST', '/admin/api/session', { headers: {}, body: {} })).statusCode).toBe(401);
    expect((await t.admin('GET', '/admin/api/status', { headers: { authorization: 'Bearer wrong-wrong-wrong-wrong-wrong' } })).statusCode).toBe(401);
    const limited = await t.admin('POST', '/admin/api/session', { headers: {}, body: { token: 'still-not-the-admin-token-01234567' } });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The right token still gets in.
    expect((await signIn(t)).res.statusCode).toBe(200);
    expect(t.logs.join('\n')).not.toContain('not-the-admin-token');
  });

  it('reads with the cookie; a write with it needs the CSRF header', async () => {
    const t = await startConsoleServer(cleanups);
    const { cookie, csrf } = await signIn(t);
    for (const url of ['/admin/api/status', '/admin/api/audit', '/admin/api/history', '/admin/api/deactivated']) {
      const res = await t.admin('GET', url, { headers: { cookie } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const missing = await t.admin('POST', '/admin/api/check', { headers: { cookie } });
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toEqual({ error: 'missing or invalid CSRF token' });
    const wrong = await t.admin('POST', '/admin/api/check', { headers: { cookie, 'x-csrf-token': `${csrf.slice(1)}x` } });
    expect(wrong.statusCode).toBe(403);
    expect((await t.admin('DELETE', '/admin/api/deactivated/123', { headers: { cookie } })).statusCode).toBe(403);
    const right = await t.admin('POST', '/admin/api/check', { headers: { cookie, 'x-csrf-token': csrf } });
    expect(right.statusCode).toBe(200);
    expect((right.json() as { ok: boolean }).ok).toBe(true);
  });

  it('signs out: the session is gone and the cookie cleared', async () => {
    const t = await startConsoleServer(cleanups);
    const { cookie, csrf } = await signIn(t);
    expect((await t.admin('DELETE', '/admin/api/session', { headers: { cookie } })).statusCode).toBe(403);
    const out = await t.admin('DELETE', '/admin/api/session', { headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^jamf_scim_admin=; Path=\/admin; .*Max-Age=0/);
    const after = await t.admin('GET', '/admin/api/status', { headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect((await t.admin('GET', '/admin/api/session', { headers: { cookie } })).statusCode).toBe(401);
  });

  it('ends a session idle for 8 hours; use moves the expiry on', async () => {
    const t = await startConsoleServer(cleanups);
    const { cookie } = await signIn(t);
    t.clock.ms += 7 * 3600 * 1000;
    expect((await t.admin('GET', '/admin/api/history', { headers: { cookie } })).statusCode).toBe(200);
    t.clock.ms += 7 * 3600 * 1000;
    expect((await t.admin('GET', '/admin/api/history', { headers: { cookie } })).statusCode).toBe(200);
    t.clock.ms += 8 * 3600 * 1000;
    expect((await t.admin('GET', '/admin/api/history', { headers: { cookie } })).statusCode).toBe(401);
  });

  it('takes the Bearer admin token without CSRF, and no SCIM token', async () => {
    const t = await startConsoleServer(cleanups);
    const res = await t.admin('POST', '/admin/api/check', { headers: BEARER });
    expect(res.statusCode).toBe(200);
    expect((await t.admin('GET', '/admin/api/status', { headers: { authorization: 'Bearer okta-token-0123456789abcdef' } })).statusCode).toBe(401);
    // The session cookie opens nothing outside /admin.
    const { cookie } = await signIn(t);
    expect((await t.app.inject({ method: 'GET', url: '/scim/v2/Users?count=1', headers: { cookie } })).statusCode).toBe(401);
  });

  it('has no /admin at all without ADMIN_TOKEN', async () => {
    const t = await startConsoleServer(cleanups, { adminToken: undefined });
    for (const [method, url] of [
      ['GET', '/admin'],
      ['GET', '/admin/'],
      ['GET', '/admin/assets/app.js'],
      ['POST', '/admin/api/session'],
      ['GET', '/admin/api/status'],
      ['GET', '/admin/api/users?q=a'],
    ] as const) {
      expect((await t.admin(method, url, method === 'POST' ? { headers: {}, body: { token: ADMIN_TOKEN } } : {})).statusCode, url).toBe(404);
    }
  });
});
