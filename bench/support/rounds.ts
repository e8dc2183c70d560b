/**
 * Alternating autocannon rounds for scim-overhead: several sides of one row (ours at two log
 * levels, and the baseline) each run a short round in turn, the order rotating every round, so a
 * drift in machine speed favours none; ratios are the medians of the per-round ratios.
 */
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { median, round } from './stats.js';

export const CONNECTIONS = 10;

export interface Settings {
  rounds: number;
  /** Seconds per side per round. */
  seconds: number;
  warmupSeconds: number;
}

/** One side of a row: the requests one autocannon connection loops over, and how many make one operation. */
export interface Side {
  url: string;
  headers: Record<string, string>;
  /** Called per request with a counter shared by all connections of this side. */
  request: (n: number) => AutocannonRequest & { method: string; path: string };
  /** Requests per SCIM operation (e.g. 2 for read + PUT); throughput is divided by it. */
  callsPerOp?: number;
  /** Counts what this side sent, to check the server's request log lines against. */
  tally?: Tally;
}

/** Requests sent to one server: `completed` got an answer; `sent` includes those abandoned at the end of a run. */
export interface Tally {
  completed: number;
  sent: number;
}

export interface SideStats {
  opsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Requests sent per side so far, across rounds (POST needs a new userName every time). */
const counters = new WeakMap<Side, number>();

export async function fire(side: Side, seconds: number): Promise<SideStats> {
  let n = counters.get(side) ?? 0;
  const first = side.request(n);
  const result: AutocannonResult = await autocannon({
    url: side.url,
    connections: CONNECTIONS,
    duration: seconds,
    // autocannon stops at the first sample tick after `duration`; the default 1 s tick would
    // stretch a 1 s run to 2 s.
    sampleInt: 100,
    headers: side.headers,
    requests: [
      {
        method: first.method,
        setupRequest: (req) => {
          const next = side.request(n++);
          return { ...req, ...next, headers: { ...side.headers, ...(req.headers ?? {}), ...(next.headers ?? {}) } };
        },
      },
    ],
  });
  counters.set(side, n);
  if (side.tally) {
    side.tally.completed += result.requests.total;
    side.tally.sent += result.requests.sent;
  }
  const perOp = side.callsPerOp ?? 1;
  return {
    opsPerSec: result.requests.total / result.duration / perOp,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export interface Row {
  name: string;
  target?: number;
  /** Ours by log level, e.g. `{ info, silent }`. */
  ours: Record<string, Side>;
  base: Side;
}

export interface RowResult {
  name: string;
  target?: number;
  rounds: Array<{ ours: Record<string, SideStats>; base: SideStats; ratios: Record<string, number> }>;
  /** Median per-round ratio, by log level. */
  ratios: Record<string, number>;
  ours: Record<string, SideStats>;
  base: SideStats;
}

const pick = (all: SideStats[]): SideStats => ({
  opsPerSec: median(all.map((x) => x.opsPerSec)),
  p50: median(all.map((x) => x.p50)),
  p99: median(all.map((x) => x.p99)),
  non2xx: all.reduce((sum, x) => sum + x.non2xx, 0),
  errors: all.reduce((sum, x) => sum + x.errors, 0),
});

export async function measure(row: Row, s: Settings, log: (l: string) => void): Promise<RowResult> {
  const levels = Object.keys(row.ours);
  const sides: Array<[string | undefined, Side]> = [...levels.map((l): [string, Side] => [l, row.ours[l] as Side]), [undefined, row.base]];
  if (s.warmupSeconds > 0) for (const [, side] of sides) await fire(side, s.warmupSeconds);
  const rounds: RowResult['rounds'] = [];
  for (let r = 0; r < s.rounds; r++) {
    const ours: Record<string, SideStats> = {};
    let base: SideStats | undefined;
    for (let k = 0; k < sides.length; k++) {
      const [level, side] = sides[(r + k) % sides.length] as [string | undefined, Side];
      const stats = await fire(side, s.seconds);
      if (level === undefined) base = stats;
      else ours[level] = stats;
    }
    const b = base as SideStats;
    rounds.push({ ours, base: b, ratios: Object.fromEntries(levels.map((l) => [l, (ours[l] as SideStats).opsPerSec / b.opsPerSec])) });
  }
  const result: RowResult = {
    name: row.name,
    target: row.target,
    rounds,
    ratios: Object.fromEntries(levels.map((l) => [l, median(rounds.map((x) => x.ratios[l] as number))])),
    ours: Object.fromEntries(levels.map((l) => [l, pick(rounds.map((x) => x.ours[l] as SideStats))])),
    base: pick(rounds.map((x) => x.base)),
  };
  const shown = levels.map((l) => `${l} ${round(result.ours[l]?.opsPerSec ?? NaN, 0)} (${round(result.ratios[l] ?? NaN, 2)})`).join(', ');
  log(`  ${row.name}: ${shown} vs ${round(result.base.opsPerSec, 0)} op/s`);
  return result;
}
