import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { formatCheck, runConnectionCheck } from '../../src/check/connection-check.js';
import { createJamfClient, type JamfClient } from '../../src/jamf/index.js';
import { DEFAULT_PRIVILEGES, createSimulator, type Simulator } from '../../src/simulator/index.js';
import type { TokenPaths } from '../../src/simulator/types.js';

describe('connection check (npm run check)', () => {
  let sim: Simulator;
  let jamf: JamfClient;
  afterEach(async () => {
    await jamf.close();
    await sim.close();
  });

  async function check(
    opts: { privileges?: string[]; secret?: string; leavesUser?: boolean; tokenPaths?: TokenPaths; tokenPath?: string; urlSuffix?: string } = {},
  ) {
    sim = createSimulator({
      seedUsers: 2,
      seedGroups: 1,
      ...(opts.privileges ? { privileges: opts.privileges } : {}),
      ...(opts.tokenPaths ? { tokenPaths: opts.tokenPaths } : {}),
    });
    const baseUrl = await sim.listen();
    const configured = opts.tokenPath ?? '/api/v1/oauth/token';
    jamf = createJamfClient({
      baseUrl: `${baseUrl}${opts.urlSuffix ?? ''}`,
      clientId: sim.clientId,
      clientSecret: opts.secret ?? sim.clientSecret,
      tokenPath: configured,
      logger: pino({ level: 'silent' }),
      retries: 0,
    });
    const before = { users: sim.state.users.size, groups: sim.state.groups.size };
    const steps = await runConnectionCheck({ jamf, checkToken: () => jamf.checkToken(), tokenPath: { configured, answered: () => jamf.tokenPath() } });
    // Whatever happened, the check leaves nothing behind in Jamf.
    const leftUsers = opts.leavesUser ? 1 : 0;
    expect({ users: sim.state.users.size, groups: sim.state.groups.size }).toEqual({ ...before, users: before.users + leftUsers });
    return steps;
  }

  it('removes the test user and group a stopped earlier check left, and says so', async () => {
    sim = createSimulator({ seedUsers: 1 });
    const baseUrl = await sim.listen();
    const userId = sim.addUser({ name: 'jamf-scim-connection-check-0badf00d' });
    sim.addGroup({ name: 'jamf-scim-connection-check-0badf00d', memberIds: [userId] });
    jamf = createJamfClient({ baseUrl, clientId: sim.clientId, clientSecret: sim.clientSecret, logger: pino({ level: 'silent' }), retries: 0 });
    const steps = await runConnectionCheck({ jamf, checkToken: () => jamf.checkToken() });
    expect(steps.filter((s) => !s.ok)).toEqual([]);
    expect(steps.find((s) => s.name === 'Remove what an earlier check left')?.detail).toBe(
      'deleted user jamf-scim-connection-check-0badf00d, group jamf-scim-connection-check-0badf00d',
    );
    expect([...sim.state.users.values()].map((u) => u.name).filter((n) => n.startsWith('jamf-scim-connection-check-'))).toEqual([]);
    expect(sim.state.groups.size).toBe(0);
    // Counted as a person would write them; without an OAuth token path the check names the password sign-in.
    expect(steps.find((s) => s.name === 'Read users')?.detail).toBe('2 users');
    expect(steps[0]?.detail).toBe('the Jamf Pro user name and password work');
  });

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
    expect(steps[0]?.detail).toBe('the API client credentials work (token from POST /api/v1/oauth/token)');
  });

  it('says which token path answered when the configured one is not served', async () => {
    const steps = await check({ tokenPaths: 'legacy-only' });
    expect(steps.filter((s) => !s.ok)).toEqual([]);
    expect(steps[0]?.detail).toBe(
      'the API client credentials work (token from POST /api/oauth/token); /api/v1/oauth/token answered 404, set JAMF_TOKEN_PATH=/api/oauth/token to skip it',
    );
  });

  it('says both token paths answered 404 and points at JAMF_URL when neither is served there', async () => {
    const steps = await check({ urlSuffix: '/not-jamf' });
    expect(steps[0]?.ok).toBe(false);
    expect(steps[0]?.detail).toMatch(/^Jamf Pro answered 404 at both token paths \(\/api\/v1\/oauth\/token, \/api\/oauth\/token\): check JAMF_URL/);
    expect(steps.slice(1).every((s) => s.detail === 'not tried: no token')).toBe(true);
  });

  it('names every privilege missing from the API role, not only the first', async () => {
    const steps = await check({ privileges: ['Read User', 'Read Static User Groups', 'Create User', 'Delete User'] });
    expect(steps.filter((s) => !s.ok).map((s) => [s.name, s.detail])).toEqual([
      ['Update a user', 'add the privilege "Update User" to the API role'],
      ['Create a static user group', 'add the privilege "Create Static User Groups" to the API role'],
      ['Update a static user group', 'not tried: no test group'],
      ['Delete a static user group', 'not tried: no test group'],
    ]);
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
