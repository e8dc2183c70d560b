/**
 * Several SCIM server processes on one state store, as an orchestrator runs replicas behind a
 * load balancer: each keeps its port across restarts (the balancer's target), logs through the
 * production logger to a file of its own, and can be SIGKILLed and started again. Shared by the
 * `replicas` benchmark (`node dist/server.js`) and test/replicas (`src/server.ts` under tsx).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { countLogLines, type ServerLog } from './log-count.js';
import { sampleProcess, type ProcSampler } from './proc-usage.js';

export interface ClusterOptions {
  replicas: number;
  /** The node arguments of replica `index`: e.g. `[DIST_SERVER]` or `['--import', tsxLoader, 'src/server.ts']`. */
  nodeArgs: (index: number) => string[];
  /** The whole environment of every replica (PORT is added per replica). */
  env: Record<string, string>;
  /** Working directory (no `.env` in it) and where the log files go. */
  dir: string;
}

export interface Replica {
  readonly index: number;
  readonly origin: string;
  readonly running: boolean;
  /** Times the process was started. */
  readonly starts: number;
  readonly pid: number | undefined;
  /** Resolves once the server has logged that it listens and `/readyz` answered 200. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown hook runs, requests in flight die with it. Resolves once it exited. */
  kill(): Promise<void>;
  /** SIGTERM (the server drains), SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** CPU time of every process this replica ran, the running one read now, ms. */
  cpuMs(): number;
}

export interface Cluster {
  readonly replicas: readonly Replica[];
  /** SIGTERM to every running replica (they drain and must exit 0), then the logs of all their starts. */
  stop(): Promise<ClusterLog>;
}

export interface ClusterLog extends ServerLog {
  /** Exit code of each replica's last process (SIGTERM: 0 expected). */
  exitCodes: Array<number | null>;
}

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

/** Resolves at the server's 'listening' log line (src/server.ts), rejects if it exits first. */
function listening(proc: ChildProcess, errFile: string, log: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      if (lines.some((l) => l.includes('"jamf-scim listening'))) {
        proc.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      let stderr = '';
      try {
        stderr = readFileSync(errFile, 'utf8').slice(0, 2000);
      } catch {
        // no stderr file yet
      }
      reject(new Error(`server exited (${String(code)}) before listening\n${stderr}`));
    };
    proc.stdout?.on('data', onData);
    proc.once('exit', onExit);
  });
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const ports = await Promise.all(Array.from({ length: options.replicas }, () => freePort()));
  const exitCodes: Array<number | null> = ports.map(() => null);
  const logFiles: string[] = [];

  const replicas: Replica[] = ports.map((port, index) => {
    let child: ChildProcess | undefined;
    let exited: Promise<unknown> | undefined;
    let starts = 0;
    /** CPU of the processes before the running one, each read just before it was signalled. */
    let pastCpuMs = 0;
    let sampler: ProcSampler | undefined;
    const liveCpuMs = () => sampler?.usage().cpuMs ?? 0;
    const origin = `http://127.0.0.1:${port}`;
    return {
      index,
      origin,
      get running() {
        return child !== undefined;
      },
      get starts() {
        return starts;
      },
      get pid() {
        return child?.pid;
      },
      async start() {
        if (child) throw new Error(`replica ${index} is already running`);
        starts++;
        const logFile = join(options.dir, `replica-${index}-${starts}.log`);
        const errFile = join(options.dir, `replica-${index}-${starts}.stderr`);
        logFiles.push(logFile);
        const log = createWriteStream(logFile);
        const err = createWriteStream(errFile);
        const proc = spawn(process.execPath, options.nodeArgs(index), {
          cwd: options.dir,
          env: { ...options.env, PORT: String(port) },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child = proc;
        sampler = proc.pid === undefined ? undefined : sampleProcess(proc.pid);
        proc.stderr?.pipe(err);
        // 'close' comes after 'exit' once stdout is drained, so the log file is complete.
        exited = once(proc, 'close').then(async ([code]) => {
          exitCodes[index] = code as number | null;
          if (child === proc) {
            child = undefined;
            sampler?.stop();
            sampler = undefined;
          }
          await new Promise((resolve) => log.end(resolve));
        });
        await listening(proc, errFile, log);
        const ready = await fetch(`${origin}/readyz`);
        if (!ready.ok) throw new Error(`replica ${index} listens but /readyz answered ${ready.status}: ${await ready.text()}`);
      },
      async kill() {
        if (!child) return;
        pastCpuMs += liveCpuMs();
        child.kill('SIGKILL');
        await exited;
      },
      async stop(graceMs = 20_000) {
        const proc = child;
        if (proc) {
          pastCpuMs += liveCpuMs();
          proc.kill('SIGTERM');
          const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        return exitCodes[index] ?? null;
      },
      cpuMs: () => pastCpuMs + liveCpuMs(),
    };
  });

  const started = await Promise.allSettled(replicas.map((r) => r.start()));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(replicas.map((r) => r.kill()));
    throw failed.reason;
  }
  let stopped: Promise<ClusterLog> | undefined;
  return {
    replicas,
    stop() {
      stopped ??= (async () => {
        await Promise.all(replicas.map((r) => r.stop()));
        const logs = await Promise.all(logFiles.map((f) => countLogLines(f)));
        const total: ClusterLog = { lines: 0, bytes: 0, requestLines: 0, failedRequestLines: 0, jamfLines: 0, jamfCalls: 0, jamfCallMs: 0, levels: {}, exitCodes };
        for (const l of logs) {
          total.lines += l.lines;
          total.bytes += l.bytes;
          total.requestLines += l.requestLines;
          total.failedRequestLines += l.failedRequestLines;
          total.jamfLines += l.jamfLines;
          total.jamfCalls += l.jamfCalls;
          total.jamfCallMs += l.jamfCallMs;
          for (const [level, n] of Object.entries(l.levels)) total.levels[level] = (total.levels[level] ?? 0) + n;
        }
        return total;
      })();
      return stopped;
    },
  };
}
