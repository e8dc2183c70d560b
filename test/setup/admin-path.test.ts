import { readFile, stat, writeFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig, readEnvironment } from '../../src/config.js';
import { createJamfClient } from '../../src/jamf/index.js';
import { jamfClientOptions } from '../../src/jamf-client-config.js';
import { REQUIRED_PRIVILEGES } from '../../src/setup/provision.js';
import { ADMIN_PASSWORD, adminFlags, occurrences, setup, useHarness } from './support.js';

const env = { JAMF_ADMIN_PASSWORD: ADMIN_PASSWORD };
const mode = async (path: string) => (await stat(path)).mode & 0o777;
const readEnv = async (path: string) => parseEnv(await readFile(path, 'utf8')) as Record<string, string>;

describe('npm run setup with a Jamf Pro administrator account (--yes)', () => {
  const harness = useHarness();

  it('creates the role and client, writes a 0600 .env the server starts from, and the check passes', async () => {
    const h = await harness();
    const run = await setup(adminFlags(h), env);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('All checks passed');

    const { roles, integrations } = h.sim.state.apiAccess;
    expect([...roles.values()].map((r) => [r.displayName, [...r.privileges].sort()])).toEqual([['jamf-scim', [...REQUIRED_PRIVILEGES].sort()]]);
    const client = [...integrations.values()];
    expect(client.map((c) => [c.displayName, c.authorizationScopes, c.enabled])).toEqual([['jamf-scim', ['jamf-scim'], true]]);

    expect(await mode(h.envFile)).toBe(0o600);
    const written = await readEnv(h.envFile);
    expect(written['JAMF_URL']).toBe(h.url);
    expect(written['JAMF_CLIENT_ID']).toBe(client[0]?.clientId);
    expect(written['JAMF_CLIENT_SECRET']).toBe(client[0]?.clientSecret);
    const scimToken = /^okta:([A-Za-z0-9_-]{43})$/.exec(written['SCIM_BEARER_TOKENS'] ?? '')?.[1] as string;
    expect(scimToken).toBeDefined();

    // The one secret printed is the SCIM token, once, for the IdP; never the client secret or the password.
    expect(occurrences(run.output, scimToken)).toBe(1);
    expect(run.output).not.toContain(written['JAMF_CLIENT_SECRET']);
    expect(run.output).not.toContain(ADMIN_PASSWORD);
    expect(run.output).toContain(`Base URL: http://localhost:8080/scim/v2`);
    expect(run.output).toContain('Unique identifier field for users: userName');

    // The server's own config loads from it, and its client signs in.
    const config = loadConfig(readEnvironment({}, h.envFile));
    const jamf = createJamfClient({ ...jamfClientOptions(config), logger: pino({ level: 'silent' }), retries: 0 });
    try {
      await jamf.checkToken();
      expect((await jamf.listUsers()).length).toBeGreaterThan(0);
    } finally {
      await jamf.close();
    }
  });

  it('reuses the role and client on a re-run, keeps the secret and the SCIM token, and corrects the role', async () => {
    const h = await harness();
    expect((await setup(adminFlags(h), env)).code).toBe(0);
    const first = await readEnv(h.envFile);

    // Someone edits the role in Jamf Pro.
    const role = [...h.sim.state.apiAccess.roles.values()][0];
    if (role) role.privileges = ['Read User', 'Delete Computers'];

    const again = await setup(adminFlags(h), env);
    expect(again.code, again.output).toBe(0);
    expect(h.sim.state.apiAccess.roles.size).toBe(1);
    expect(h.sim.state.apiAccess.integrations.size).toBe(1);
    expect([...(role?.privileges ?? [])].sort()).toEqual([...REQUIRED_PRIVILEGES].sort());
    expect(again.output).toContain('removed Delete Computers');
    expect(again.output).toContain('Reusing the API client jamf-scim');

    const second = await readEnv(h.envFile);
    expect(second).toEqual(first);
    expect(again.output).toContain('already in SCIM_BEARER_TOKENS');
    expect(again.output).not.toContain(first['SCIM_BEARER_TOKENS']?.slice('okta:'.length));
    expect(await mode(`${h.envFile}.bak`)).toBe(0o600);
  });

  it('--rotate-secret gives the client a new secret and the old one stops working', async () => {
    const h = await harness();
    await setup(adminFlags(h), env);
    const before = await readEnv(h.envFile);
    const run = await setup(adminFlags(h, '--rotate-secret'), env);
    expect(run.code, run.output).toBe(0);
    const after = await readEnv(h.envFile);
    expect(after['JAMF_CLIENT_ID']).toBe(before['JAMF_CLIENT_ID']);
    expect(after['JAMF_CLIENT_SECRET']).not.toBe(before['JAMF_CLIENT_SECRET']);
    const old = await h.sim.app.inject({
      method: 'POST',
      url: '/api/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: before['JAMF_CLIENT_ID'] ?? '', client_secret: before['JAMF_CLIENT_SECRET'] ?? '' }).toString(),
    });
    expect(old.statusCode).toBe(400);
  });

  it('refuses to rotate unasked when the env file has no working secret for an existing client', async () => {
    const h = await harness();
    await setup(adminFlags(h), env);
    await writeFile(h.envFile, 'LOG_LEVEL=debug\n', { mode: 0o600 });
    const run = await setup(adminFlags(h), env);
    expect(run.code).toBe(2);
    expect(run.output).toContain('rerun with --rotate-secret');
    expect(await readFile(h.envFile, 'utf8')).toBe('LOG_LEVEL=debug\n');
  });

  it('keeps the keys and comments of an existing .env and backs the old one up 0600', async () => {
    const h = await harness();
    const old = '# my settings\nLOG_LEVEL=debug\nJAMF_URL=https://old.example.com\nPORT=9443\nSCIM_BEARER_TOKENS=entra:bbbbbbbbbbbbbbbbbbbbbbbb\n';
    await writeFile(h.envFile, old, { mode: 0o644 });
    const run = await setup(adminFlags(h), env);
    expect(run.code, run.output).toBe(0);
    const text = await readFile(h.envFile, 'utf8');
    expect(text.startsWith('# my settings\nLOG_LEVEL=debug\n')).toBe(true);
    const values = parseEnv(text) as Record<string, string>;
    expect(values['PORT']).toBe('9443');
    expect(values['JAMF_URL']).toBe(h.url);
    expect(values['SCIM_BEARER_TOKENS']).toMatch(/^entra:b{24},okta:[A-Za-z0-9_-]{43}$/);
    expect(await mode(h.envFile)).toBe(0o600);
    expect(await readFile(`${h.envFile}.bak`, 'utf8')).toBe(old);
    expect(await mode(`${h.envFile}.bak`)).toBe(0o600);
    expect(run.output).toContain('http://localhost:9443/scim/v2');
  });
});
