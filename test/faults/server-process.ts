/**
 * The real server (`src/server.ts`) as a child process, so it can be killed with SIGKILL and
 * started again on the same state store, as an orchestrator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TOKEN } from '../helper.js';
import type { IdpResponse } from './idp.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface ServerProcessOptions {
  jamfUrl: string;
  clientId: string;
  clientSecret: string;
  statePath: string;
  /** Working directory without a `.env`, so only the environment given here applies. */
  cwd: string;
}

export interface ServerProcess {
  /** Base URL of the running process (a new port after each start). */
  readonly url: string;
  readonly running: boolean;
  /** Times the process was started. */
  readonly starts: number;
  start(): Promise<void>;
  /** SIGKILL: no shutdown hook runs, in-flight requests die with it. Resolves once it exited. */
  kill(): Promise<void>;
  /** One attempt of a SCIM request; throws on a network error (e.g. the process is gone). */
  send(method: string, path: string, body?: unknown): Promise<IdpResponse>;
}

export function serverProcess(options: ServerProcessOptions): ServerProcess {
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> | undefined;
  let url = '';
  let starts = 0;

  async function start(): Promise<void> {
    if (child) throw new Error('server already running');
    const proc = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/server.ts')], {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '',
        JAMF_URL: options.jamfUrl,
        JAMF_CLIENT_ID: options.clientId,
        JAMF_CLIENT_SECRET: options.clientSecret,
        SCIM_BEARER_TOKENS: TOKEN,
        STATE_URL: options.statePath,
        // Port 0: the OS picks a free port, which the server logs (JSON line with `url`).
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    starts++;
    exited = once(proc, 'exit').then(() => {
      if (child === proc) child = undefined;
    });
    let output = '';
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    url = await new Promise<string>((resolveUrl, reject) => {
      let buffered = '';
      const onData = (d: Buffer) => {
        buffered += d.toString();
        output += d.toString();
        for (const line of buffered.split('\n')) {
          try {
            const parsed = JSON.parse(line) as { url?: unknown };
            if (typeof parsed.url === 'string') {
              proc.stdout?.off('data', onData);
              proc.stdout?.resume();
              resolveUrl(parsed.url);
              return;
            }
          } catch {
            // not a complete JSON line yet
          }
        }
      };
      proc.stdout?.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
    });
  }

  return {
    get url() {
      return url;
    },
    get running() {
      return child !== undefined;
    },
    get starts() {
      return starts;
    },
    start,
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited;
    },
    async send(method, path, body) {
      if (!child) throw new Error('server is not running');
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text, json: () => JSON.parse(text) };
    },
  };
}
