import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, runEntry } from './cli-support.js';
import { createSimulator, type Simulator } from '../src/simulator/index.js';

/** Runs one of the package's entry points the way `npm run …` does, in an empty directory (no .env). */
const run = (script: string, env: Record<string, string>, cwd: string): ChildProcess => runEntry(script, [], cwd, env);

describe('command-line entry points', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const tempDir = () => {
    // Each directory its own cleanup: a test that makes two must not remove only the last.
    const made = mkdtempSync(join(tmpdir(), 'jamf-scim-cli-'));
    cleanups.push(() => rmSync(made, { recursive: true, force: true }));
    return made;
  };

  it('npm start refuses to start without configuration and names the missing keys', async () => {
    const { code, err } = await finish(run('src/server.ts', {}, tempDir()));
    expect(code).toBe(1);
    expect(err).toContain('JAMF_URL is required');
    expect(err).toContain('SCIM_BEARER_TOKENS');
    expect(err).toContain('JAMF_CLIENT_ID');
  });

  it('npm run demo that cannot listen says why and leaves no state directory behind', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise<void>((done) => taken.close(() => done())));
    const port = String((taken.address() as { port: number }).port);
    const tmp = tempDir();
    const { code, err } = await finish(run('src/demo.ts', { PORT: port, TMPDIR: tmp }, tempDir()));
    expect(code).toBe(1);
    expect(err).toContain('EADDRINUSE');
    // (tsx keeps its own cache there too.)
    expect(readdirSync(tmp).filter((name) => name.startsWith('jamf-scim-demo-'))).toEqual([]);
  });

  it('npm run demo prints the SCIM URL and a token that work, and stops on SIGTERM', async () => {
    const child = run('src/demo.ts', { PORT: '0' }, tempDir());
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = once(child, 'exit');
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    while (!/Bearer token:\s+\S+/.test(out) || !/SCIM base URL:\s+\S+/.test(out)) {
      if (child.exitCode !== null) throw new Error(`demo exited early: ${out}`);
      await once(child.stdout as NodeJS.ReadableStream, 'data');
    }
    const base = /SCIM base URL:\s+(\S+)/.exec(out)?.[1] as string;
    const token = /Bearer token:\s+(\S+)/.exec(out)?.[1] as string;
    expect(out).toContain('curl');
    const res = await fetch(`${base}/Users?count=10`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { totalResults: number };
    expect(body.totalResults).toBeGreaterThan(0);
    // The admin token it prints reads the audit trail of what the demo token did.
    const adminToken = /Admin token:\s+(\S+)/.exec(out)?.[1] as string;
    const created = await fetch(`${base}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'demo-audit@example.com', active: true }),
    });
    expect(created.status).toBe(201);
    const audit = await fetch(`${new URL(base).origin}/admin/api/audit`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(audit.status).toBe(200);
    const trail = (await audit.json()) as { entries: Array<{ action: string; credential: string; name: string }> };
    expect(trail.entries[0]).toMatchObject({ action: 'user.created', credential: 'demo', name: 'demo-audit@example.com' });
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it('npm run check exits 0 against a healthy Jamf Pro and 1 when a privilege is missing', async () => {
    const okSim: Simulator = createSimulator();
    const okUrl = await okSim.listen();
    cleanups.push(() => okSim.close());
    const env = (url: string, sim: Simulator) => ({
      JAMF_URL: url,
      JAMF_CLIENT_ID: sim.clientId,
      JAMF_CLIENT_SECRET: sim.clientSecret,
      SCIM_BEARER_TOKENS: 'cli-test-token-0123456789',
    });
    const ok = await finish(run('src/check.ts', env(okUrl, okSim), tempDir()));
    expect(ok.out).toContain('All checks passed');
    expect(ok.code).toBe(0);

    const badSim: Simulator = createSimulator({ privileges: ['Read User', 'Read Static User Groups'] });
    const badUrl = await badSim.listen();
    cleanups.push(() => badSim.close());
    const bad = await finish(run('src/check.ts', env(badUrl, badSim), tempDir()));
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('add the privilege "Create User" to the API role');
    expect(bad.out).not.toContain(badSim.clientSecret);
  });
});
