import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { BASE_ENV, configProblems } from './config-support.js';
import { startServer } from '../src/runtime.js';
import { createSimulator } from '../src/simulator/index.js';

const base = BASE_ENV;
const SECRET = 'oauth-secret-0123456789abcdef-0123456789';
const oauth = { OAUTH_CLIENT_ID: 'entra', OAUTH_CLIENT_SECRET: SECRET };
const oidc = { OIDC_ISSUER: 'https://sts.windows.net/t/', OIDC_AUDIENCE: 'app', OIDC_JWKS_URL: 'https://login.microsoftonline.com/t/discovery/v2.0/keys' };

const problems = configProblems;

describe('OAuth configuration', () => {
  it('is off by default and takes a lifetime of 1 hour unless told otherwise', () => {
    const c = loadConfig(base);
    expect(c.OAUTH_CLIENT_ID).toBeUndefined();
    expect(c.OIDC_ISSUER).toBeUndefined();
    expect(loadConfig({ ...base, ...oauth }).OAUTH_TOKEN_LIFETIME_SECONDS).toBe(3600);
    expect(loadConfig({ ...base, ...oauth, OAUTH_TOKEN_LIFETIME_SECONDS: '21600' }).OAUTH_TOKEN_LIFETIME_SECONDS).toBe(21_600);
  });

  it('names the key of each problem and never echoes the secret', () => {
    expect(problems({ ...base, OAUTH_CLIENT_ID: 'entra' })).toEqual([expect.stringMatching(/^OAUTH_CLIENT_SECRET is required with OAUTH_CLIENT_ID/)]);
    expect(problems({ ...base, OAUTH_CLIENT_SECRET: SECRET })).toEqual([expect.stringMatching(/^OAUTH_CLIENT_ID is required/)]);
    const short = problems({ ...base, ...oauth, OAUTH_CLIENT_SECRET: 'too-short-secret' });
    expect(short[0]).toMatch(/^OAUTH_CLIENT_SECRET must be at least 32 characters/);
    expect(short.join('\n')).not.toContain('too-short-secret');
    for (const lifetime of ['3599', '21601', 'an hour']) {
      expect(problems({ ...base, ...oauth, OAUTH_TOKEN_LIFETIME_SECONDS: lifetime })[0], lifetime).toMatch(/^OAUTH_TOKEN_LIFETIME_SECONDS/);
    }
  });

  it('needs issuer, audience and exactly one key source for IdP-signed tokens', () => {
    expect(problems({ ...base, ...oidc })).toEqual([]);
    expect(problems({ ...base, ...oidc, OIDC_AUDIENCE: undefined })).toEqual([expect.stringMatching(/^OIDC_AUDIENCE is required/)]);
    expect(problems({ ...base, OIDC_JWKS_URL: oidc.OIDC_JWKS_URL }).join('\n')).toMatch(/^OIDC_ISSUER is required/m);
    expect(problems({ ...base, ...oidc, OIDC_JWKS_URL: undefined })).toEqual([expect.stringMatching(/^OIDC_JWKS_URL or OIDC_PUBLIC_KEYS_FILE/)]);
    expect(problems({ ...base, ...oidc, OIDC_PUBLIC_KEYS_FILE: '/etc/keys.json' })).toEqual([expect.stringMatching(/^OIDC_JWKS_URL or OIDC_PUBLIC_KEYS_FILE/)]);
  });

  it('takes the JWKS over https only, loopback excepted', () => {
    expect(problems({ ...base, ...oidc, OIDC_JWKS_URL: 'http://idp.example.com/keys' })[0]).toMatch(/^OIDC_JWKS_URL must be an https URL/);
    expect(problems({ ...base, ...oidc, OIDC_JWKS_URL: 'http://127.0.0.1:9000/keys' })).toEqual([]);
  });
});

describe('OAuth in the running server', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function configFor(env: Record<string, string>) {
    const sim = createSimulator({ seedUsers: 1 });
    cleanups.push(() => sim.close());
    const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-oauth-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return {
      dir,
      config: loadConfig({
        JAMF_URL: await sim.listen(),
        JAMF_CLIENT_ID: sim.clientId,
        JAMF_CLIENT_SECRET: sim.clientSecret,
        SCIM_BEARER_TOKENS: 'runtime-oauth-token-0123456789',
        PORT: '0',
        HOST: '127.0.0.1',
        STATE_URL: join(dir, 'state.db'),
        ...env,
      }),
    };
  }

  it('serves the token endpoint from OAUTH_* and accepts its tokens on /scim/v2', async () => {
    const { config } = await configFor({ ...oauth, OAUTH_TOKEN_LIFETIME_SECONDS: '7200' });
    const running = await startServer(config, pino({ level: 'silent' }));
    cleanups.push(() => running.stop());
    const res = await request(`${running.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'entra', client_secret: SECRET }).toString(),
    });
    expect(res.statusCode).toBe(200);
    const body = (await res.body.json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(7200);
    const users = await request(`${running.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(users.statusCode).toBe(200);
    await users.body.dump();
  });

  it('stops at start on a TLS or key file that cannot be read, naming the key and not the path', async () => {
    const { config, dir } = await configFor({ TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: '/nonexistent/key.pem' });
    const started = startServer(config, pino({ level: 'silent' }));
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(/TLS_CERT_FILE could not be read \(ENOENT\)/);
    await expect(started).rejects.not.toThrow(/nonexistent/);
    const missingKeys = startServer((await configFor({ OIDC_ISSUER: 'https://idp.example.com', OIDC_AUDIENCE: 'scim', OIDC_PUBLIC_KEYS_FILE: join(dir, 'none.json') })).config, pino({ level: 'silent' }));
    await expect(missingKeys).rejects.toThrow(/OIDC_PUBLIC_KEYS_FILE could not be read \(ENOENT\)/);
  });

  it('stops at start on an OIDC_PUBLIC_KEYS_FILE that is not a public JWKS, naming the key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const probe = await configFor({});
    const file = join(probe.dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ keys: [await exportJWK(privateKey)] }));
    const { config } = await configFor({ OIDC_ISSUER: 'https://idp.example.com', OIDC_AUDIENCE: 'scim', OIDC_PUBLIC_KEYS_FILE: file });
    const started = startServer(config, pino({ level: 'silent' }));
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(/OIDC_PUBLIC_KEYS_FILE must hold public keys only/);
  });
});
