/**
 * What an administrator sees when the API role lacks a privilege, with the server wired as in
 * production (src/runtime.ts): the SCIM answer, `/readyz`, `/metrics` and the log name it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Running } from '../src/runtime.js';
import { DEFAULT_PRIVILEGES, createSimulator, type Simulator } from '../src/simulator/index.js';
import { captureLogs } from './helper.js';
import { startRuntime } from './runtime-support.js';

const TOKEN = 'missing-privilege-test-token-0123';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
const MESSAGE = 'Jamf Pro refused this server\'s API client the privilege "Update User" (PUT /JSSResource/users/id/:id): add it to the API role';

describe('a privilege missing from the API role', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function start(sim: Simulator): Promise<{ running: Running; lines: string[] }> {
    cleanups.push(() => sim.close());
    const logs = captureLogs('info');
    const running = await startRuntime(sim, cleanups, TOKEN, {}, logs.logger);
    cleanups.push(() => running.stop());
    return { running, lines: logs.lines };
  }

  it('is named in the 502, in /readyz (which stays ready), in /metrics and in the log', async () => {
    const sim = createSimulator({ privileges: DEFAULT_PRIVILEGES.filter((p) => p !== 'Update User') });
    const id = sim.addUser({ name: 'ada@example.com', fullName: 'Ada Lovelace' });
    const { running, lines } = await start(sim);
    const app = running.app;

    const patch = await app.inject({
      method: 'PATCH',
      url: `/scim/v2/Users/${id}`,
      headers: auth,
      payload: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Countess' }] },
    });
    expect(patch.statusCode).toBe(502);
    expect(patch.json()).toMatchObject({ status: '502', detail: MESSAGE });

    // Reads need "Read User", which the role has: they still work.
    expect((await app.inject({ url: `/scim/v2/Users/${id}`, headers: auth })).statusCode).toBe(200);

    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      jamf: { reachable: true, missingPrivileges: [{ privilege: 'Update User', calls: ['PUT /JSSResource/users/id/:id'], since: expect.any(String) }] },
    });

    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/^jamf_missing_privilege\{privilege="Update User"\} 1$/m);

    const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 50);
    expect(errors.map((l) => l.msg)).toEqual([MESSAGE]);

    // The administrator adds the privilege: the next change goes through and the warnings clear.
    sim.setKnobs({ privileges: DEFAULT_PRIVILEGES });
    const again = await app.inject({
      method: 'PATCH',
      url: `/scim/v2/Users/${id}`,
      headers: auth,
      payload: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Countess' }] },
    });
    expect(again.statusCode).toBe(200);
    expect((await app.inject({ url: '/readyz' })).json().jamf.missingPrivileges).toBeUndefined();
    expect((await app.inject({ url: '/metrics' })).body).not.toMatch(/^jamf_missing_privilege\{/m);
  });
});
