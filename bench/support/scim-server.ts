/**
 * The SCIM server under test, started as production starts it: `node dist/server.js` (built by
 * `npm run build`, which run.ts does once per run) configured by the environment alone, logging
 * through the production logger to its stdout, here a file in a temporary directory that also
 * holds the SQLite state file. The driver picks a free port for PORT, waits for /readyz, reads CPU and RSS from /proc, stops the server with SIGTERM (it
 * drains and exits 0; a --cpu-prof profile is written then) and counts the log lines.
 *
 * Against the in-memory Jamf fake (scim-overhead part A) the process is the bundled bench child
 * (server-process.ts, role `scim`): the same `startServer` wiring and environment, with only the
 * Jamf client replaced.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './child.js';
import { BENCH_TOKEN, type ScimChildConfig } from './ipc.js';
import { countLogLines, type ServerLog } from './log-count.js';
import { serverArgs } from './node-args.js';
import { sampleProcess, type ProcUsage } from './proc-usage.js';

export const DIST_SERVER = fileURLToPath(new URL('../../dist/server.js', import.meta.url));

export type LogLevel = 'info' | 'silent' | 'debug' | 'warn';

export interface ScimServerOptions {
  /** The simulator (then `node dist/server.js` runs) or the in-memory fake (the bench child). */
  jamf: { url: string; clientId: string; clientSecret: string } | { fake: ScimChildConfig };
  /** LOG_LEVEL; default BENCH_LOG_LEVEL or 'info', as deployed. */
  logLevel?: LogLevel;
  /** JAMF_MAX_CONCURRENCY; default 5. */
  maxConcurrency?: number;
  /** Names the CPU profile under `--profile`. */
  label: string;
}

export interface ScimServer {
  /** Base URL of the SCIM routes, ending in `/scim/v2`. */
  readonly url: string;
  readonly origin: string;
  readonly pid: number;
  readonly logLevel: LogLevel;
  /** Seeded ids of the fake (`userIds`, `groupIds`); empty for dist/server.js. */
  readonly info: Record<string, unknown>;
  usage(): ProcUsage;
  resetPeak(): void;
  /** SIGTERM, wait for the exit, count the log, delete the temporary directory. Idempotent. */
  stop(): Promise<ServerLog>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The production environment: only the keys .env.example documents, nothing of the driver's. */
function serverEnv(opts: ScimServerOptions, dir: string, level: LogLevel, port: number): Record<string, string> {
  const jamf = 'fake' in opts.jamf ? { url: 'http://127.0.0.1:9', clientId: 'bench-fake', clientSecret: 'bench-fake-unused' } : opts.jamf;
  // BENCH_STORE=memory (diagnostics): no fsync, to tell the store's commits apart from CPU.
  const state = process.env.BENCH_STORE === 'memory' ? ':memory:' : join(dir, 'state.db');
  return {
    ...(process.env.PATH === undefined ? {} : { PATH: process.env.PATH }),
    JAMF_URL: jamf.url,
    JAMF_CLIENT_ID: jamf.clientId,
    JAMF_CLIENT_SECRET: jamf.clientSecret,
    JAMF_MAX_CONCURRENCY: String(opts.maxConcurrency ?? 5),
    SCIM_BEARER_TOKENS: BENCH_TOKEN,
    STATE_URL: state,
    LOG_LEVEL: level,
    HOST: '127.0.0.1',
    PORT: String(port),
  };
}

/**
 * A port nobody listens on now. The server's 'jamf-scim listening' line would name the one it got
 * from PORT=0, but at LOG_LEVEL=silent there is no such line.
 */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitReady(origin: string, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    const why = exited();
    if (why !== undefined) throw new Error(why);
    try {
      const res = await fetch(`${origin}/readyz`);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(50);
  }
  throw new Error(`server at ${origin} not ready after 30 s: ${last}`);
}

export async function startScimServer(opts: ScimServerOptions): Promise<ScimServer> {
  const level = opts.logLevel ?? (process.env.BENCH_LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-bench-'));
  const logFile = join(dir, 'server.log');
  const errFile = join(dir, 'server.stderr');
  const out = openSync(logFile, 'a');
  const err = openSync(errFile, 'a');
  const port = await freePort();
  const env = serverEnv(opts, dir, level, port);
  const execArgv = serverArgs(opts.label);
  let pid: number;
  let exitedWith: number | null | undefined;
  let exited: Promise<number | null>;
  let info: Record<string, unknown> = {};
  const stderr = () => (existsSync(errFile) ? readFileSync(errFile, 'utf8').trim() : '');
  try {
    if ('fake' in opts.jamf) {
      const child = await startChild('scim', opts.jamf.fake, { env, cwd: dir, stdout: out, stderr: err, execArgv }).catch((e: unknown) => {
        const message = `SCIM server (${opts.label}): ${e instanceof Error ? e.message : String(e)}\n${stderr()}`;
        rmSync(dir, { recursive: true, force: true });
        throw new Error(message);
      });
      pid = child.pid;
      info = child.info;
      exited = child.exited;
    } else {
      if (!existsSync(DIST_SERVER)) throw new Error(`${DIST_SERVER} is missing: run npm run build`);
      // cwd is the temporary directory, so no .env of the checkout is read (readEnvironment).
      const proc = spawn(process.execPath, [...execArgv, DIST_SERVER], { cwd: dir, env, stdio: ['ignore', out, err] });
      pid = proc.pid ?? -1;
      exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    }
  } finally {
    // The child holds its own copies.
    closeSync(out);
    closeSync(err);
  }
  void exited.then((code) => (exitedWith = code));
  const fail = async (e: unknown) => {
    if (exitedWith === undefined) process.kill(pid, 'SIGKILL');
    await exited;
    const message = `${e instanceof Error ? e.message : String(e)}${stderr() ? `\n${stderr()}` : ''}`;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`SCIM server (${opts.label}): ${message}`);
  };
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitReady(origin, () => (exitedWith !== undefined ? `exited (${String(exitedWith)}) before it was ready` : undefined));
  } catch (e) {
    return fail(e);
  }
  const sampler = sampleProcess(pid);
  let stopped: Promise<ServerLog> | undefined;
  return {
    url: `${origin}/scim/v2`,
    origin,
    pid,
    logLevel: level,
    info,
    usage: () => sampler.usage(),
    resetPeak: () => sampler.resetPeak(),
    stop() {
      stopped ??= (async () => {
        sampler.stop();
        if (exitedWith === undefined) process.kill(pid, 'SIGTERM');
        const timer = setTimeout(() => process.kill(pid, 'SIGKILL'), 20_000);
        const code = await exited;
        clearTimeout(timer);
        const log = await countLogLines(logFile);
        const problems = stderr();
        rmSync(dir, { recursive: true, force: true });
        return { ...log, exitCode: code, stderr: problems.slice(0, 2000) };
      })();
      return stopped;
    },
  };
}
