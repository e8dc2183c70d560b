import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEntry } from '../cli-support.js';

export interface Demo {
  scimBase: string;
  bearerToken: string;
  adminToken: string;
  consoleUrl: string;
  /** SIGTERM, then the exit code once it has stopped. */
  stop(): Promise<number | null>;
}

const LINES = {
  scimBase: /SCIM base URL:\s+(\S+)/,
  bearerToken: /Bearer token:\s+(\S+)/,
  adminToken: /Admin token:\s+(\S+)/,
} as const;
const CONSOLE = /Admin console:\s+(\S+)/;
// How much of the demo's output a failure shows; it logs every request, so only the end.
const TAIL = 4000;
const READY_MS = 30_000;

/** `npm run demo` on a port of the OS, with what it prints to sign in with. */
export async function startDemo(): Promise<Demo> {
  const cwd = mkdtempSync(join(tmpdir(), 'jamf-scim-browser-'));
  const child: ChildProcess = runEntry('src/demo.ts', [], cwd, { PORT: '0', HOST: '127.0.0.1' });
  let out = '';
  let err = '';
  // Read to the end: a full pipe would stall the server's logging.
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-64_000)));
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-TAIL)));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const cleanup = () => rmSync(cwd, { recursive: true, force: true });

  // The banner is one write that ends with this line.
  const found = () => /Press Ctrl\+C/.test(out) && Object.values(LINES).every((re) => re.test(out));
  // A demo that never gets ready must not outlive the test that gave up on it.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), READY_MS)));
  try {
    while (!found()) {
      const next = await Promise.race([once(child.stdout as NodeJS.ReadableStream, 'data'), exited.then(() => 'exit' as const), deadline]);
      if (next === 'exit') throw new Error(`demo exited before it was ready:\n${out.slice(-TAIL)}\n${err}`);
      if (next === 'late') {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`demo printed no banner within ${READY_MS} ms:\n${out.slice(-TAIL)}\n${err}`);
      }
    }
  } catch (e) {
    cleanup();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  const pick = (re: RegExp) => re.exec(out)?.[1];
  const scimBase = pick(LINES.scimBase) as string;
  return {
    scimBase,
    bearerToken: pick(LINES.bearerToken) as string,
    adminToken: pick(LINES.adminToken) as string,
    consoleUrl: pick(CONSOLE) ?? `${new URL(scimBase).origin}/admin`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      // A demo that does not stop on SIGTERM is a failure to see, not a process to leave behind.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const [code] = await exited;
      clearTimeout(timer);
      cleanup();
      return code;
    },
  };
}
