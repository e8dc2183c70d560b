/**
 * Benchmark `replicas`: 3 server processes (`node dist/server.js`, LOG_LEVEL=info) on one
 * PostgreSQL database and one simulator (5 calls served at once, 18 + 0..4 ms per call), an
 * Okta-like IdP spreading a provisioning run over them round-robin. Four runs, each on a fresh
 * database and a fresh simulator: 1 replica on SQLite (the embedded default), 1 on PostgreSQL
 * (the reference), 3 on PostgreSQL, and 3 on PostgreSQL with replica 1 SIGKILLed halfway
 * through the deactivations and started again (the IdP sends what failed to the next replica).
 * Checked: every run ends with the reference's Jamf and SCIM state, no IdP request is lost, the
 * simulator never had more than 5 calls in flight. Target: 3 replicas no slower than 1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from './support/child.js';
import type { SimStateSummary } from './support/ipc.js';
import { serverArgs } from './support/node-args.js';
import { replicaChecks, replicaTables, type NamedRun } from './support/replicas-report.js';
import { startBenchPostgres, type BenchPostgres } from './support/replicas-postgres.js';
import { runReplicas, type JamfSide, type KillPlan } from './support/replicas-run.js';
import type { WorkloadSizes } from './support/replicas-workload.js';
import type { Bench, BenchResult } from './support/report.js';
import { DIST_SERVER } from './support/scim-server.js';
import { round } from './support/stats.js';

const LATENCY_MS = 18;
const JITTER_MS = 4;
const MEAN_LATENCY_MS = LATENCY_MS + JITTER_MS / 2;
const JAMF_SLOTS = 5;
const IN_FLIGHT = 10;
const TARGET_RATIO = 1;

const FULL: WorkloadSizes = { users: 2000, groups: 40, membersPerGroup: 50, moves: 5, profilePatches: 400, deactivations: 200, reactivations: 100 };
const QUICK: WorkloadSizes = { users: 100, groups: 5, membersPerGroup: 20, moves: 2, profilePatches: 20, deactivations: 20, reactivations: 10 };

const REFERENCE = '1 replica, PostgreSQL';
const THREE = '3 replicas, PostgreSQL';
const KILLED = '3 replicas, PostgreSQL, replica 1 SIGKILLed and restarted';
const PLANS: Array<{ label: string; replicas: number; store: 'sqlite' | 'postgres'; kill?: true }> = [
  { label: '1 replica, SQLite', replicas: 1, store: 'sqlite' },
  { label: REFERENCE, replicas: 1, store: 'postgres' },
  { label: THREE, replicas: 3, store: 'postgres' },
  { label: KILLED, replicas: 3, store: 'postgres', kill: true },
];

export const replicas: Bench = async ({ quick, log }) => {
  const started = performance.now();
  const sizes = quick ? QUICK : FULL;
  const kill: KillPlan = { replica: 1, phase: 'deactivate', afterAnswered: Math.floor(sizes.deactivations / 2) };
  const runs: NamedRun[] = [];
  let postgres: BenchPostgres | undefined;
  try {
    postgres = await startBenchPostgres();
    const pgUrl = postgres.createDatabase.bind(postgres);
    // BENCH_REPLICA_RUNS=3 (diagnostics): only those runs (1-based), and always run 2, the reference.
    const picked = process.env.BENCH_REPLICA_RUNS?.split(',').map(Number).concat(2);
    for (const [i, plan] of PLANS.entries()) {
      if (picked && !picked.includes(i + 1)) continue;
      log(`  ${plan.label}…`);
      const sim = await startChild('sim', { latencyMs: LATENCY_MS, jitterMs: JITTER_MS, maxConcurrent: JAMF_SLOTS, version: '11.30.1', tokenLifetimeSeconds: 3600 });
      const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-bench-replicas-'));
      try {
        const jamf: JamfSide = {
          url: sim.url,
          clientId: sim.info.clientId as string,
          clientSecret: sim.info.clientSecret as string,
          counters: () => sim.call<Record<string, number>>('counters'),
          peak: () => sim.call<number>('maxObservedConcurrency'),
          state: () => sim.call<SimStateSummary>('state'),
          cpuMs: async () => (await sim.usage()).cpuMs,
        };
        const slug = plan.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
        const stateUrl = plan.store === 'sqlite' ? join(dir, 'state.db') : await pgUrl();
        const result = await runReplicas({
          replicas: plan.replicas,
          stateUrl,
          nodeArgs: (i) => [...serverArgs(`replicas-${slug}-${i}`), DIST_SERVER],
          dir,
          jamf,
          sizes,
          inFlight: IN_FLIGHT,
          maxConcurrency: JAMF_SLOTS,
          ...(process.env.BENCH_LOG_LEVEL ? { logLevel: process.env.BENCH_LOG_LEVEL } : {}),
          ...(plan.kill ? { kill } : {}),
        });
        runs.push({ label: plan.label, store: plan.store, result });
        log(`    ${round(result.workloadMs / 1000, 2)} s, ${result.jamfCalls} Jamf calls, peak ${result.peak} in flight`);
        if (plan.store === 'postgres') {
          for (const st of await postgres.statements(stateUrl, 15)) log(`      ${String(st.calls).padStart(7)} calls ${round(st.totalMs, 0).toString().padStart(6)} ms  ${st.query}`);
        }
      } finally {
        await sim.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await postgres?.close();
  }

  const byLabel = (label: string) => runs.find((r) => r.label === label);
  const one = byLabel(REFERENCE) as NamedRun;
  const three = byLabel(THREE);
  const killed = byLabel(KILLED);
  const ratio = three ? three.result.workloadMs / one.result.workloadMs : Number.NaN;
  const killedRatio = killed ? killed.result.workloadMs / one.result.workloadMs : Number.NaN;
  const result: BenchResult = {
    name: 'replicas',
    quick,
    elapsedMs: performance.now() - started,
    tables: replicaTables(runs, { meanLatencyMs: MEAN_LATENCY_MS, slots: JAMF_SLOTS }),
    targets: [
      {
        what: 'Jamf-bound wall time, 3 replicas / 1 replica (PostgreSQL, no fault)',
        target: `≤ ${TARGET_RATIO}×`,
        measured: three ? `${round(ratio, 3)}× (${round(three.result.workloadMs / 1000, 2)} s / ${round(one.result.workloadMs / 1000, 2)} s)` : 'not run',
        met: ratio <= TARGET_RATIO,
      },
    ],
    checks: replicaChecks(runs, one, JAMF_SLOTS),
    notes: [
      `Simulator: ${LATENCY_MS} ms + uniform 0..${JITTER_MS} ms per call (mean ${MEAN_LATENCY_MS} ms), ${JAMF_SLOTS} served at once; the floor is Jamf calls × ${MEAN_LATENCY_MS} ms / ${JAMF_SLOTS}.`,
      `IdP: ${IN_FLIGHT} requests in flight over all replicas, round-robin; a failed attempt (network error, 5xx, 429) goes to the next replica, with a backoff once every replica failed it in a row.`,
      `Kill: replica ${kill.replica} SIGKILLed once ${kill.afterAnswered} deactivations were answered, started again at once on its port; with it, 3 replicas took ${round(killedRatio, 3)}× the 1-replica time.`,
      `Servers: node dist/server.js, JAMF_MAX_CONCURRENCY=${JAMF_SLOTS} on each, LOG_LEVEL=${process.env.BENCH_LOG_LEVEL ?? 'info'}, logs in files; PostgreSQL: ${postgres?.source ?? '?'}.`,
    ],
    // The final views are compared above; the file keeps the figures, not 2,000 users per replica.
    data: { sizes, kill, runs: runs.map(({ label, store, result: { scim: _scim, jamf: _jamf, ...figures } }) => ({ label, store, ...figures })) },
  };
  return result;
};
