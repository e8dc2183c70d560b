import { describe, expect, it } from 'vitest';
import { call, clientToken, useSimulators } from './helpers.js';

const INVALID_TOKEN = {
  httpStatus: 401,
  errors: [{ code: 'INVALID_TOKEN', description: 'Unauthorized', id: '0', field: null }],
};

const form = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('OAuth client credentials (§1.1)', () => {
  const create = useSimulators();

  it.each(['/api/oauth/token', '/api/v1/oauth/token'])('%s issues a bearer token with a jpro-ingress cookie', async (url) => {
    const sim = create({ tokenLifetimeSeconds: 60 });
    const res = await sim.app.inject({
      url,
      ...form({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret }),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', scope: 'api-role:1', expires_in: 60 });
    expect(String(res.headers['set-cookie'])).toMatch(/^jpro-ingress=\w+/);
    expect(sim.counters()[`POST ${url}`]).toBe(1);
  });

  it('uses the configured credentials', async () => {
    const sim = create({ clientId: 'id-1', clientSecret: 's3cret' });
    expect([sim.clientId, sim.clientSecret]).toEqual(['id-1', 's3cret']);
    const ok = await sim.app.inject({
      url: '/api/oauth/token',
      ...form({ grant_type: 'client_credentials', client_id: 'id-1', client_secret: 's3cret' }),
    });
    expect(ok.statusCode).toBe(200);
  });

  it('answers 400 invalid_client for a wrong secret or unknown client', async () => {
    const sim = create();
    for (const fields of <Array<Record<string, string>>>[
      { grant_type: 'client_credentials', client_id: sim.clientId, client_secret: 'nope' },
      { grant_type: 'client_credentials', client_id: 'other', client_secret: sim.clientSecret },
      { grant_type: 'client_credentials' },
    ]) {
      const res = await sim.app.inject({ url: '/api/v1/oauth/token', ...form(fields) });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    }
  });

  it('answers 400 invalid_request without grant_type, unsupported_grant_type and invalid_scope otherwise', async () => {
    const sim = create();
    const creds = { client_id: sim.clientId, client_secret: sim.clientSecret };
    const missing = await sim.app.inject({ url: '/api/v1/oauth/token', ...form(creds) });
    expect([missing.statusCode, missing.json().error]).toEqual([400, 'invalid_request']);
    const password = await sim.app.inject({ url: '/api/v1/oauth/token', ...form({ ...creds, grant_type: 'password' }) });
    expect(password.json().error).toBe('unsupported_grant_type');
    const scope = await sim.app.inject({
      url: '/api/v1/oauth/token',
      ...form({ ...creds, grant_type: 'client_credentials', scope: 'api-role:9' }),
    });
    expect(scope.json().error).toBe('invalid_scope');
  });

  it('expires client tokens after tokenLifetimeSeconds on the injected clock', async () => {
    let now = 1_000_000;
    const sim = create({ now: () => now, tokenLifetimeSeconds: 60 });
    const token = await clientToken(sim);
    expect((await call(sim, 'GET', '/JSSResource/users', { token })).statusCode).toBe(200);
    now += 59_999;
    expect((await call(sim, 'GET', '/JSSResource/users', { token })).statusCode).toBe(200);
    now += 1;
    const expired = await call(sim, 'GET', '/JSSResource/users', { token });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toEqual(INVALID_TOKEN);
  });

  it('setKnobs tokenLifetimeSeconds applies to tokens issued afterwards', async () => {
    const sim = create();
    sim.setKnobs({ tokenLifetimeSeconds: 5 });
    const res = await sim.app.inject({
      url: '/api/v1/oauth/token',
      ...form({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret }),
    });
    expect(res.json().expires_in).toBe(5);
  });
});

describe('basic-auth bearer tokens (§1.2, §1.3)', () => {
  const create = useSimulators();

  it('issues {token, expires} valid for 30 minutes', async () => {
    let now = Date.UTC(2026, 0, 1);
    const sim = create({ now: () => now });
    const res = await sim.app.inject({
      method: 'POST',
      url: '/api/v1/auth/token',
      headers: { authorization: basic('admin', 'simulator-password') },
    });
    expect(res.statusCode).toBe(200);
    const { token, expires } = res.json() as { token: string; expires: string };
    expect(expires).toBe('2026-01-01T00:30:00.000Z');
    expect((await call(sim, 'GET', '/api/v1/jamf-pro-version', { token })).statusCode).toBe(200);
    now += 30 * 60 * 1000;
    expect((await call(sim, 'GET', '/api/v1/jamf-pro-version', { token })).statusCode).toBe(401);
  });

  it('answers 401 ApiError JSON for bad credentials', async () => {
    const sim = create({ username: 'jane', password: 'pw' });
    for (const authorization of [basic('jane', 'wrong'), basic('admin', 'simulator-password'), 'Basic !!!', '']) {
      const res = await sim.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { authorization } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ httpStatus: 401, errors: [] });
    }
  });

  it('keep-alive returns a new token and invalidates the old one', async () => {
    let now = 0;
    const sim = create({ now: () => now });
    const first = (
      await sim.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { authorization: basic('admin', 'simulator-password') } })
    ).json() as { token: string; expires: string };
    now = 10 * 60 * 1000;
    const kept = await call(sim, 'POST', '/api/v1/auth/keep-alive', { token: first.token });
    expect(kept.statusCode).toBe(200);
    const second = kept.json() as { token: string; expires: string };
    expect(second.token).not.toBe(first.token);
    expect(Date.parse(second.expires)).toBe(40 * 60 * 1000);
    expect((await call(sim, 'GET', '/JSSResource/users', { token: first.token })).statusCode).toBe(401);
    expect((await call(sim, 'GET', '/JSSResource/users', { token: second.token })).statusCode).toBe(200);
  });

  it('invalidate-token answers 204 and the token stops working', async () => {
    const sim = create();
    const token = await clientToken(sim);
    const res = await call(sim, 'POST', '/api/v1/auth/invalidate-token', { token });
    expect([res.statusCode, res.body]).toEqual([204, '']);
    expect((await call(sim, 'GET', '/api/v1/jamf-pro-version', { token })).json()).toEqual(INVALID_TOKEN);
    expect((await call(sim, 'POST', '/api/v1/auth/keep-alive', { token })).statusCode).toBe(401);
  });
});

describe('token checks on every API route (§1.4)', () => {
  const create = useSimulators();
  const routes: Array<[string, string]> = [
    ['GET', '/JSSResource/users'],
    ['GET', '/JSSResource/users/id/1'],
    ['POST', '/JSSResource/users/id/0'],
    ['DELETE', '/JSSResource/usergroups/id/1'],
    ['GET', '/api/v1/users'],
    ['GET', '/api/v1/jamf-pro-version'],
  ];

  it.each(routes)('%s %s answers 401 INVALID_TOKEN JSON without a valid token', async (method, url) => {
    const sim = create();
    for (const authorization of [undefined, 'Bearer not-a-token', basic('admin', 'simulator-password')]) {
      const res = await sim.app.inject({
        method: method as 'GET',
        url,
        headers: authorization ? { authorization } : {},
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual(INVALID_TOKEN);
    }
  });

  it('expireTokens() invalidates every issued token; new ones work', async () => {
    const sim = create();
    const token = await clientToken(sim);
    sim.expireTokens();
    expect((await call(sim, 'GET', '/JSSResource/users', { token })).statusCode).toBe(401);
    expect((await call(sim, 'GET', '/JSSResource/users')).statusCode).toBe(200);
  });

  it('serves the version with a build suffix (§1.3)', async () => {
    const sim = create({ version: '11.26.1' });
    const res = await call(sim, 'GET', '/api/v1/jamf-pro-version');
    expect(res.json()).toEqual({ version: expect.stringMatching(/^11\.26\.1-t\d+$/) });
    expect((await call(sim, 'GET', '/api/v1/jamf-pro-version')).json().version).toMatch(/^11\.26\.1-/);
    sim.setKnobs({ version: '11.30.1' });
    expect((await call(sim, 'GET', '/api/v1/jamf-pro-version')).json().version).toMatch(/^11\.30\.1-t/);
  });
});
