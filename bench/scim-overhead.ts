/**
 * Benchmark 2: what the SCIM layer itself costs. Every side runs in its own child process and
 * autocannon (10 connections) runs in the driver.
 *
 * Part A, "ours vs bare Fastify": the real server wired to the in-memory Jamf fake (so only our
 * code is measured: routing, auth, JSON parsing, validation, filter and PATCH handling, mapping,
 * the SQLite store, metrics), against a bare Fastify route that returns the same response body
 * with no auth, parsing or mapping (the ceiling).
 *
 * Part B, "end to end vs the simulator alone": the server with createJamfClient against a
 * simulator with no latency, against a client that sends the equivalent Jamf calls to that
 * simulator directly (with a token).
 *
 * The machine's speed swings from minute to minute, so each row alternates short rounds of the
 * two sides and reports the median of the per-round ratios.
 */
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { startChild, type Child } from './support/child.js';
import { BENCH_TOKEN, type SimStateSummary } from './support/ipc.js';
import type { Bench, BenchResult, Row } from './support/report.js';
import { createScimClient, PATCH_SCHEMA, simulatorToken, USER_SCHEMA } from './support/scim-http.js';
import { median, round } from './support/stats.js';

const CONNECTIONS = 10;

interface Settings {
  rounds: number;
  /** Seconds per side per round. */
  seconds: number;
  warmupSeconds: number;
}

const FULL: Settings = { rounds: 5, seconds: 1, warmupSeconds: 0.5 };
const QUICK: Settings = { rounds: 1, seconds: 0.3, warmupSeconds: 0 };

/** One side of a row: the requests one autocannon connection loops over, and how many make one operation. */
interface Side {
  url: string;
  headers: Record<string, string>;
  /** Called per request with a counter shared by all connections of this side. */
  request: (n: number) => AutocannonRequest & { method: string; path: string };
  /** Requests per SCIM operation (e.g. 2 for read + PUT); throughput is divided by it. */
  callsPerOp?: number;
}

interface Row2 {
  name: string;
  target?: number;
  ours: Side;
  base: Side;
}

interface SideStats {
  opsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Requests sent per side so far, across rounds (POST needs a new userName every time). */
const sent = new WeakMap<Side, number>();

async function fire(side: Side, seconds: number): Promise<SideStats> {
  let n = sent.get(side) ?? 0;
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
  sent.set(side, n);
  const perOp = side.callsPerOp ?? 1;
  return {
    opsPerSec: result.requests.total / result.duration / perOp,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

interface RowResult {
  name: string;
  target?: number;
  rounds: Array<{ ours: SideStats; base: SideStats; ratio: number }>;
  ratio: number;
  ours: SideStats;
  base: SideStats;
}

async function measure(row: Row2, s: Settings, log: (l: string) => void): Promise<RowResult> {
  if (s.warmupSeconds > 0) {
    await fire(row.ours, s.warmupSeconds);
    await fire(row.base, s.warmupSeconds);
  }
  const rounds: RowResult['rounds'] = [];
  for (let r = 0; r < s.rounds; r++) {
    // Alternate which side goes first, so a drift in machine speed does not favour one.
    let ours: SideStats;
    let base: SideStats;
    if (r % 2 === 0) {
      ours = await fire(row.ours, s.seconds);
      base = await fire(row.base, s.seconds);
    } else {
      base = await fire(row.base, s.seconds);
      ours = await fire(row.ours, s.seconds);
    }
    rounds.push({ ours, base, ratio: ours.opsPerSec / base.opsPerSec });
  }
  const pick = (side: 'ours' | 'base'): SideStats => ({
    opsPerSec: median(rounds.map((x) => x[side].opsPerSec)),
    p50: median(rounds.map((x) => x[side].p50)),
    p99: median(rounds.map((x) => x[side].p99)),
    non2xx: rounds.reduce((sum, x) => sum + x[side].non2xx, 0),
    errors: rounds.reduce((sum, x) => sum + x[side].errors, 0),
  });
  const result = { name: row.name, target: row.target, rounds, ratio: median(rounds.map((x) => x.ratio)), ours: pick('ours'), base: pick('base') };
  log(`  ${row.name}: ${round(result.ours.opsPerSec, 0)} vs ${round(result.base.opsPerSec, 0)} op/s → ${round(result.ratio, 2)}`);
  return result;
}

const scimHeaders = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/scim+json; charset=utf-8', accept: 'application/scim+json' };
const patch = (ops: unknown[]) => JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: ops });
const originOf = (url: string) => new URL(url).origin;

/** The SCIM requests of each row, against a server whose users are `ids`/`names` and group is `groupId`. */
function scimRequests(prefix: string, ids: readonly string[], names: readonly string[], groupId: string, tag: string) {
  const at = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;
  return {
    getById: (n: number) => ({ method: 'GET', path: `${prefix}/Users/${at(ids, n)}` }),
    filter: (n: number) => ({ method: 'GET', path: `${prefix}/Users?filter=${encodeURIComponent(`userName eq "${at(names, n)}"`)}&startIndex=1&count=100` }),
    patchTitle: (n: number) => ({
      method: 'PATCH',
      path: `${prefix}/Users/${at(ids, n)}`,
      body: patch([{ op: 'replace', path: 'title', value: `Title ${tag}-${n}` }]),
    }),
    page: () => ({ method: 'GET', path: `${prefix}/Users?startIndex=1&count=100` }),
    patchGroup: (n: number) => ({
      method: 'PATCH',
      path: `${prefix}/Groups/${groupId}`,
      body: patch([{ op: 'add', path: 'members', value: [{ value: at(ids.slice(0, 100), n) }] }]),
    }),
    post: (n: number) => {
      const userName = `ac-${tag}-${n}@bench.example.com`;
      return {
        method: 'POST',
        path: `${prefix}/Users`,
        body: JSON.stringify({
          schemas: [USER_SCHEMA],
          userName,
          name: { givenName: 'Auto', familyName: `Cannon ${n}` },
          emails: [{ primary: true, value: userName, type: 'work' }],
          active: true,
        }),
      };
    },
  };
}

type RowKey = keyof ReturnType<typeof scimRequests>;
const ROWS: Array<{ key: RowKey; name: string; target: number }> = [
  { key: 'getById', name: 'GET /Users/{id}', target: 0.6 },
  { key: 'filter', name: 'GET /Users?filter=userName eq', target: 0.6 },
  { key: 'patchTitle', name: 'PATCH /Users/{id} (title)', target: 0.5 },
  { key: 'page', name: 'GET /Users?count=100', target: 0.4 },
  { key: 'patchGroup', name: 'PATCH /Groups/{id} (add member)', target: 0.5 },
  // Last: it grows the directory, which the other rows should not see.
  { key: 'post', name: 'POST /Users', target: 0.5 },
];

/** Part A: ours (fake backend) vs a bare route answering our own response, byte for byte. */
async function partA(s: Settings, log: (l: string) => void): Promise<RowResult[]> {
  const ours = await startChild('scim', { backend: 'fake', fakeSeedUsers: 1000, fakeSeedGroups: 1 });
  const base = await startChild('baseline', {});
  try {
    const ids = (ours.info.userIds as number[]).map(String);
    const names = (ours.info.userIds as number[]).map((id) => `user${id}`);
    const groupId = String((ours.info.groupIds as number[])[0]);
    const prefix = new URL(ours.url).pathname;
    const results: RowResult[] = [];
    for (const { key, name, target } of ROWS) {
      const oursReq = scimRequests(prefix, ids, names, groupId, `a${Date.now()}`)[key];
      // The baseline answers what ours answers to the same request.
      const sample: AutocannonRequest & { method: string; path: string } = oursReq(0);
      const client = createScimClient(ours.url, 1);
      const res = await client.request('sample', sample.method, sample.path.slice(prefix.length), typeof sample.body === 'string' ? JSON.parse(sample.body) : undefined);
      await client.close();
      if (res.status >= 300) throw new Error(`${name}: sample request answered ${res.status} ${JSON.stringify(res.body)}`);
      await base.call('setResponse', { status: res.status, body: res.body === undefined ? '' : JSON.stringify(res.body) });
      results.push(
        await measure(
          {
            name,
            target,
            ours: { url: originOf(ours.url), headers: scimHeaders, request: (n) => oursReq(n + 1) },
            base: { url: base.url, headers: scimHeaders, request: (n) => oursReq(n + 1) },
          },
          s,
          log,
        ),
      );
    }
    return results;
  } finally {
    await ours.close();
    await base.close();
  }
}

const xmlEscape = (v: string) => v.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Part B: ours (client → simulator, no latency) vs the equivalent Jamf calls sent to the simulator directly. */
async function partB(s: Settings, log: (l: string) => void): Promise<RowResult[]> {
  const sim = await startChild('sim', { seedUsers: 1000, version: '11.30.1' });
  let ours: Child | undefined;
  try {
    const groupId = await sim.call<number>('addGroup', { name: 'Bench Group' });
    const state = await sim.call<SimStateSummary>('state');
    const users = state.users.slice(0, 1000);
    const ids = users.map((u) => String(u.id));
    const names = users.map((u) => u.name);
    ours = await startChild('scim', { backend: 'jamf', jamfUrl: sim.url, clientId: sim.info.clientId as string, clientSecret: sim.info.clientSecret as string });
    const token = await simulatorToken(sim.url, sim.info.clientId as string, sim.info.clientSecret as string);
    const jamfHeaders = { authorization: `Bearer ${token}`, accept: 'application/xml', 'content-type': 'application/xml' };
    const at = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;
    const prefix = new URL(ours.url).pathname;
    const tag = `b${Date.now()}`;
    const scim = scimRequests(prefix, ids, names, String(groupId), tag);
    const direct: Record<RowKey, { request: Side['request']; callsPerOp?: number }> = {
      getById: { request: (n) => ({ method: 'GET', path: `/JSSResource/users/id/${at(ids, n)}` }) },
      filter: { request: (n) => ({ method: 'GET', path: `/JSSResource/users/name/${encodeURIComponent(at(names, n))}` }) },
      patchTitle: {
        // Read, then partial PUT: the two calls of a profile PATCH (design.md §5).
        request: (n) => {
          const id = at(ids, Math.floor(n / 2));
          return n % 2 === 0
            ? { method: 'GET', path: `/JSSResource/users/id/${id}` }
            : { method: 'PUT', path: `/JSSResource/users/id/${id}`, body: `<user><position>Title ${tag}-${n}</position></user>` };
        },
        callsPerOp: 2,
      },
      page: { request: () => ({ method: 'GET', path: '/api/v1/users?page=0&page-size=100&sort=id%3Aasc', headers: { accept: 'application/json' } }) },
      patchGroup: {
        request: (n) => ({
          method: 'PUT',
          path: `/JSSResource/usergroups/id/${groupId}`,
          body: `<user_group><user_additions><user><id>${at(ids.slice(0, 100), n)}</id></user></user_additions></user_group>`,
        }),
      },
      post: {
        request: (n) => {
          const name = xmlEscape(`direct-${tag}-${n}@bench.example.com`);
          return {
            method: 'POST',
            path: '/JSSResource/users/id/0',
            body: `<user><name>${name}</name><full_name>Auto Cannon ${n}</full_name><email>${name}</email><email_address>${name}</email_address></user>`,
          };
        },
      },
    };
    const results: RowResult[] = [];
    for (const { key, name } of ROWS) {
      results.push(
        await measure(
          {
            name: `${name} e2e`,
            ours: { url: originOf(ours.url), headers: scimHeaders, request: scim[key] },
            base: { url: sim.url, headers: jamfHeaders, ...direct[key] },
          },
          s,
          log,
        ),
      );
    }
    return results;
  } finally {
    await ours?.close();
    await sim.close();
  }
}

function tableRows(results: RowResult[], baseLabel: string): Row[] {
  return results.map((r) => ({
    row: r.name,
    'ours op/s': round(r.ours.opsPerSec, 0),
    'ours p50 ms': r.ours.p50,
    'ours p99 ms': r.ours.p99,
    [`${baseLabel} op/s`]: round(r.base.opsPerSec, 0),
    [`${baseLabel} p50 ms`]: r.base.p50,
    [`${baseLabel} p99 ms`]: r.base.p99,
    'ratio (median of rounds)': round(r.ratio, 2),
    'ratio range': `${round(Math.min(...r.rounds.map((x) => x.ratio)), 2)}–${round(Math.max(...r.rounds.map((x) => x.ratio)), 2)}`,
    ...(r.target === undefined ? {} : { target: `≥ ${r.target}` }),
  }));
}

export const scimOverhead: Bench = async ({ quick, log }) => {
  const started = performance.now();
  const s = quick ? QUICK : FULL;
  log('  part A: ours (in-memory Jamf) vs bare Fastify');
  const a = await partA(s, log);
  log('  part B: ours end to end vs the simulator alone');
  const b = await partB(s, log);
  const failures = [...a, ...b].flatMap((r) => {
    const bad: string[] = [];
    if (r.ours.non2xx + r.ours.errors > 0) bad.push(`${r.name}: ours ${r.ours.non2xx} non-2xx, ${r.ours.errors} errors`);
    if (r.base.non2xx + r.base.errors > 0) bad.push(`${r.name}: baseline ${r.base.non2xx} non-2xx, ${r.base.errors} errors`);
    return bad;
  });
  const result: BenchResult = {
    name: 'scim-overhead',
    quick,
    elapsedMs: performance.now() - started,
    tables: [
      { title: `A. ours (in-memory Jamf fake) vs a bare Fastify route with the same response — ${CONNECTIONS} connections, ${s.rounds} round(s)`, rows: tableRows(a, 'bare') },
      { title: 'B. ours end to end (client → simulator, no latency) vs the equivalent Jamf calls sent to the simulator directly', rows: tableRows(b, 'sim alone') },
    ],
    targets: a.map((r) => ({ what: `${r.name} ours/bare`, target: `≥ ${r.target ?? 0}`, measured: `${round(r.ratio, 2)}`, met: r.ratio >= (r.target ?? 0) })),
    checks: [{ what: 'every measured request answered 2xx', ok: failures.length === 0, detail: failures.join('; ') || undefined }],
    notes: [
      quick
        ? `quick: one round of ${s.seconds} s per side, no warm-up — the figures mean little, the run keeps the script working`
        : `${s.rounds} alternating rounds of ${s.seconds} s per side after a ${s.warmupSeconds} s warm-up per side; op/s and latencies are medians of the rounds`,
      'Part B "sim alone" latencies are per Jamf call; for PATCH /Users the simulator-alone op/s is calls/s ÷ 2 (read + PUT).',
      'Logging is off (level silent) on every side; metrics (prom-client, default metrics on) are on, as in src/runtime.ts.',
    ],
    data: { settings: s, partA: a, partB: b },
  };
  return result;
};
