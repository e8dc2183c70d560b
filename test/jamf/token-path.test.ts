/**
 * Both OAuth token spellings are in use (jamf-pro-api.md §1.1, §11): the client tries the
 * configured one, falls back on 404, and keeps what answered for every later token request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { failure } from './helpers.js';
import { startSimClient, type SimClient } from './sim-client.js';

const V1 = 'POST /api/v1/oauth/token';
const LEGACY = 'POST /api/oauth/token';

let h: SimClient | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('token path', () => {
  it('falls back to /api/oauth/token when /api/v1/oauth/token answers 404, and keeps it for refreshes', async () => {
    h = await startSimClient({ sim: { tokenPaths: 'legacy-only' } });
    const id = h.sim.addUser({ name: 'jdoe' });
    expect((await h.client.getUser(id))?.name).toBe('jdoe');
    expect(h.client.tokenPath()).toBe('/api/oauth/token');

    h.sim.expireTokens();
    expect((await h.client.getUser(id))?.name).toBe('jdoe');
    // The v1 spelling was asked once, at the first token; the refresh went straight to the one that works.
    expect(h.sim.counters()[V1]).toBe(1);
    expect(h.sim.counters()[LEGACY]).toBe(2);
    const warning = h.log.lines.find((l) => typeof l['msg'] === 'string' && l['msg'].startsWith('jamf token path'));
    expect(warning?.['msg']).toBe(
      'jamf token path /api/v1/oauth/token answered 404; /api/oauth/token answers and is used from now on (set JAMF_TOKEN_PATH=/api/oauth/token to skip the 404)',
    );
  });

  it('falls back to /api/v1/oauth/token when the configured /api/oauth/token is not served', async () => {
    h = await startSimClient({ sim: { tokenPaths: 'v1-only' }, client: { tokenPath: '/api/oauth/token' } });
    await h.client.checkToken();
    expect(h.client.tokenPath()).toBe('/api/v1/oauth/token');
    expect(h.sim.counters()).toMatchObject({ [LEGACY]: 1, [V1]: 1 });
  });

  it('asks the configured path only, when it answers', async () => {
    h = await startSimClient({ sim: { tokenPaths: 'both' } });
    await h.client.checkToken();
    expect(h.client.tokenPath()).toBe('/api/v1/oauth/token');
    expect(h.sim.counters()[LEGACY]).toBeUndefined();
  });

  it('does not try the other spelling when the endpoint refuses the credentials', async () => {
    h = await startSimClient({ client: { clientSecret: 'not-the-secret' } });
    const err = await failure(h.client.checkToken());
    expect(err.kind).toBe('unauthorized');
    expect(h.sim.counters()[LEGACY]).toBeUndefined();
  });

  it('says both paths answered 404 and points at JAMF_URL when neither is served there', async () => {
    // A JAMF_URL with a path prefix this Jamf Pro does not have: every route is 404.
    h = await startSimClient({ urlSuffix: '/jamf' });
    const err = await failure(h.client.listUsers());
    expect(err.kind).toBe('unauthorized');
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/^Jamf Pro answered 404 at both token paths \(\/api\/v1\/oauth\/token, \/api\/oauth\/token\): check JAMF_URL/);
    expect(h.sim.totalCalls()).toBe(0);
  });

  it('answers the unserved spelling with the 404 of an unknown route', async () => {
    h = await startSimClient({ sim: { tokenPaths: 'v1-only' } });
    const res = await fetch(`${h.baseUrl}/api/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: h.sim.clientId, client_secret: h.sim.clientSecret }).toString(),
    });
    const unknown = await fetch(`${h.baseUrl}/api/v1/no-such-route`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual(await unknown.json());
  });
});
