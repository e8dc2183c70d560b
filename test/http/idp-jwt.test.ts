import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parsePublicKeys } from '../../src/http/jwt-auth.js';
import { TOKEN, captureLogs, startTestServer, type TestAppOptions, type TestServer } from '../helper.js';
import { expectScimError } from './users-support.js';

const ISSUER = 'https://sts.windows.net/00000000-0000-0000-0000-000000000001/';
const AUDIENCE = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';
const NOW = Date.parse('2026-03-01T10:00:00Z');
const now = () => new Date(NOW);

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

let keyA: SigningKey;
let keyB: SigningKey;
let keyC: SigningKey;
beforeAll(async () => {
  [keyA, keyB, keyC] = await Promise.all([signingKey('a'), signingKey('b'), signingKey('c')]);
});

/** A JWKS endpoint on 127.0.0.1 whose key list the test changes; counts its fetches. */
async function startJwks(initial: SigningKey[]) {
  let published = initial;
  let up = true;
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches++;
    if (!up) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/keys`,
    publish: (keys: SigningKey[]) => (published = keys),
    setUp: (value: boolean) => (up = value),
    fetches: () => fetches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function idpToken(key: SigningKey, claims: { iss?: string; aud?: string; exp?: number } = {}) {
  const iat = Math.floor(NOW / 1000) - 60;
  return new SignJWT({ tid: '00000000-0000-0000-0000-000000000001' })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setSubject('provisioning-service')
    .setIssuedAt(iat)
    .setExpirationTime(claims.exp ?? iat + 3600)
    .sign(key.privateKey);
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function start(idpTokens: NonNullable<TestAppOptions['idpTokens']>, options: TestAppOptions = {}): Promise<TestServer> {
  const t = await startTestServer({ seedUsers: 1 }, { idpTokens, now, ...options });
  closers.push(() => t.close());
  return t;
}

async function withJwks(initial: SigningKey[], options: TestAppOptions = {}) {
  const jwks = await startJwks(initial);
  closers.push(jwks.close);
  const t = await start({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: jwks.url, jwksCooldownMs: 0 }, options);
  return { t, jwks };
}

const getUsers = (t: TestServer, token: string) => t.app.inject({ url: '/scim/v2/Users', headers: { authorization: `Bearer ${token}` } });

function expectInvalidToken(res: Awaited<ReturnType<typeof getUsers>>) {
  expectScimError(res, 401);
  expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
}

describe('bearer JWTs signed by the IdP (JWKS)', () => {
  it('accepts a token with the configured issuer and audience, signed by a published key; static tokens still work', async () => {
    const { t, jwks } = await withJwks([keyA]);
    const res = await getUsers(t, await idpToken(keyA));
    expect(res.statusCode, res.body).toBe(200);
    expect((await getUsers(t, await idpToken(keyA))).statusCode).toBe(200);
    // Cached: one fetch for both requests.
    expect(jwks.fetches()).toBe(1);
    expect((await getUsers(t, TOKEN)).statusCode).toBe(200);
    expect(jwks.fetches()).toBe(1);
  });

  it('refuses a wrong issuer, a wrong audience and an expired token with 401 invalid_token', async () => {
    const { lines, logger } = captureLogs('info');
    const { t } = await withJwks([keyA], { logger });
    expectInvalidToken(await getUsers(t, await idpToken(keyA, { iss: 'https://sts.windows.net/someone-else/' })));
    expectInvalidToken(await getUsers(t, await idpToken(keyA, { aud: 'another-app' })));
    expectInvalidToken(await getUsers(t, await idpToken(keyA, { exp: Math.floor(NOW / 1000) - 31 })));
    const reasons = lines
      .map((l) => JSON.parse(l) as { msg: string; reason?: string })
      .filter((l) => l.msg === 'authentication failed')
      .map((l) => l.reason)
      .join('\n');
    expect(reasons).toContain('issuer that is not configured');
    expect(reasons).toContain('"aud" claim');
    expect(reasons).toContain('"exp" claim');
  });

  it('fetches the key set again for an unknown kid (key rotation), and refuses a kid never published', async () => {
    const { t, jwks } = await withJwks([keyA]);
    expect((await getUsers(t, await idpToken(keyA))).statusCode).toBe(200);
    expect(jwks.fetches()).toBe(1);

    jwks.publish([keyA, keyB]);
    expect((await getUsers(t, await idpToken(keyB))).statusCode).toBe(200);
    expect(jwks.fetches()).toBe(2);

    expectInvalidToken(await getUsers(t, await idpToken(keyC)));
    expect(jwks.fetches()).toBe(3);
  });

  it('refuses an HS256 token keyed with a published public key (algorithm confusion, RFC 8725 §2.1)', async () => {
    const { t } = await withJwks([keyA]);
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'a' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(Math.floor(NOW / 1000) + 600)
      .sign(new TextEncoder().encode(JSON.stringify(keyA.jwk)));
    expectInvalidToken(await getUsers(t, forged));
  });

  it('answers 503 with Retry-After, not 401, while the JWKS endpoint is down', async () => {
    const { t, jwks } = await withJwks([keyA]);
    jwks.setUp(false);
    const res = await getUsers(t, await idpToken(keyA));
    expectScimError(res, 503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // A static token does not depend on the IdP's keys.
    expect((await getUsers(t, TOKEN)).statusCode).toBe(200);
  });
});

describe('bearer JWTs signed by the IdP (fixed keys)', () => {
  it('verifies against a key set given as a file (OIDC_PUBLIC_KEYS_FILE) without any fetch', async () => {
    const keys = parsePublicKeys(JSON.stringify({ keys: [keyA.jwk] }));
    const t = await start({ issuer: ISSUER, audience: AUDIENCE, keys });
    expect((await getUsers(t, await idpToken(keyA))).statusCode).toBe(200);
    expectInvalidToken(await getUsers(t, await idpToken(keyB)));
  });

  it('refuses a key file that is not a JWKS of public keys', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    expect(() => parsePublicKeys('not json')).toThrow(/JSON/);
    expect(() => parsePublicKeys('{"keys": []}')).toThrow(/at least one key/);
    expect(() => parsePublicKeys(JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }))).toThrow(/public keys only/);
    const jwk = await exportJWK(privateKey);
    expect(() => parsePublicKeys(JSON.stringify({ keys: [jwk] }))).toThrow(/public keys only/);
  });
});
