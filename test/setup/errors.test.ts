import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIVILEGES } from '../../src/simulator/index.js';
import { ADMIN_PASSWORD, adminFlags, setup, useHarness } from './support.js';

/** A loopback port nothing listens on: the OS hands one out, and it is closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('npm run setup: what it says when it cannot finish', () => {
  const harness = useHarness();

  it('a wrong admin password: exit 1, the 401 explained, nothing written', async () => {
    const h = await harness();
    const run = await setup(adminFlags(h), { JAMF_ADMIN_PASSWORD: 'wrong-password' });
    expect(run.code).toBe(1);
    expect(run.output).toContain('Jamf Pro refused the user name or password of admin (401)');
    expect(run.output).toContain('SSO-only accounts cannot use the API');
    expect(run.output).not.toContain('wrong-password');
    expect(existsSync(h.envFile)).toBe(false);
  });

  it('an account without the privilege to create API roles: exit 1 naming the privilege', async () => {
    const h = await harness({ accountPrivileges: ['Read API Roles', 'Read API Integrations'] });
    const run = await setup(adminFlags(h), { JAMF_ADMIN_PASSWORD: ADMIN_PASSWORD });
    expect(run.code).toBe(1);
    expect(run.output).toContain('Jamf Pro refused POST /api/v1/api-roles (403): the account admin lacks the privilege "Create API Roles"');
    expect(h.sim.state.apiAccess.roles.size).toBe(0);
    expect(existsSync(h.envFile)).toBe(false);
  });

  it('a Jamf Pro older than 10.49: exit 1, pointing to JAMF_USERNAME/JAMF_PASSWORD', async () => {
    const h = await harness({ version: '10.48.0' });
    const run = await setup(adminFlags(h), { JAMF_ADMIN_PASSWORD: ADMIN_PASSWORD });
    expect(run.code).toBe(1);
    expect(run.output).toContain('Jamf Pro 10.48.0-t1784555528405 has no API roles and clients (they came with 10.49)');
    expect(run.output).toContain('set JAMF_USERNAME and JAMF_PASSWORD');
  });

  it('an unreachable URL: exit 1 saying so', async () => {
    const h = await harness();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await setup(['--yes', '--jamf-url', url, '--admin-user', 'admin', '--env-file', h.envFile], { JAMF_ADMIN_PASSWORD: ADMIN_PASSWORD });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`cannot reach Jamf Pro at ${url} (ECONNREFUSED)`);
  });

  it('bad usage is exit 2: a missing answer with --yes, a secret as a flag, both paths at once, a bad URL', async () => {
    const h = await harness();
    const noPath = await setup(['--yes', '--jamf-url', h.url, '--env-file', h.envFile]);
    expect(noPath).toMatchObject({ code: 2 });
    expect(noPath.output).toContain('--admin-user or --client-id is required with --yes');

    const noPassword = await setup(adminFlags(h));
    expect(noPassword.code).toBe(2);
    expect(noPassword.output).toContain('JAMF_ADMIN_PASSWORD is required with --yes');

    const secretFlag = await setup([...adminFlags(h), '--client-secret', 'x']);
    expect(secretFlag.code).toBe(2);
    expect(secretFlag.output).toContain('never from a flag');

    const both = await setup(['--admin-user', 'a', '--client-id', 'b']);
    expect(both.code).toBe(2);

    const badUrl = await setup(['--yes', '--jamf-url', 'https://example.jamfcloud.com/JSSResource', '--admin-user', 'admin'], { JAMF_ADMIN_PASSWORD: 'x' });
    expect(badUrl.code).toBe(2);
    expect(badUrl.output).toContain("must be Jamf Pro's base URL");

    const withPassword = await setup(['--yes', '--jamf-url', 'https://admin:hunter2@example.jamfcloud.com', '--admin-user', 'admin'], { JAMF_ADMIN_PASSWORD: 'x' });
    expect(withPassword.code).toBe(2);
    expect(withPassword.output).toContain('must not hold a user name or password');
    expect(withPassword.output).not.toContain('hunter2');
    expect(existsSync(h.envFile)).toBe(false);
  });

  it('an existing API client: its credentials are checked before anything is written', async () => {
    const h = await harness();
    const flags = ['--yes', '--jamf-url', h.url, '--client-id', h.sim.clientId, '--env-file', h.envFile];
    const refused = await setup(flags, { JAMF_CLIENT_SECRET: 'not-the-secret' });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`Jamf Pro refused the client id ${h.sim.clientId} with that secret`);
    expect(existsSync(h.envFile)).toBe(false);

    const ok = await setup(flags, { JAMF_CLIENT_SECRET: h.sim.clientSecret });
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).not.toContain(h.sim.clientSecret);
    expect(ok.output).toContain('SCIM base URL: http://localhost:8080/scim/v2');
  });

  it('a failing connection check: exit 1 naming the privilege, the env file still written', async () => {
    const h = await harness({ privileges: DEFAULT_PRIVILEGES.filter((p) => p !== 'Delete User') });
    const run = await setup(['--yes', '--jamf-url', h.url, '--client-id', h.sim.clientId, '--env-file', h.envFile], { JAMF_CLIENT_SECRET: h.sim.clientSecret });
    expect(run.code).toBe(1);
    expect(run.output).toContain('add the privilege "Delete User" to the API role');
    expect(existsSync(h.envFile)).toBe(true);
  });
});
