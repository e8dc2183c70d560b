import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { TOKEN, captureLogs, startTestServer, type TestAppOptions, type TestServer } from '../helper.js';
import { expectScimError } from './users-support.js';

const CLIENT_ID = 'entra-provisioning';
const CLIENT_SECRET = 'oauth-client-secret-0123456789abcdef';
const FORM = 'application/x-www-form-urlencoded';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse('2026-03-01T10:00:00Z')) {
  let at = start;
  return { now: () => new Date(at), advance: (seconds: number) => (at += seconds * 1000) };
}

async function start(options: TestAppOptions = {}, tokenLifetimeSeconds = 3600) {
  const t = await startTestServer({ seedUsers: 2 }, { oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenLifetimeSeconds }, ...options });
  servers.push(t);
  return t;
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function tokenRequest(t: TestServer, form: Record<string, string>, headers: Record<string, string> = {}, remoteAddress?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': FORM, ...headers },
    payload: new URLSearchParams(form).toString(),
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  });
}

async function accessToken(t: TestServer): Promise<string> {
  const res = await tokenRequest(t, { grant_type: 'client_credentials' }, { authorization: basic(CLIENT_ID, CLIENT_SECRET) });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { access_token: string }).access_token;
}

const getUsers = (t: TestServer, token: string) => t.app.inject({ url: '/scim/v2/Users', headers: { authorization: `Bearer ${token}` } });

describe('POST /oauth/token (RFC 6749 §4.4 client credentials)', () => {
  it('issues a bearer token for HTTP Basic client authentication, uncached, with the claims an access token carries', async () => {
    const clock = fakeClock();
    const t = await start({ now: clock.now });
    const res = await tokenRequest(t, { grant_type: 'client_credentials' }, { authorization: basic(CLIENT_ID, CLIENT_SECRET) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    const body = res.json() as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });

    const token = body.access_token as string;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'at+jwt' });
    const claims = decodeJwt(token);
    const iat = Math.floor(clock.now().getTime() / 1000);
    expect(claims).toMatchObject({ iss: 'urn:jamf-scim:oauth', aud: 'urn:jamf-scim:scim', sub: CLIENT_ID, iat, exp: iat + 3600 });
    expect(claims.jti).toEqual(expect.any(String));
    expect(token).not.toContain(CLIENT_SECRET);
  });

  it('accepts client_id and client_secret in the form body (RFC 6749 §2.3.1), and a unique jti each time', async () => {
    const t = await start();
    const a = await tokenRequest(t, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'scim' });
    const b = await tokenRequest(t, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    const jti = (r: typeof a) => decodeJwt((r.json() as { access_token: string }).access_token).jti;
    expect(jti(a)).not.toBe(jti(b));
  });

  it('decodes form-urlencoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    const secret = 'with:colon+plus and space/slash-0123456789';
    const t = await startTestServer({}, { oauth: { clientId: 'id with space', clientSecret: secret, tokenLifetimeSeconds: 3600 } });
    servers.push(t);
    const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
    const res = await tokenRequest(t, { grant_type: 'client_credentials' }, { authorization: basic(enc('id with space'), enc(secret)) });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('answers a wrong secret via Basic with 401 invalid_client and a Basic challenge', async () => {
    const t = await start();
    const res = await tokenRequest(t, { grant_type: 'client_credentials' }, { authorization: basic(CLIENT_ID, `${CLIENT_SECRET}x`) });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({ error: 'invalid_client' });
    expect(res.body).not.toContain(CLIENT_SECRET);
  });

  it('answers a wrong id or secret in the form, or no client authentication at all, with 401 invalid_client', async () => {
    const t = await start();
    for (const form of [
      { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'wrong-secret-wrong-secret-wrong-secret' },
      { grant_type: 'client_credentials', client_id: 'someone-else', client_secret: CLIENT_SECRET },
      { grant_type: 'client_credentials', client_id: CLIENT_ID },
      { grant_type: 'client_credentials' },
    ] as Array<Record<string, string>>) {
      const res = await tokenRequest(t, form);
      expect(res.statusCode, JSON.stringify(form)).toBe(401);
      expect(res.json()).toMatchObject({ error: 'invalid_client' });
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
    }
  });

  it('answers another grant type with 400 unsupported_grant_type, and a missing one with invalid_request', async () => {
    const t = await start();
    const auth = { authorization: basic(CLIENT_ID, CLIENT_SECRET) };
    const wrong = await tokenRequest(t, { grant_type: 'password', username: 'u', password: 'p' }, auth);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const missing = await tokenRequest(t, {}, auth);
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a JSON body, a repeated parameter and two client authentication methods with 400 invalid_request', async () => {
    const t = await start();
    const json = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toMatchObject({ error: 'invalid_request' });

    const repeated = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': FORM, authorization: basic(CLIENT_ID, CLIENT_SECRET) },
      payload: 'grant_type=client_credentials&grant_type=client_credentials',
    });
    expect(repeated.json()).toMatchObject({ error: 'invalid_request' });

    const both = await tokenRequest(t, { grant_type: 'client_credentials', client_secret: CLIENT_SECRET }, { authorization: basic(CLIENT_ID, CLIENT_SECRET) });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('is not served without OAuth configured', async () => {
    const t = await startTestServer();
    servers.push(t);
    const res = await tokenRequest(t, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    // Unrouted; the root's JSON parser may refuse the form first (400) — either way no token.
    expect([400, 404]).toContain(res.statusCode);
    expect(res.body).not.toContain('access_token');
  });
});

describe('issued tokens on SCIM requests', () => {
  it('lets an issued token read /scim/v2/Users, and static tokens keep working beside it', async () => {
    const t = await start();
    const token = await accessToken(t);
    const res = await getUsers(t, token);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { totalResults: number }).totalResults).toBe(2);
    expect((await getUsers(t, TOKEN)).statusCode).toBe(200);
    expect((await t.scim('GET', '/scim/v2/Users')).statusCode).toBe(200);
  });

  it('carries the configured lifetime and stops working after it (clock skew of 30 s allowed)', async () => {
    const clock = fakeClock();
    const t = await start({ now: clock.now }, 7200);
    const res = await tokenRequest(t, { grant_type: 'client_credentials' }, { authorization: basic(CLIENT_ID, CLIENT_SECRET) });
    const { access_token: token, expires_in: expiresIn } = res.json() as { access_token: string; expires_in: number };
    expect(expiresIn).toBe(7200);
    const claims = decodeJwt(token);
    expect((claims.exp as number) - (claims.iat as number)).toBe(7200);

    clock.advance(7200 + 29);
    expect((await getUsers(t, token)).statusCode).toBe(200);
    clock.advance(2);
    const expired = await getUsers(t, token);
    expectScimError(expired, 401);
    expect(expired.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('refuses a tampered token with 401 and a Bearer challenge, and logs why without the token', async () => {
    const { lines, logger } = captureLogs('info');
    const t = await start({ logger });
    const token = await accessToken(t);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, exp: (claims.exp as number) + 86_400 })).toString('base64url')}.${signature}`;
    const flipped = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of [forged, flipped]) {
      const res = await getUsers(t, bad);
      expectScimError(res, 401);
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    }
    const failures = lines.filter((l) => l.includes('authentication failed'));
    expect(failures).toHaveLength(2);
    expect(failures[0]).toContain('signature verification failed');
    expect(lines.join('\n')).not.toContain(signature);
  });

  it('refuses a token signed under another client secret (a rotated secret revokes its tokens)', async () => {
    const old = await start();
    const token = await accessToken(old);
    const t = await startTestServer({}, { oauth: { clientId: CLIENT_ID, clientSecret: `${CLIENT_SECRET}-rotated`, tokenLifetimeSeconds: 3600 } });
    servers.push(t);
    expectScimError(await getUsers(t, token), 401);
  });
});

describe('token endpoint and the failed-authentication throttle', () => {
  it('counts a wrong client secret as a failed authentication, and never refuses the right one', async () => {
    const { lines, logger } = captureLogs('info');
    const t = await start({ authFailureLimit: 3, logger });
    const ip = '198.51.100.7';
    for (let i = 0; i < 2; i++) {
      expect((await tokenRequest(t, { grant_type: 'client_credentials' }, { authorization: basic(CLIENT_ID, `wrong-${i}`) }, ip)).statusCode).toBe(401);
    }
    // The third failure is a wrong SCIM token: one throttle for both.
    expect((await t.app.inject({ url: '/scim/v2/Users', headers: { authorization: 'Bearer nope-nope-nope' }, remoteAddress: ip })).statusCode).toBe(401);

    const throttled = await tokenRequest(t, { grant_type: 'client_credentials' }, { authorization: basic(CLIENT_ID, 'wrong-again') }, ip);
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled.json()).toMatchObject({ error: 'invalid_client' });
    expectScimError(await t.app.inject({ url: '/scim/v2/Users', headers: { authorization: 'Bearer nope' }, remoteAddress: ip }), 429);

    const good = await tokenRequest(t, { grant_type: 'client_credentials' }, { authorization: basic(CLIENT_ID, CLIENT_SECRET) }, ip);
    expect(good.statusCode).toBe(200);

    const warned = lines.filter((l) => l.includes('authentication failed') && l.includes('"endpoint":"token"'));
    expect(warned).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(CLIENT_SECRET);
  });
});

describe('ServiceProviderConfig', () => {
  it('lists the oauth2 scheme beside the bearer scheme when OAuth is configured', async () => {
    const t = await start({ publicBaseUrl: 'https://scim.example.com' });
    const body = (await t.scim('GET', '/scim/v2/ServiceProviderConfig')).json() as { authenticationSchemes: Array<Record<string, unknown>> };
    expect(body.authenticationSchemes).toEqual([
      expect.objectContaining({ type: 'oauthbearertoken', primary: true }),
      expect.objectContaining({
        type: 'oauth2',
        primary: false,
        specUri: 'https://www.rfc-editor.org/info/rfc6749',
        description: expect.stringContaining('https://scim.example.com/oauth/token'),
      }),
    ]);
  });

  it('lists only the bearer scheme without OAuth', async () => {
    const t = await startTestServer();
    servers.push(t);
    const body = (await t.scim('GET', '/scim/v2/ServiceProviderConfig')).json() as { authenticationSchemes: Array<Record<string, unknown>> };
    expect(body.authenticationSchemes.map((s) => s.type)).toEqual(['oauthbearertoken']);
  });
});
