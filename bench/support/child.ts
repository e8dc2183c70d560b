/** Driver side of `server-process.ts`: start a child, wait for `ready`, send commands. */
import { spawn, type ChildProcess } from 'node:child_process';
import { childScript } from './build-child.js';
import { childArgs } from './node-args.js';
import type { ChildReady, ChildResponse, ChildRole, ChildUsage, ScimChildConfig, SimChildConfig } from './ipc.js';

export interface Child {
  readonly role: ChildRole;
  readonly url: string;
  readonly info: Record<string, unknown>;
  readonly pid: number;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  call<T = unknown>(cmd: string, args?: unknown): Promise<T>;
  usage(): Promise<ChildUsage>;
  close(): Promise<void>;
}

type ConfigFor<R extends ChildRole> = R extends 'sim' ? SimChildConfig : R extends 'scim' ? ScimChildConfig : Record<string, never>;

export interface ChildOptions {
  heapMb?: number;
  execArgv?: string[];
  /** The whole environment (BENCH_ROLE and BENCH_CONFIG are added); default the driver's. */
  env?: Record<string, string>;
  cwd?: string;
  /** File descriptors for the child's stdout and stderr; default the driver's. */
  stdout?: number;
  stderr?: number;
}

export async function startChild<R extends ChildRole>(role: R, config: ConfigFor<R>, opts: ChildOptions = {}): Promise<Child> {
  const execArgv = ['--expose-gc'];
  if (opts.heapMb !== undefined) execArgv.push(`--max-old-space-size=${opts.heapMb}`);
  execArgv.push(...(opts.execArgv ?? []), ...childArgs());
  const proc: ChildProcess = spawn(process.execPath, [...execArgv, await childScript()], {
    stdio: ['ignore', opts.stdout ?? 'inherit', opts.stderr ?? 'inherit', 'ipc'],
    env: { ...(opts.env ?? process.env), BENCH_ROLE: role, BENCH_CONFIG: JSON.stringify(config) },
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;

  const ready = await new Promise<ChildReady>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench ${role} process exited (${String(code)}) before it was ready`));
    proc.once('exit', onExit);
    proc.once('error', reject);
    proc.once('message', (m: ChildReady) => {
      proc.off('exit', onExit);
      resolve(m);
    });
  });
  proc.on('message', (m: ChildResponse) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(`${role}: ${m.error ?? 'failed'}`));
  });
  const exitedPromise = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      exited = true;
      for (const p of pending.values()) p.reject(new Error(`bench ${role} process exited`));
      pending.clear();
      resolve(code);
    }),
  );

  const call = <T>(cmd: string, args?: unknown) =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error(`bench ${role} process has exited`));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      proc.send({ id, cmd, args });
    });

  return {
    role,
    url: ready.url,
    info: ready.info,
    pid: proc.pid ?? -1,
    exited: exitedPromise,
    call,
    usage: () => call<ChildUsage>('usage'),
    async close() {
      if (exited) return;
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await call('close').catch(() => undefined);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}
