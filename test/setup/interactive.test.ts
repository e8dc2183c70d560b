import { readFile } from 'node:fs/promises';
import { PassThrough, Writable } from 'node:stream';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runSetup } from '../../src/setup/wizard.js';
import { ADMIN_PASSWORD, adminFlags, setup, useHarness } from './support.js';

const readEnv = async (path: string) => parseEnv(await readFile(path, 'utf8')) as Record<string, string>;

/**
 * A person at the prompt: each answer is typed only once its question is on screen, so the test
 * also pins the order of the questions.
 */
async function converse(argv: string[], script: Array<[prompt: string, answer: string]>, tty = false) {
  const input = new PassThrough();
  // A terminal: readline draws what is typed itself (and would put a real one in raw mode).
  if (tty) Object.assign(input, { isTTY: true, setRawMode: () => input });
  let output = '';
  let next = 0;
  /** Where the text after the last answered question starts. */
  let from = 0;
  const out = new Writable({
    write(chunk, _enc, done) {
      output += String(chunk);
      const step = script[next];
      // A question is complete once its line ends in ": " and waits for input.
      if (step && output.endsWith(': ') && output.indexOf(step[0], from) >= 0) {
        from = output.length;
        next++;
        input.write(`${step[1]}\n`);
      }
      done();
    },
  });
  const code = await runSetup({ argv, env: {}, input, output: out, sleep: async () => {} });
  input.end();
  return { code, output, answered: next };
}

describe('npm run setup at the prompt', () => {
  const harness = useHarness();

  it('asks for the URL, the account, its password (not echoed), the IdP and the public URL', async () => {
    const h = await harness();
    const run = await converse(
      ['--env-file', h.envFile],
      [
        ['Jamf Pro URL', h.url],
        ['Create the API role and client with a Jamf Pro administrator account?', ''],
        ['Jamf Pro administrator user name', 'admin'],
        ['Password of admin', ADMIN_PASSWORD],
        ['Which IdP will use the SCIM token?', 'okta'],
        ['SCIM base URL the IdP will call', 'https://scim.example.com'],
      ],
    );
    expect(run.code, run.output).toBe(0);
    expect(run.answered).toBe(6);
    expect(run.output).not.toContain(ADMIN_PASSWORD);
    expect(run.output).toContain('Base URL: https://scim.example.com/scim/v2');
    expect((await readEnv(h.envFile))['SCIM_BEARER_TOKENS']).toMatch(/^okta:/);
    expect(h.sim.state.apiAccess.integrations.size).toBe(1);
  });

  it('on a terminal, echoes what is typed except the password', async () => {
    const h = await harness();
    const run = await converse(
      ['--env-file', h.envFile],
      [
        ['Jamf Pro URL', h.url],
        ['Create the API role and client with a Jamf Pro administrator account?', 'y'],
        ['Jamf Pro administrator user name', 'admin-typed'],
        ['Password of admin-typed', 'typed-secret-password'],
      ],
      true,
    );
    expect(run.code).toBe(1);
    expect(run.output).toContain('admin-typed');
    expect(run.output).not.toContain('typed-secret-password');
    expect(run.output).toContain('refused the user name or password of admin-typed');
  });

  it('asks before giving an existing client a new secret, and keeps it on "no"', async () => {
    const h = await harness();
    expect((await setup(adminFlags(h), { JAMF_ADMIN_PASSWORD: ADMIN_PASSWORD })).code).toBe(0);
    const before = await readEnv(h.envFile);
    const run = await converse(
      ['--env-file', h.envFile],
      [
        ['Jamf Pro URL', ''],
        ['Create the API role and client with a Jamf Pro administrator account?', 'y'],
        ['Jamf Pro administrator user name', 'admin'],
        ['Password of admin', ADMIN_PASSWORD],
        ['Give the API client jamf-scim a new secret anyway?', ''],
        ['Which IdP will use the SCIM token?', 'okta'],
        ['SCIM base URL the IdP will call', ''],
      ],
    );
    expect(run.code, run.output).toBe(0);
    expect(run.answered).toBe(7);
    expect(await readEnv(h.envFile)).toEqual(before);
    expect(h.sim.state.apiAccess.integrations.size).toBe(1);
  });

  it('takes an existing API client: its secret is asked, not echoed', async () => {
    const h = await harness();
    const run = await converse(
      ['--env-file', h.envFile],
      [
        ['Jamf Pro URL', `${h.url}/`],
        ['Create the API role and client with a Jamf Pro administrator account?', 'n'],
        ['API client id', h.sim.clientId],
        ['API client secret', h.sim.clientSecret],
        ['Which IdP will use the SCIM token?', 'entra'],
        ['SCIM base URL the IdP will call', ''],
      ],
    );
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toContain(h.sim.clientSecret);
    expect(run.output).toContain('Tenant URL: http://localhost:8080/scim/v2?aadOptscim062020');
    const written = await readEnv(h.envFile);
    // The trailing slash typed is dropped, as the server's config does.
    expect(written['JAMF_URL']).toBe(h.url);
    expect(written['JAMF_CLIENT_ID']).toBe(h.sim.clientId);
    expect(h.sim.state.apiAccess.integrations.size).toBe(0);
  });

  it('input that ends before the questions do is a usage error (exit 2)', async () => {
    const h = await harness();
    const run = await setup(['--env-file', h.envFile], {}, [h.url]);
    expect(run.code).toBe(2);
    expect(run.output).toContain('the input ended before every question was answered');
  });
});
