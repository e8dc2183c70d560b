/** What a benchmark returns, and how `run.ts` prints and stores it. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface Table {
  title: string;
  rows: Row[];
}

export interface BenchResult {
  name: string;
  quick: boolean;
  /** Wall time of the whole benchmark, setup included, ms. */
  elapsedMs: number;
  tables: Table[];
  /** Targets: `met` false is reported, never thrown (no timing assertions, so CI cannot flake). */
  targets: Array<{ what: string; target: string; measured: string; met: boolean }>;
  /** Correctness checks (final state, 2xx answers); a failure makes `run.ts` exit non-zero. */
  checks: Array<{ what: string; ok: boolean; detail?: string }>;
  notes: string[];
  /** Everything measured, for the JSON file. */
  data: Record<string, unknown>;
}

export interface BenchOptions {
  quick: boolean;
  log: (line: string) => void;
}

export type Bench = (opts: BenchOptions) => Promise<BenchResult>;

const fmt = (c: Cell): string => (c === null ? '' : typeof c === 'number' ? String(c) : String(c));

export function renderTable(table: Table): string {
  const cols = [...new Set(table.rows.flatMap((r) => Object.keys(r)))];
  if (cols.length === 0) return `${table.title}\n  (no rows)\n`;
  const width = cols.map((c) => Math.max(c.length, ...table.rows.map((r) => fmt(r[c] ?? null).length)));
  const line = (cells: string[]) =>
    `  ${cells.map((s, i) => (i === 0 ? s.padEnd(width[i] ?? 0) : s.padStart(width[i] ?? 0))).join('  ')}`;
  return [
    table.title,
    line(cols),
    line(width.map((w) => '-'.repeat(w))),
    ...table.rows.map((r) => line(cols.map((c) => fmt(r[c] ?? null)))),
    '',
  ].join('\n');
}

export function renderResult(r: BenchResult): string {
  const out = [`== ${r.name}${r.quick ? ' (quick)' : ''}: ${(r.elapsedMs / 1000).toFixed(1)} s ==`, ''];
  for (const t of r.tables) out.push(renderTable(t));
  if (r.targets.length > 0) {
    out.push(
      renderTable({
        title: 'Targets',
        rows: r.targets.map((t) => ({ what: t.what, target: t.target, measured: t.measured, met: t.met ? 'yes' : 'NO' })),
      }),
    );
  }
  if (r.checks.length > 0) {
    out.push('Checks');
    for (const c of r.checks) out.push(`  [${c.ok ? 'ok' : 'FAIL'}] ${c.what}${c.detail ? ` — ${c.detail}` : ''}`);
    out.push('');
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export function machineNote() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', totalMemMb: Math.round(totalmem() / 2 ** 20), node: process.version };
}

/** Writes `bench/results/<name>-<timestamp>.json` and returns its path. */
export function writeResult(r: BenchResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const path = `${RESULTS_DIR}${r.name}${r.quick ? '-quick' : ''}-${stamp}.json`;
  writeFileSync(path, `${JSON.stringify({ ...r, date: new Date().toISOString(), machine: machineNote() }, null, 2)}\n`);
  return path;
}
