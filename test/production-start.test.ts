import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../src/simulator/index.js';
import { simulatorEnv } from './config-support.js';

const ROOT = resolve(import.meta.dirname, '..');
const TOKEN = 'production-start-token-0123456789abcdef';
const OLD_FILE_TOKEN = 'file-token-old-0123456789abcdef';
const NEW_FILE_TOKEN = 'file-token-new-0123456789abcdef';

/** `npm start` as an administrator runs it: the package's own script, in a directory holding the package.json, dist/ and node_modules. */
function npmStart(cwd: string, env: Record<string, string>): ChildProcess {
  return spawn('npm', ['start', '--silent'], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('npm start (the compiled server, no development tools)', () => {
  let dir: string;
  let sim: Simulator;
  let jamfUrl: string;

  beforeAll(() => {
    // A copy of the package with its build output, so the test neither needs nor touches the repo's dist/.
    dir = mkdtempSync(join(tmpdir(), 'jamf-scim-start-'));
    copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says how to build when dist/ is missing', async () => {
    const child = npmStart(dir, {});
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(err).toContain('dist/server.js is missing: run npm run build first');
  });

  it('runs dist/server.js with plain node, and SIGTERM to npm drains the server and exits 0', async () => {
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { encoding: 'utf8' });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    sim = createSimulator();
    jamfUrl = await sim.listen();

    const tokensFile = join(dir, 'scim-tokens');
    writeFileSync(tokensFile, `okta:${OLD_FILE_TOKEN}\n`);
    const child = npmStart(dir, { ...simulatorEnv(sim, jamfUrl, TOKEN, join(dir, 'state.db')), SCIM_BEARER_TOKENS_FILE: tokensFile });
    const exited = once(child, 'exit');
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const listening = /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"jamf-scim listening/;
    while (!listening.test(out)) {
      if (child.exitCode !== null) throw new Error(`npm start exited early: ${out}`);
      await once(child.stdout as NodeJS.ReadableStream, 'data');
    }
    const url = listening.exec(out)?.[1] as string;
    const res = await fetch(`${url}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    // No tsx in the process tree: npm's child is node itself (the shell exec'd it).
    const tree = spawnSync('ps', ['-o', 'args=', '--ppid', String(child.pid)], { encoding: 'utf8' }).stdout.trim();
    expect(tree).toMatch(/node dist\/server\.js$/);

    // Rotation without a restart: the tokens file is read again on SIGHUP (systemctl reload).
    const get = (token: string) => fetch(`${url}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await get(OLD_FILE_TOKEN)).toBe(200);
    writeFileSync(tokensFile, `okta:${NEW_FILE_TOKEN}\n`);
    const serverPid = Number(spawnSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' }).stdout.trim());
    process.kill(serverPid, 'SIGHUP');
    while (!out.includes('SCIM tokens reloaded')) await once(child.stdout as NodeJS.ReadableStream, 'data');
    expect(await get(NEW_FILE_TOKEN)).toBe(200);
    expect(await get(OLD_FILE_TOKEN)).toBe(401);
    expect(out).not.toContain(NEW_FILE_TOKEN);

    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(out).toContain('shutting down: finishing in-flight requests');
    // Nothing left listening: the server itself stopped, not only npm.
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 180_000);
});
