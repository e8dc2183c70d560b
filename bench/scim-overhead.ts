/**
 * Benchmark 2: what the SCIM layer itself costs. Every side runs in its own child process and
 * autocannon (10 connections) runs in the driver. Ours runs twice, at LOG_LEVEL=info (as
 * deployed; the targets are read there) and at silent, each its own server process.
 *
 * Part A, "ours vs bare Fastify": the production wiring (`startServer` from src/runtime.ts, config
 * from the environment, the production logger writing to a file) with only Jamf replaced by the
 * in-memory fake, so only our code is measured (routing, auth, JSON parsing, validation, filter
 * and PATCH handling, mapping, the SQLite store, metrics, logging), against a bare Fastify route
 * that returns the same response body with no auth, parsing or mapping (the ceiling).
 *
 * Part B, "end to end vs the simulator alone": `node dist/server.js` against a simulator with no
 * latency, against a client that sends the equivalent Jamf calls to that simulator directly.
 *
 * The machine's speed swings from minute to minute, so each row alternates short rounds of the
 * sides and reports the median of the per-round ratios (support/rounds.ts).
 */
import type { AutocannonRequest } from 'autocannon';
import { startChild } from './support/child.js';
import { BENCH_TOKEN, type SimStateSummary } from './support/ipc.js';
import { requestLineCheck, type ServerLog } from './support/log-count.js';
import type { Bench, BenchResult, Row } from './support/report.js';
import { CONNECTIONS, measure, type RowResult, type Settings, type Side, type Tally } from './support/rounds.js';
import { createScimClient, PATCH_SCHEMA, simulatorToken, USER_SCHEMA } from './support/scim-http.js';
import { startScimServer, type ScimServer, type ScimServerOptions } from './support/scim-server.js';
import { round } from './support/stats.js';

const FULL: Settings = { rounds: 5, seconds: 1, warmupSeconds: 0.5 };
const QUICK: Settings = { rounds: 1, seconds: 0.3, warmupSeconds: 0 };

/** Ours at each level; the targets are evaluated on the first, as deployed. */
const LEVELS = ['info', 'silent'] as const;
type Level = (typeof LEVELS)[number];

const scimHeaders: Record<string, string> = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/scim+json; charset=utf-8', accept: 'application/scim+json' };
const patch = (ops: unknown[]) => JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: ops });

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
const ALL_ROWS: Array<{ key: RowKey; name: string; target: number }> = [
  { key: 'getById', name: 'GET /Users/{id}', target: 0.6 },
  { key: 'filter', name: 'GET /Users?filter=userName eq', target: 0.5 },
  { key: 'patchTitle', name: 'PATCH /Users/{id} (title)', target: 0.4 },
  { key: 'page', name: 'GET /Users?count=100', target: 0.3 },
  { key: 'patchGroup', name: 'PATCH /Groups/{id} (add member)', target: 0.5 },
  // Last: it grows the directory, which the other rows should not see.
  { key: 'post', name: 'POST /Users', target: 0.4 },
];
// BENCH_ROWS=getById,patchTitle (diagnostics): only those rows, e.g. to profile one of them.
const wantedRows = process.env.BENCH_ROWS?.split(',').map((r) => r.trim());
const ROWS = wantedRows ? ALL_ROWS.filter((r) => wantedRows.includes(r.key)) : ALL_ROWS;

interface Ours {
  servers: Record<Level, ScimServer>;
  tallies: Record<Level, Tally>;
}

async function startOurs(jamf: ScimServerOptions['jamf'], part: string): Promise<Ours> {
  const servers = {} as Record<Level, ScimServer>;
  try {
    for (const level of LEVELS) servers[level] = await startScimServer({ jamf, logLevel: level, label: `overhead-${part}-${level}` });
  } catch (err) {
    await Promise.all(Object.values(servers).map((x) => x.stop()));
    throw err;
  }
  const tallies = Object.fromEntries(LEVELS.map((l) => [l, { completed: 0, sent: 0 }])) as Record<Level, Tally>;
  return { servers, tallies };
}

/** Stops both servers and checks their logs: one request line per request at info, nothing at silent. */
async function stopOurs(ours: Ours, part: string): Promise<{ logs: Record<Level, ServerLog>; checks: BenchResult['checks'] }> {
  const logs = {} as Record<Level, ServerLog>;
  const checks: BenchResult['checks'] = [];
  for (const level of LEVELS) {
    const log = await ours.servers[level].stop();
    logs[level] = log;
    const t = ours.tallies[level];
    checks.push(requestLineCheck(`${part} ours`, level, log, { min: t.completed, max: t.sent }));
  }
  return { logs, checks };
}

interface PartResult {
  rows: RowResult[];
  logs: Record<Level, ServerLog>;
  checks: BenchResult['checks'];
}

const oursSide = (ours: Ours, level: Level, request: Side['request']): Side => ({
  url: ours.servers[level].origin,
  headers: scimHeaders,
  request,
  tally: ours.tallies[level],
});

/** Part A: ours (fake backend) vs a bare route answering our own response, byte for byte. */
async function partA(s: Settings, log: (l: string) => void): Promise<PartResult> {
  const ours = await startOurs({ fake: { fakeSeedUsers: 1000, fakeSeedGroups: 1 } }, 'A');
  const base = await startChild('baseline', {});
  let stopped: Awaited<ReturnType<typeof stopOurs>> | undefined;
  try {
    const info = ours.servers.info.info;
    const ids = (info.userIds as number[]).map(String);
    const names = (info.userIds as number[]).map((id) => `user${id}`);
    const groupId = String((info.groupIds as number[])[0]);
    const prefix = new URL(ours.servers.info.url).pathname;
    const results: RowResult[] = [];
    for (const { key, name, target } of ROWS) {
      const reqs = Object.fromEntries(LEVELS.map((l) => [l, scimRequests(prefix, ids, names, groupId, `a${l}${Date.now()}`)[key]])) as Record<Level, Side['request']>;
      // The baseline answers what ours answers to the same request.
      const sample: AutocannonRequest & { method: string; path: string } = reqs.info(0);
      const client = createScimClient(ours.servers.info.url, 1);
      const res = await client.request('sample', sample.method, sample.path.slice(prefix.length), typeof sample.body === 'string' ? JSON.parse(sample.body) : undefined);
      await client.close();
      ours.tallies.info.completed++;
      ours.tallies.info.sent++;
      if (res.status >= 300) throw new Error(`${name}: sample request answered ${res.status} ${JSON.stringify(res.body)}`);
      await base.call('setResponse', { status: res.status, body: res.body === undefined ? '' : JSON.stringify(res.body) });
      const oursSides = Object.fromEntries(LEVELS.map((l) => [l, oursSide(ours, l, (n) => reqs[l](n + 1))]));
      results.push(await measure({ name, target, ours: oursSides, base: { url: base.url, headers: scimHeaders, request: (n) => reqs.info(n + 1) } }, s, log));
    }
    stopped = await stopOurs(ours, 'A');
    return { rows: results, ...stopped };
  } finally {
    if (!stopped) await Promise.all(LEVELS.map((l) => ours.servers[l].stop()));
    await base.close();
  }
}

const xmlEscape = (v: string) => v.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Part B: ours (client → simulator, no latency) vs the equivalent Jamf calls sent to the simulator directly. */
/** Part B: ours (client → simulator, no latency) vs the equivalent Jamf calls sent to the simulator directly. */
async function partB(s: Settings, log: (l: string) => void): Promise<PartResult> {
  const sim = await startChild('sim', { seedUsers: 1000, version: '11.30.1' });
  let ours: Ours | undefined;
  let stopped: Awaited<ReturnType<typeof stopOurs>> | undefined;
  try {
    const groupId = await sim.call<number>('addGroup', { name: 'Bench Group' });
    const state = await sim.call<SimStateSummary>('state');
    const users = state.users.slice(0, 1000);
    const ids = users.map((u) => String(u.id));
    const names = users.map((u) => u.name);
    ours = await startOurs({ url: sim.url, clientId: sim.info.clientId as string, clientSecret: sim.info.clientSecret as string }, 'B');
    const token = await simulatorToken(sim.url, sim.info.clientId as string, sim.info.clientSecret as string);
    const jamfHeaders = { authorization: `Bearer ${token}`, accept: 'application/xml', 'content-type': 'application/xml' };
    const at = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;
    const prefix = new URL(ours.servers.info.url).pathname;
    const tag = `b${Date.now()}`;
    // Both servers write to the one simulator: each its own userNames for POST.
    const scim = Object.fromEntries(LEVELS.map((l) => [l, scimRequests(prefix, ids, names, String(groupId), `${tag}${l}`)])) as Record<Level, ReturnType<typeof scimRequests>>;
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
      const o = ours;
      const oursSides = Object.fromEntries(LEVELS.map((l) => [l, oursSide(o, l, scim[l][key])]));
      results.push(await measure({ name: `${name} e2e`, ours: oursSides, base: { url: sim.url, headers: jamfHeaders, ...direct[key] } }, s, log));
    }
    stopped = await stopOurs(ours, 'B');
    return { rows: results, ...stopped };
  } finally {
    if (ours && !stopped) await Promise.all(LEVELS.map((l) => ours?.servers[l].stop()));
    await sim.close();
  }
}

function tableRows(results: RowResult[], baseLabel: string): Row[] {
  return results.map((r) => {
    const row: Row = { row: r.name };
    for (const l of LEVELS) {
      row[`${l} op/s`] = round(r.ours[l]?.opsPerSec ?? NaN, 0);
      row[`${l} p50/p99 ms`] = `${r.ours[l]?.p50} / ${r.ours[l]?.p99}`;
    }
    row[`${baseLabel} op/s`] = round(r.base.opsPerSec, 0);
    row[`${baseLabel} p50/p99 ms`] = `${r.base.p50} / ${r.base.p99}`;
    for (const l of LEVELS) {
      const per = r.rounds.map((x) => x.ratios[l] as number);
      row[`ratio ${l}`] = round(r.ratios[l] ?? NaN, 2);
      row[`${l} range`] = `${round(Math.min(...per), 2)}–${round(Math.max(...per), 2)}`;
    }
    if (r.target !== undefined) row[`target (${LEVELS[0]})`] = `≥ ${r.target}`;
    return row;
  });
}

const logNote = (part: string, logs: Record<Level, ServerLog>) =>
  `${part}: ours at info wrote ${logs.info.requestLines} request lines, ${logs.info.lines} lines in all (${(logs.info.bytes / 2 ** 20).toFixed(1)} MB); at silent ${logs.silent.lines} lines.`;

export const scimOverhead: Bench = async ({ quick, log }) => {
  const started = performance.now();
  const s = quick ? QUICK : FULL;
  log('  part A: ours (production wiring, in-memory Jamf) vs bare Fastify');
  const a = await partA(s, log);
  // BENCH_PART=A (diagnostics): part A alone, e.g. to profile the SCIM layer without part B's servers.
  const skipB = process.env.BENCH_PART === 'A';
  if (!skipB) log('  part B: ours end to end (node dist/server.js) vs the simulator alone');
  const b: PartResult | null = skipB ? null : await partB(s, log);
  const failures = [...a.rows, ...(b?.rows ?? [])].flatMap((r) => {
    const bad: string[] = [];
    for (const l of LEVELS) {
      const o = r.ours[l];
      if (o && o.non2xx + o.errors > 0) bad.push(`${r.name}: ours (${l}) ${o.non2xx} non-2xx, ${o.errors} errors`);
    }
    if (r.base.non2xx + r.base.errors > 0) bad.push(`${r.name}: baseline ${r.base.non2xx} non-2xx, ${r.base.errors} errors`);
    return bad;
  });
  const result: BenchResult = {
    name: 'scim-overhead',
    quick,
    elapsedMs: performance.now() - started,
    tables: [
      { title: `A. ours (production wiring, in-memory Jamf fake) at info and silent vs a bare Fastify route with the same response — ${CONNECTIONS} connections, ${s.rounds} round(s)`, rows: tableRows(a.rows, 'bare') },
      ...(b ? [{ title: 'B. ours end to end (node dist/server.js → simulator, no latency) vs the equivalent Jamf calls sent to the simulator directly', rows: tableRows(b.rows, 'sim alone') }] : []),
    ],
    targets: a.rows.map((r) => ({
      what: `${r.name} ours/bare at LOG_LEVEL=info`,
      target: `≥ ${r.target ?? 0}`,
      measured: `${round(r.ratios.info ?? NaN, 2)} (silent ${round(r.ratios.silent ?? NaN, 2)})`,
      met: (r.ratios.info ?? 0) >= (r.target ?? 0),
    })),
    checks: [{ what: 'every measured request answered 2xx', ok: failures.length === 0, detail: failures.join('; ') || undefined }, ...a.checks, ...(b?.checks ?? [])],
    notes: [
      quick
        ? `quick: one round of ${s.seconds} s per side, no warm-up — the figures mean little, the run keeps the script working`
        : `${s.rounds} rounds of ${s.seconds} s per side (info, silent, baseline; the order rotates) after a ${s.warmupSeconds} s warm-up per side; op/s and latencies are medians of the rounds`,
      'Part B "sim alone" latencies are per Jamf call; for PATCH /Users the simulator-alone op/s is calls/s ÷ 2 (read + PUT).',
      'Ours logs through the production logger (src/log.ts) to a file, metrics on, as src/runtime.ts wires it. Part A has no Jamf client, so no per-Jamf-call log lines or metrics; part B has them.',
      logNote('A', a.logs),
      ...(b ? [logNote('B', b.logs)] : ['part B skipped (BENCH_PART=A)']),
    ],
    data: { settings: s, levels: LEVELS, partA: a.rows, partB: b?.rows ?? [], logs: { partA: a.logs, partB: b?.logs } },
  };
  return result;
};
