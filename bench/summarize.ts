/**
 * `npm run bench -- --summary [name…] [--last=N]`: medians over the stored full (non-quick)
 * results in bench/results, the N most recent per benchmark (default 3). Nothing is measured.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { BenchResult, Row } from './support/report.js';
import { renderTable, RESULTS_DIR } from './support/report.js';
import { median, round } from './support/stats.js';

type Stored = BenchResult & { date: string; machine: Record<string, unknown> };

function load(name: string, last: number): Stored[] {
  let files: string[];
  try {
    files = readdirSync(RESULTS_DIR).filter((f) => f.startsWith(`${name}-`) && !f.startsWith(`${name}-quick-`) && f.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .sort()
    .slice(-last)
    .map((f) => JSON.parse(readFileSync(`${RESULTS_DIR}${f}`, 'utf8')) as Stored);
}

const med = (xs: number[], digits = 2) => round(median(xs), digits);
const range = (xs: number[], digits = 2) => `${round(Math.min(...xs), digits)}–${round(Math.max(...xs), digits)}`;

interface Phase {
  name: string;
  ms: number;
  calls: Record<string, number>;
  expected: Record<string, number>;
}

function provisioning(runs: Stored[]): string {
  const d = runs.map((r) => r.data as { workloadMs: number; floorMs: number; achievableMs: number; phases: Phase[]; serverUsage: { peakRss: number; maxRss: number; cpuMs: number }; simUsage?: { cpuMs: number }; latencies: Record<string, { p50: number; p99: number }>; reference: { slotMs: number }; serverLog?: { lines: number } });
  const calls = (p: Phase[]) => p.reduce((s, x) => s + Object.entries(x.calls).filter(([k]) => !/\/(oauth|auth)\//.test(k)).reduce((a, [, n]) => a + n, 0), 0);
  const rows: Row[] = [
    { metric: 'Jamf calls (API, token excluded)', median: med(d.map((x) => calls(x.phases)), 0), range: range(d.map((x) => calls(x.phases)), 0) },
    { metric: 'minimum (design.md §5)', median: med(d.map((x) => x.phases.reduce((s, p) => s + Object.values(p.expected).reduce((a, b) => a + b, 0), 0)), 0), range: '' },
    { metric: 'workload wall s', median: med(d.map((x) => x.workloadMs / 1000)), range: range(d.map((x) => x.workloadMs / 1000)) },
    { metric: 'floor s (min × mean latency 20 ms / 5)', median: med(d.map((x) => x.floorMs / 1000)), range: '' },
    { metric: 'wall / floor', median: med(d.map((x) => x.workloadMs / x.floorMs), 3), range: range(d.map((x) => x.workloadMs / x.floorMs), 3) },
    { metric: 'simulator slot time per call ms', median: med(d.map((x) => x.reference.slotMs)), range: range(d.map((x) => x.reference.slotMs)) },
    { metric: 'wall / achievable floor', median: med(d.map((x) => x.workloadMs / x.achievableMs), 3), range: range(d.map((x) => x.workloadMs / x.achievableMs), 3) },
    { metric: 'server peak RSS MB', median: med(d.map((x) => Math.max(x.serverUsage.peakRss, x.serverUsage.maxRss) / 2 ** 20), 1), range: range(d.map((x) => Math.max(x.serverUsage.peakRss, x.serverUsage.maxRss) / 2 ** 20), 1) },
    { metric: 'server CPU s', median: med(d.map((x) => x.serverUsage.cpuMs / 1000)), range: range(d.map((x) => x.serverUsage.cpuMs / 1000)) },
    { metric: 'simulator CPU s', median: med(d.map((x) => (x.simUsage?.cpuMs ?? NaN) / 1000)), range: range(d.map((x) => (x.simUsage?.cpuMs ?? NaN) / 1000)) },
    { metric: 'server log lines', median: med(d.map((x) => x.serverLog?.lines ?? NaN), 0), range: range(d.map((x) => x.serverLog?.lines ?? NaN), 0) },
  ];
  const ops = Object.keys(d[0]?.latencies ?? {});
  const latency: Row[] = ops.map((op) => ({
    operation: op,
    'p50 ms (median of runs)': med(d.map((x) => x.latencies[op]?.p50 ?? NaN), 1),
    'p99 ms (median of runs)': med(d.map((x) => x.latencies[op]?.p99 ?? NaN), 1),
  }));
  const phaseNames = d[0]?.phases.map((p) => p.name) ?? [];
  const phases: Row[] = phaseNames.map((name) => ({
    phase: name,
    's (median)': med(d.map((x) => (x.phases.find((p) => p.name === name)?.ms ?? NaN) / 1000)),
  }));
  return [renderTable({ title: 'provisioning-run', rows }), renderTable({ title: 'phases', rows: phases }), renderTable({ title: 'latency', rows: latency })].join('\n');
}

interface SideStats {
  opsPerSec: number;
  p50: number;
  p99: number;
}
/** A row as stored: by log level since ours runs at info and silent, a single side before that. */
interface StoredRow {
  name: string;
  ratios?: Record<string, number>;
  ours: Record<string, SideStats> | SideStats;
  ratio?: number;
  base: SideStats;
}
interface RowResult {
  name: string;
  ratios: Record<string, number>;
  ours: Record<string, SideStats>;
  base: SideStats;
}

const normalise = (r: StoredRow): RowResult =>
  r.ratios !== undefined
    ? { name: r.name, ratios: r.ratios, ours: r.ours as Record<string, SideStats>, base: r.base }
    : // Results from before ours ran at two levels: one side, logging off.
      { name: r.name, ratios: { silent: r.ratio ?? NaN }, ours: { silent: r.ours as SideStats }, base: r.base };

function overhead(runs: Stored[]): string {
  const part = (key: 'partA' | 'partB', label: string) => {
    const all = runs.map((r) => ((r.data as Record<string, StoredRow[]>)[key] ?? []).map(normalise));
    const names = all[0]?.map((r) => r.name) ?? [];
    const levels = [...new Set(all.flatMap((a) => a.flatMap((r) => Object.keys(r.ratios))))];
    const rows: Row[] = names.map((name) => {
      const rs = all.map((a) => a.find((r) => r.name === name)).filter((r): r is RowResult => r !== undefined);
      const row: Row = { row: name };
      for (const l of levels) {
        const at = rs.filter((r) => r.ours[l] !== undefined);
        row[`${l} op/s`] = med(at.map((r) => r.ours[l]?.opsPerSec ?? NaN), 0);
        row[`${l} p50 / p99`] = `${med(at.map((r) => r.ours[l]?.p50 ?? NaN), 1)} / ${med(at.map((r) => r.ours[l]?.p99 ?? NaN), 1)}`;
      }
      row[`${label} op/s`] = med(rs.map((r) => r.base.opsPerSec), 0);
      row[`${label} p50 / p99`] = `${med(rs.map((r) => r.base.p50), 1)} / ${med(rs.map((r) => r.base.p99), 1)}`;
      for (const l of levels) {
        const at = rs.filter((r) => r.ratios[l] !== undefined);
        row[`ratio ${l} (median of runs)`] = med(at.map((r) => r.ratios[l] as number));
        row[`${l} per run`] = at.map((r) => round(r.ratios[l] as number, 2)).join(' / ');
      }
      return row;
    });
    return renderTable({ title: key === 'partA' ? 'A. ours vs bare Fastify' : 'B. end to end vs simulator alone', rows });
  };
  return [part('partA', 'bare'), part('partB', 'sim')].join('\n');
}

interface Variant {
  version: string;
  wallMs: number;
  jamfCallsTotal: number;
  minCalls: number;
  /** Since the import is measured whole; older results extrapolated the Classic one. */
  pages?: number;
  floorMs?: number;
  pagesMeasured?: number;
  projectedWallMs?: number;
  projectedCalls?: number;
  pageP50Ms: number;
  pageP99Ms: number;
  server: { peakRss: number; maxRss: number; cpuMs: number };
  serverIdleRss: number;
  driverPeakRss: number;
  sim: { cpuMs: number };
  serverLog?: { lines: number };
}

function importScale(runs: Stored[]): string {
  const all = runs.map((r) => (r.data as { variants: Variant[] }).variants);
  const versions = all[0]?.map((v) => v.version) ?? [];
  const rows: Row[] = versions.map((version) => {
    const vs = all.map((a) => a.find((v) => v.version === version)).filter((v): v is Variant => v !== undefined);
    const peak = (v: Variant) => Math.max(v.server.peakRss, v.server.maxRss) / 2 ** 20;
    return {
      'Jamf Pro': version,
      pages: med(vs.map((v) => v.pages ?? v.pagesMeasured ?? NaN), 0),
      'wall s': med(vs.map((v) => v.wallMs / 1000), 1),
      'whole import s': med(vs.map((v) => (v.projectedWallMs ?? v.wallMs) / 1000), 1),
      'wall / floor': med(vs.map((v) => (v.floorMs === undefined ? NaN : v.wallMs / v.floorMs)), 3),
      'Jamf calls': med(vs.map((v) => v.jamfCallsTotal), 0),
      'min calls': med(vs.map((v) => v.minCalls), 0),
      'whole import calls': med(vs.map((v) => v.projectedCalls ?? v.jamfCallsTotal), 0),
      'page p50 ms': med(vs.map((v) => v.pageP50Ms), 0),
      'page p99 ms': med(vs.map((v) => v.pageP99Ms), 0),
      'server idle RSS MB': med(vs.map((v) => v.serverIdleRss / 2 ** 20), 1),
      'server peak RSS MB': med(vs.map(peak), 1),
      'peak RSS per run': vs.map((v) => round(peak(v), 0)).join(' / '),
      'driver RSS MB': med(vs.map((v) => v.driverPeakRss / 2 ** 20), 1),
      'server CPU s': med(vs.map((v) => v.server.cpuMs / 1000), 1),
      'simulator CPU s': med(vs.map((v) => v.sim.cpuMs / 1000), 1),
      'log lines': med(vs.map((v) => v.serverLog?.lines ?? NaN), 0),
    };
  });
  return renderTable({ title: 'import-scale', rows });
}

/** Targets of the stored runs: how often each was met. */
function targets(runs: Stored[]): string {
  const whats = [...new Set(runs.flatMap((r) => r.targets.map((t) => t.what)))];
  const rows: Row[] = whats.map((what) => {
    const ts = runs.map((r) => r.targets.find((t) => t.what === what)).filter((t) => t !== undefined);
    return { target: what, want: ts.at(-1)?.target ?? '', 'measured per run': ts.map((t) => t.measured.split(' (')[0]).join(' / '), met: `${ts.filter((t) => t.met).length} of ${ts.length}` };
  });
  return renderTable({ title: 'targets', rows });
}

export function summarize(names: string[], last: number): string {
  const wanted = names.length > 0 ? names : ['provisioning-run', 'scim-overhead', 'import-scale', 'group-burst'];
  const out: string[] = [];
  for (const name of wanted) {
    const runs = load(name, last);
    if (runs.length === 0) {
      out.push(`${name}: no stored full runs in ${RESULTS_DIR}\n`);
      continue;
    }
    out.push(`### ${name}: medians of ${runs.length} run(s), ${runs[0]?.date} … ${runs.at(-1)?.date}`);
    if (name === 'provisioning-run') out.push(provisioning(runs));
    else if (name === 'scim-overhead') out.push(overhead(runs));
    else if (name === 'import-scale') out.push(importScale(runs));
    out.push(targets(runs));
  }
  return out.join('\n');
}
