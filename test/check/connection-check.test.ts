import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { formatCheck, runConnectionCheck } from '../../src/check/connection-check.js';
import { createJamfClient, type JamfClient } from '../../src/jamf/index.js';
import { DEFAULT_PRIVILEGES, createSimulator, type Simulator } from '../../src/simulator/index.js';

describe('connection check (npm run check)', () => {
  let sim: Simulator;
  let jamf: JamfClient;
  afterEach(async () => {
    await jamf.close();
    await sim.close();
  });

  async function check(opts: { privileges?: string[]; secret?: string; leavesUser?: boolean } = {}) {
    sim = createSimulator({ seedUsers: 2, seedGroups: 1, ...(opts.privileges ? { privileges: opts.privileges } : {}) });
    const baseUrl = await sim.listen();
    jamf = createJamfClient({
      baseUrl,
      clientId: sim.clientId,
      clientSecret: opts.secret ?? sim.clientSecret,
      logger: pino({ level: 'silent' }),
      retries: 0,
    });
    const before = { users: sim.state.users.size, groups: sim.state.groups.size };
    const steps = await runConnectionCheck({ jamf, checkToken: () => jamf.checkToken() });
    // Whatever happened, the check leaves nothing behind in Jamf.
    const leftUsers = opts.leavesUser ? 1 : 0;
    expect({ users: sim.state.users.size, groups: sim.state.groups.size }).toEqual({ ...before, users: before.users + leftUsers });
    return steps;
  }

  it('passes every step with the privileges the README lists', async () => {
    const steps = await check();
    expect(steps.filter((s) => !s.ok)).toEqual([]);
    expect(steps.map((s) => s.name)).toEqual([
      'Obtain a token',
      'Read the Jamf Pro version',
      'Read users',
      'Read static user groups',
      'Create a user',
      'Update a user',
      'Create a static user group',
      'Update a static user group',
      'Delete a static user group',
      'Delete a user',
    ]);
    expect(formatCheck(steps)).toContain('All checks passed');
  });

  it('names the exact privilege to add when the API role lacks one', async () => {
    const steps = await check({ privileges: DEFAULT_PRIVILEGES.filter((p) => p !== 'Update Static User Groups') });
    const failed = steps.filter((s) => !s.ok);
    expect(failed).toEqual([
      { name: 'Update a static user group', ok: false, detail: 'add the privilege "Update Static User Groups" to the API role' },
    ]);
    expect(formatCheck(steps)).toMatch(/FAIL\s+Update a static user group\s+add the privilege "Update Static User Groups"/);
  });

  it('reports a missing Delete User privilege and names the test user to remove by hand', async () => {
    const steps = await check({ privileges: DEFAULT_PRIVILEGES.filter((p) => p !== 'Delete User'), leavesUser: true });
    const failed = steps.filter((s) => !s.ok);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.name).toBe('Delete a user');
    expect(failed[0]?.detail).toMatch(/^add the privilege "Delete User" to the API role; delete the test user jamf-scim-connection-check-[0-9a-f]{8} \(id \d+\) in Jamf Pro by hand$/);
  });

  it('stops after the token step when the credentials are wrong, without leaking the secret', async () => {
    const steps = await check({ secret: 'definitely-wrong-secret' });
    expect(steps[0]).toMatchObject({ name: 'Obtain a token', ok: false });
    expect(steps.slice(1).every((s) => !s.ok && s.detail === 'not tried: no token')).toBe(true);
    expect(formatCheck(steps)).not.toContain('definitely-wrong-secret');
  });
});
