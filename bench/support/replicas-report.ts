/** The `replicas` benchmark's tables and correctness checks, from its runs. */
import type { RunResult } from './replicas-run.js';
import { differences } from './replicas-state.js';
import type { BenchResult, Row, Table } from './report.js';
import { percentile, round } from './stats.js';

export interface NamedRun {
  label: string;
  store: 'sqlite' | 'postgres';
  result: RunResult;
}

export function replicaTables(runs: readonly NamedRun[], jamf: { meanLatencyMs: number; slots: number }): Table[] {
  const runRows: Row[] = runs.map(({ label, result: r }) => {
    const floorMs = (r.jamfCalls * jamf.meanLatencyMs) / jamf.slots;
    return {
      run: label,
      'wall s': round(r.workloadMs / 1000, 2),
      'Jamf calls': r.jamfCalls,
      'floor s': round(floorMs / 1000, 2),
      'wall / floor': round(r.workloadMs / floorMs, 3),
      'peak in flight': r.peak,
      'token calls': r.tokenCalls,
      'IdP requests': r.idp.requests,
      'repeated attempts (network / 5xx+429)': `${r.idp.retries.network} / ${Object.values(r.idp.retries.status).reduce((a, b) => a + b, 0)}`,
      'answered per replica': r.idp.perReplica.join(' / '),
      'CPU s: servers / simulator / driver': `${round(r.cpu.serversMs / 1000, 1)} / ${r.cpu.simulatorMs === undefined ? '?' : round(r.cpu.simulatorMs / 1000, 1)} / ${round(r.cpu.driverMs / 1000, 1)}`,
      'machine CPU busy': `${round(r.machineBusy * 100, 0)} %`,
    };
  });
  const phaseNames = runs[0]?.result.phases.map((p) => p.name) ?? [];
  const phaseRows: Row[] = phaseNames.map((name) => {
    const row: Row = { phase: name, requests: runs[0]?.result.phases.find((p) => p.name === name)?.requests ?? 0 };
    for (const { label, result } of runs) row[label] = round((result.phases.find((p) => p.name === name)?.ms ?? 0) / 1000, 2);
    return row;
  });
  const latencyRows: Row[] = [];
  for (const { label, result } of runs) {
    for (const [op, ms] of Object.entries(result.latencies)) {
      latencyRows.push({ run: label, operation: op, requests: ms.length, 'p50 ms': round(percentile(ms, 50), 1), 'p99 ms': round(percentile(ms, 99), 1), 'max ms': round(Math.max(...ms), 1) });
    }
  }
  const tables: Table[] = [
    { title: 'Runs (wall time of the workload; floor = Jamf calls × mean latency / slots)', rows: runRows },
    { title: 'Seconds per phase', rows: phaseRows },
    { title: 'SCIM latency per operation, retries included (client side)', rows: latencyRows },
  ];
  const killed = runs.find((r) => r.result.killed);
  if (killed?.result.killed) {
    const k = killed.result.killed;
    tables.push({
      title: 'The kill',
      rows: [
        { what: 'replica SIGKILLed', value: k.replica },
        { what: 'when', value: `after ${k.answered} answered requests of phase ${k.phase}` },
        { what: 'from SIGKILL to ready again (restart on its port)', value: `${round(k.downMs, 0)} ms` },
        { what: 'attempts repeated on the next replica', value: killed.result.idp.attempts - killed.result.idp.requests },
      ],
    });
  }
  return tables;
}

export function replicaChecks(runs: readonly NamedRun[], reference: NamedRun, slots: number): BenchResult['checks'] {
  const checks: BenchResult['checks'] = [];
  for (const { label, result: r } of runs) {
    checks.push({ what: `${label}: every IdP request ended in the expected answer`, ok: r.idp.succeeded === r.idp.requests, detail: `${r.idp.succeeded} of ${r.idp.requests}, ${r.idp.attempts} attempts` });
    checks.push({ what: `${label}: simulator peak in flight ≤ ${slots}`, ok: r.peak <= slots, detail: `peak ${r.peak}` });
    if (r !== reference.result) {
      const jamf = differences(reference.result.jamf, r.jamf);
      checks.push({ what: `${label}: Jamf users, positions and memberships as in the reference run`, ok: jamf.length === 0, detail: jamf.join('; ') || undefined });
    }
    const scim = r.scim.map((view, i) => ({ i, d: differences(reference.result.scim[0], view) })).filter((x) => x.d.length > 0);
    checks.push({
      what: `${label}: every replica answers through SCIM as the reference (users, attributes, tombstones, group members)`,
      ok: scim.length === 0,
      detail: scim.map((x) => `replica ${x.i}: ${x.d.join('; ')}`).join(' | ') || undefined,
    });
    // One request line per answered attempt; a killed process may take its last lines with it.
    const lines = r.log.requestLines + r.log.failedRequestLines;
    const answered = r.idp.answeredAttempts + r.readRequests;
    const exact = r.killed === undefined;
    checks.push({
      what: `${label}: ${exact ? 'one request log line per answered SCIM attempt' : 'no more request log lines than attempts'}, every replica exits 0 on SIGTERM`,
      ok: (exact ? lines === answered : lines <= r.idp.attempts + r.readRequests) && r.log.exitCodes.every((c) => c === 0),
      detail: `${lines} lines for ${answered} answered attempts (${r.idp.attempts + r.readRequests} sent), exit codes ${r.log.exitCodes.join(', ')}`,
    });
  }
  checks.splice(0, 0, { what: `reference: ${reference.label}`, ok: true });
  return checks;
}
