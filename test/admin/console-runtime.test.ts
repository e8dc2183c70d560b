/** The console as `startServer` wires it: status from the real Jamf client, health and config, history from its calls. */
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/simulator/index.js';
import { startRuntime, type Cleanups } from '../runtime-support.js';
import { ADMIN_TOKEN, SCIM_TOKEN, USER_SCHEMA } from './support.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('admin console in the running server', () => {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('shows the configured Jamf URL, the package version and the traffic of this minute', async () => {
    const sim = createSimulator();
    cleanups.push(() => sim.close());
    const running = await startRuntime(sim, cleanups, SCIM_TOKEN, { ADMIN_TOKEN });
    cleanups.push(() => running.stop());
    const created = await request(`${running.url}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'alice@example.com' }),
    });
    expect(created.statusCode).toBe(201);
    await created.body.dump();

    const signIn = await request(`${running.url}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    expect(signIn.statusCode).toBe(200);
    await signIn.body.dump();
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] as string;
    const get = async (path: string) => {
      const res = await request(`${running.url}${path}`, { headers: { cookie } });
      expect(res.statusCode, path).toBe(200);
      return res.body.json() as Promise<Record<string, unknown>>;
    };

    const status = (await get('/admin/api/status')) as { version: string; jamf: { url: string; reachable: unknown; tokenPath: string; queue: { limit: number } } };
    expect(status.version).toBe(VERSION);
    expect(status.jamf).toMatchObject({ url: expect.stringMatching(/^http:\/\/(127\.0\.0\.1|localhost):\d+/), reachable: true, tokenPath: '/api/v1/oauth/token', queue: { limit: expect.any(Number) } });
    const { minutes } = (await get('/admin/api/history')) as { minutes: Array<{ scimRequests: number; jamfCalls: number }> };
    const total = minutes.reduce((sum, m) => ({ scimRequests: sum.scimRequests + m.scimRequests, jamfCalls: sum.jamfCalls + m.jamfCalls }), { scimRequests: 0, jamfCalls: 0 });
    expect(total.scimRequests).toBe(1);
    expect(total.jamfCalls).toBeGreaterThan(0);

    const page = await request(`${running.url}/admin/`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    await page.body.dump();
  });
});
