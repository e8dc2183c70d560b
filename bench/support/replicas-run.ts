/**
 * One run of the replicas scenario: N server processes on one state store and one Jamf, the
 * workload spread over them round-robin, optionally one replica SIGKILLed when a phase has had a
 * given number of requests answered (an event of the run, not a timer) and started again at
 * once; then what Jamf holds and what every replica answers through SCIM.
 */
import { readFileSync } from 'node:fs';
import { BENCH_TOKEN, type SimStateSummary } from './ipc.js';
import { startCluster, type Cluster, type ClusterLog } from './replicas-cluster.js';
import { createRoundRobinIdp, type IdpCounts, type RoundRobinIdp } from './replicas-idp.js';
import { jamfView, scimView, type JamfView, type ScimView } from './replicas-state.js';
import { runWorkload, type PhaseName, type PhaseTiming, type WorkloadSizes } from './replicas-workload.js';

/** The Jamf side as the run needs it: the simulator in this process (tests) or in a child (benchmark). */
export interface JamfSide {
  url: string;
  clientId: string;
  clientSecret: string;
  counters(): Promise<Record<string, number>>;
  /** The simulator's peak of requests in flight at once (queued ones included) since it started. */
  peak(): Promise<number>;
  state(): Promise<SimStateSummary>;
  /** CPU time of the simulator's process, ms, when it has one of its own. */
  cpuMs?(): Promise<number>;
}

export interface KillPlan {
  replica: number;
  phase: PhaseName;
  /** Killed once this many requests of `phase` have been answered. */
  afterAnswered: number;
}

export interface RunOptions {
  replicas: number;
  stateUrl: string;
  nodeArgs: (index: number) => string[];
  /** Working directory of the replicas (their logs, an SQLite file). */
  dir: string;
  jamf: JamfSide;
  sizes: WorkloadSizes;
  /** SCIM requests the IdP has in flight at once, over all replicas. */
  inFlight: number;
  maxConcurrency?: number;
  logLevel?: string;
  kill?: KillPlan;
  /** More environment for every replica. */
  env?: Record<string, string>;
}

export interface RunResult {
  replicas: number;
  /** Wall time of the workload (all phases), ms. */
  workloadMs: number;
  phases: PhaseTiming[];
  /** Jamf calls during the workload, token requests apart, by route. */
  calls: Record<string, number>;
  jamfCalls: number;
  tokenCalls: number;
  peak: number;
  idp: IdpCounts;
  latencies: Record<string, number[]>;
  killed?: { replica: number; phase: PhaseName; answered: number; downMs: number };
  jamf: JamfView;
  /** What each replica answers, in replica order. */
  scim: ScimView[];
  /** SCIM requests the final reads made (each replica read on its own). */
  readRequests: number;
  log: ClusterLog;
  /** CPU time during the workload, ms: all server processes together, the simulator (when a child), this driver. */
  cpu: { serversMs: number; simulatorMs?: number; driverMs: number };
  /** Share of the machine's CPU time (all cores, every process on it) that was busy during the workload. */
  machineBusy: number;
}

/** Busy and total jiffies of all CPUs from /proc/stat (Linux): what else ran on the machine shows here. */
function machineTicks(): { busy: number; total: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = fields.reduce((a, b) => a + b, 0);
    // idle and iowait
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

const driverCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export const isTokenRoute = (key: string) => /\/(oauth|auth)\//.test(key);

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(after)) if (n !== (before[k] ?? 0)) out[k] = n - (before[k] ?? 0);
  return out;
}

export async function runReplicas(o: RunOptions): Promise<RunResult> {
  const env: Record<string, string> = {
    ...(process.env.PATH === undefined ? {} : { PATH: process.env.PATH }),
    JAMF_URL: o.jamf.url,
    JAMF_CLIENT_ID: o.jamf.clientId,
    JAMF_CLIENT_SECRET: o.jamf.clientSecret,
    JAMF_MAX_CONCURRENCY: String(o.maxConcurrency ?? 5),
    SCIM_BEARER_TOKENS: BENCH_TOKEN,
    STATE_URL: o.stateUrl,
    LOG_LEVEL: o.logLevel ?? 'info',
    HOST: '127.0.0.1',
    ...o.env,
  };
  let cluster: Cluster | undefined;
  const idps: RoundRobinIdp[] = [];
  let killing: Promise<void> | undefined;
  try {
    cluster = await startCluster({ replicas: o.replicas, nodeArgs: o.nodeArgs, env, dir: o.dir });
    const replicas = cluster.replicas;
    const idp = createRoundRobinIdp({ origins: replicas.map((r) => r.origin), token: BENCH_TOKEN, connections: o.inFlight });
    idps.push(idp);

    let killed: RunResult['killed'];
    const onAnswered = (phase: PhaseName, answered: number) => {
      const k = o.kill;
      if (!k || killing || phase !== k.phase || answered < k.afterAnswered) return;
      const replica = replicas[k.replica];
      if (!replica) throw new Error(`no replica ${k.replica}`);
      killing = (async () => {
        const t0 = performance.now();
        await replica.kill();
        // As an orchestrator does: a new process on the same store, at the balancer's address.
        await replica.start();
        killed = { replica: k.replica, phase, answered, downMs: performance.now() - t0 };
      })();
    };

    const before = await o.jamf.counters();
    const cpu0 = { servers: replicas.reduce((n, r) => n + r.cpuMs(), 0), sim: await o.jamf.cpuMs?.(), driver: driverCpuMs(), machine: machineTicks() };
    const t0 = performance.now();
    const phases = await runWorkload(idp, o.sizes, { inFlight: o.inFlight, onAnswered });
    const workloadMs = performance.now() - t0;
    const sim1 = await o.jamf.cpuMs?.();
    const cpu = {
      serversMs: replicas.reduce((n, r) => n + r.cpuMs(), 0) - cpu0.servers,
      ...(sim1 === undefined || cpu0.sim === undefined ? {} : { simulatorMs: sim1 - cpu0.sim }),
      driverMs: driverCpuMs() - cpu0.driver,
    };
    const machine = machineTicks();
    const machineBusy = (machine.busy - cpu0.machine.busy) / (machine.total - cpu0.machine.total);
    await killing;
    if (o.kill && !killed) throw new Error(`the kill point (${o.kill.phase}, after ${o.kill.afterAnswered} answered) was never reached`);
    const calls = diff(await o.jamf.counters(), before);
    const sum = (pick: (k: string) => boolean) => Object.entries(calls).reduce((s, [k, n]) => (pick(k) ? s + n : s), 0);

    // Every replica must answer the same: each is read on its own.
    for (const r of replicas) idps.push(createRoundRobinIdp({ origins: [r.origin], token: BENCH_TOKEN, connections: 2 }));
    const scim = await Promise.all(idps.slice(1).map((i) => scimView(i)));
    const jamf = jamfView(await o.jamf.state());
    const peak = await o.jamf.peak();
    const log = await cluster.stop();
    return {
      replicas: o.replicas,
      workloadMs,
      phases,
      calls: Object.fromEntries(Object.entries(calls).filter(([k]) => !isTokenRoute(k))),
      jamfCalls: sum((k) => !isTokenRoute(k)),
      tokenCalls: sum(isTokenRoute),
      peak,
      idp: idp.counts,
      latencies: Object.fromEntries(idp.latencies),
      ...(killed ? { killed } : {}),
      jamf,
      scim,
      readRequests: idps.slice(1).reduce((n, i) => n + i.counts.answeredAttempts, 0),
      log,
      cpu,
      machineBusy,
    };
  } finally {
    // A run that failed may have a restart under way: let it end before stopping everything.
    await killing?.catch(() => undefined);
    await Promise.all(idps.map((i) => i.close()));
    await cluster?.stop();
  }
}
