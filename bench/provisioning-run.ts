/**
 * Benchmark 1: a Jamf-bound provisioning run. An Okta-like IdP drives the server as production
 * runs it (`node dist/server.js`, JAMF_MAX_CONCURRENCY=5, SQLite file, LOG_LEVEL=info) over HTTP
 * with at most 10 requests in flight; the simulator (a child: 18 ms + uniform 0..4 ms latency,
 * mean 20 ms, 5 served at once) plays Jamf Pro. Reports Jamf calls against the design.md §5 minimum per operation, wall time
 * against the floor that minimum implies, SCIM latency per operation, the server's peak RSS,
 * and checks that Jamf ends up exactly as the workload implies.
 */
import { measureReference, userName, verify, type Sizes } from './provisioning-checks.js';
import { startChild } from './support/child.js';
import type { SimStateSummary } from './support/ipc.js';
import { requestLineCheck, type ServerLog } from './support/log-count.js';
import type { Bench, BenchResult, Row } from './support/report.js';
import { startScimServer, type ScimServer } from './support/scim-server.js';
import { createScimClient, expectStatus, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, type ScimClient } from './support/scim-http.js';
import { mapLimit, mb, median, percentile, round } from './support/stats.js';

// Uniform 18..22 ms: a mean of 20 ms, the latency the floor is computed at.
const LATENCY_MS = 18;
const JITTER_MS = 4;
const MEAN_LATENCY_MS = LATENCY_MS + JITTER_MS / 2;
const TARGET = { wallPerFloor: 1.1, wallPerAchievable: 1.03, slotMs: 21 };
const JAMF_CONCURRENCY = 5;
const IN_FLIGHT = 10;
const PAGE = 100;

const FULL: Sizes = { users: 2000, groups: 40, membersPerGroup: 50, profilePatches: 400, deactivations: 200, reactivations: 100, referenceCalls: 1000 };
const QUICK: Sizes = { users: 100, groups: 5, membersPerGroup: 20, profilePatches: 20, deactivations: 10, reactivations: 5, referenceCalls: 100 };

const R = {
  version: 'GET /api/v1/jamf-pro-version',
  userByName: 'GET /JSSResource/users/name/:name',
  userById: 'GET /JSSResource/users/id/:id',
  userCreate: 'POST /JSSResource/users/id/:id',
  userPut: 'PUT /JSSResource/users/id/:id',
  userDelete: 'DELETE /JSSResource/users/id/:id',
  groupCreate: 'POST /JSSResource/usergroups/id/:id',
  groupPut: 'PUT /JSSResource/usergroups/id/:id',
  groupList: 'GET /JSSResource/usergroups',
  apiUsers: 'GET /api/v1/users',
} as const;

const isTokenRoute = (key: string) => /\/(oauth|auth)\//.test(key);
type Counts = Record<string, number>;

function diff(after: Counts, before: Counts): Counts {
  const out: Counts = {};
  for (const [k, n] of Object.entries(after)) {
    const d = n - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

const sum = (c: Counts, filter: (k: string) => boolean = () => true) =>
  Object.entries(c).reduce((s, [k, n]) => (filter(k) ? s + n : s), 0);

interface Phase {
  name: string;
  ms: number;
  calls: Counts;
  expected: Counts;
}

export const provisioningRun: Bench = async ({ quick, log }) => {
  const started = performance.now();
  const sizes = quick ? QUICK : FULL;
  const sim = await startChild('sim', { latencyMs: LATENCY_MS, jitterMs: JITTER_MS, maxConcurrent: JAMF_CONCURRENCY, version: '11.30.1' });
  let server: ScimServer | undefined;
  let scim: ScimClient | undefined;
  try {
    server = await startScimServer({
      jamf: { url: sim.url, clientId: sim.info.clientId as string, clientSecret: sim.info.clientSecret as string },
      maxConcurrency: JAMF_CONCURRENCY,
      label: 'provisioning-run',
    });
    scim = createScimClient(server.url, IN_FLIGHT);
    const client = scim;
    server.resetPeak();
    await sim.call('resetCounters');
    const driverCpuStart = (process.cpuUsage().user + process.cpuUsage().system) / 1000;

    const phases: Phase[] = [];
    let before: Counts = {};
    const phase = async (name: string, expected: () => Counts, work: () => Promise<void>) => {
      log(`  ${name}…`);
      const t0 = performance.now();
      await work();
      const ms = performance.now() - t0;
      const now = await sim.call<Counts>('counters');
      phases.push({ name, ms, calls: diff(now, before), expected: expected() });
      before = now;
    };

    // ---- 1. users: Okta's existence check, then a create when there is no match (idp-behaviour A1.1) ----
    const scimIds: string[] = new Array(sizes.users);
    let creates = 0;
    await phase(
      'users: filter + create',
      () => ({ [R.userByName]: sizes.users, [R.userCreate]: creates }),
      async () => {
        await mapLimit(Array.from({ length: sizes.users }, (_, i) => i), IN_FLIGHT, async (i) => {
          const name = userName(i);
          const found = await client.request('filter userName eq', 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}&startIndex=1&count=100`);
          expectStatus(found, 200, 'filter');
          if (found.body.totalResults > 0) {
            scimIds[i] = found.body.Resources[0].id as string;
            return;
          }
          creates++;
          const res = await client.request('POST /Users', 'POST', '/Users', {
            schemas: [USER_SCHEMA],
            userName: name,
            name: { givenName: `Okta${i}`, familyName: 'User' },
            emails: [{ primary: true, value: name, type: 'work' }],
            displayName: `Okta${i} User`,
            locale: 'en-US',
            externalId: `00u${String(i).padStart(17, '0')}`,
            groups: [],
            password: 'placeholder-Okta-always-sends',
            active: true,
          });
          expectStatus(res, 201, 'create user');
          scimIds[i] = res.body.id as string;
        });
      },
    );

    // ---- 2. Group Push (A1.2): POST with members [], then one PATCH that carries Okta's rename
    // replace (sent on every push) and the member additions ----
    const groupIds: string[] = new Array(sizes.groups);
    const groupName = (g: number) => `Okta Pushed Group ${g}`;
    const membersOf = (g: number) => Array.from({ length: sizes.membersPerGroup }, (_, k) => g * sizes.membersPerGroup + k);
    await phase(
      'groups: POST + PATCH add',
      () => ({ [R.groupCreate]: sizes.groups, [R.groupPut]: sizes.groups }),
      async () => {
        await mapLimit(Array.from({ length: sizes.groups }, (_, g) => g), IN_FLIGHT, async (g) => {
          const created = await client.request('POST /Groups', 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: groupName(g), members: [] });
          expectStatus(created, 201, 'create group');
          const id = created.body.id as string;
          groupIds[g] = id;
          const res = await client.request('PATCH /Groups add', 'PATCH', `/Groups/${id}`, {
            schemas: [PATCH_SCHEMA],
            Operations: [
              { op: 'replace', value: { id, displayName: groupName(g) } },
              { op: 'add', path: 'members', value: membersOf(g).map((i) => ({ value: scimIds[i], display: userName(i) })) },
            ],
          });
          expectStatus(res, 204, 'patch group');
        });
      },
    );
    const groupOfUser = (i: number) => Math.floor(i / sizes.membersPerGroup);
    const inAGroup = (i: number) => groupOfUser(i) < sizes.groups;

    // ---- 3. profile updates (replace title) on the first users ----
    const profiled = Array.from({ length: sizes.profilePatches }, (_, k) => k);
    await phase(
      'profile PATCH (title)',
      () => ({ [R.userById]: profiled.length, [R.userPut]: profiled.length }),
      async () => {
        await mapLimit(profiled, IN_FLIGHT, async (i) => {
          const res = await client.request('PATCH /Users title', 'PATCH', `/Users/${scimIds[i]}`, {
            schemas: [PATCH_SCHEMA],
            Operations: [{ op: 'replace', path: 'title', value: `Title ${i}` }],
          });
          expectStatus(res, 200, 'profile patch');
        });
      },
    );

    // ---- 4. deactivations (Okta OIN: replace without path, value {active:false}) on users the
    // profile phase did not touch ----
    const firstDeactivated = Math.max(sizes.profilePatches, Math.floor(sizes.users / 2));
    const deactivated = Array.from({ length: sizes.deactivations }, (_, k) => firstDeactivated + k);
    await phase(
      'deactivate (PATCH active false)',
      () => ({ [R.userById]: deactivated.length, [R.userDelete]: deactivated.length }),
      async () => {
        await mapLimit(deactivated, IN_FLIGHT, async (i) => {
          const res = await client.request('PATCH /Users deactivate', 'PATCH', `/Users/${scimIds[i]}`, {
            schemas: [PATCH_SCHEMA],
            Operations: [{ op: 'replace', value: { active: false } }],
          });
          expectStatus(res, 200, 'deactivate');
          if (res.body.active !== false) throw new Error(`deactivate: user ${scimIds[i]} still active`);
        });
      },
    );

    // ---- 5. reactivations of the first deactivated users: 1 create + 1 group PUT per group to restore ----
    const reactivated = deactivated.slice(0, sizes.reactivations);
    const restoredGroups = reactivated.filter(inAGroup).length;
    await phase(
      'reactivate (PATCH active true)',
      () => ({ [R.userCreate]: reactivated.length, [R.groupPut]: restoredGroups }),
      async () => {
        await mapLimit(reactivated, IN_FLIGHT, async (i) => {
          const res = await client.request('PATCH /Users reactivate', 'PATCH', `/Users/${scimIds[i]}`, {
            schemas: [PATCH_SCHEMA],
            Operations: [{ op: 'replace', value: { active: true } }],
          });
          expectStatus(res, 200, 'reactivate');
          if (res.body.active !== true || res.body.id !== scimIds[i]) throw new Error(`reactivate: ${scimIds[i]} came back as ${res.body.id}/${res.body.active}`);
        });
      },
    );

    // ---- 6. full user import, pages of 100: page 1 gives totalResults, the rest go ≤ 10 at a time ----
    const listed = new Map<string, { userName: string; active: boolean }>();
    let userPages = 0;
    await phase(
      'import GET /Users (pages of 100)',
      () => ({ [R.version]: 1, [R.apiUsers]: userPages }),
      async () => {
        const fetchPage = async (start: number) => {
          const res = await client.request('GET /Users page', 'GET', `/Users?startIndex=${start}&count=${PAGE}`);
          expectStatus(res, 200, 'import page');
          for (const u of res.body.Resources as Array<{ id: string; userName: string; active: boolean }>) {
            listed.set(u.id, { userName: u.userName, active: u.active });
          }
          return res.body.totalResults as number;
        };
        const total = await fetchPage(1);
        const starts: number[] = [];
        for (let s = 1 + PAGE; s <= total; s += PAGE) starts.push(s);
        userPages = 1 + starts.length;
        await mapLimit(starts, IN_FLIGHT, fetchPage);
      },
    );

    // ---- 7. group import without members ----
    const listedGroups = new Map<string, string>();
    let groupPages = 0;
    await phase(
      'import GET /Groups?excludedAttributes=members',
      () => ({ [R.groupList]: groupPages }),
      async () => {
        const fetchPage = async (start: number) => {
          const res = await client.request('GET /Groups page', 'GET', `/Groups?excludedAttributes=members&startIndex=${start}&count=${PAGE}`);
          expectStatus(res, 200, 'group import page');
          for (const g of res.body.Resources as Array<{ id: string; displayName: string }>) listedGroups.set(g.id, g.displayName);
          return res.body.totalResults as number;
        };
        const total = await fetchPage(1);
        const starts: number[] = [];
        for (let s = 1 + PAGE; s <= total; s += PAGE) starts.push(s);
        groupPages = 1 + starts.length;
        await mapLimit(starts, IN_FLIGHT, fetchPage);
      },
    );

    const workloadMs = phases.reduce((s, p) => s + p.ms, 0);
    const serverUsage = server.usage();
    const simUsage = await sim.usage();
    const driverCpuMs = (process.cpuUsage().user + process.cpuUsage().system) / 1000 - driverCpuStart;
    const finalCounters = await sim.call<Counts>('counters');
    const state = await sim.call<SimStateSummary>('state');

    // ---- what one Jamf call really costs the simulator: the same latency knobs, 5 at a time ----
    const reference = await measureReference(sim, sizes.referenceCalls);

    // ---- call budget: under concurrency coalesced group writes may go below the minimum ----
    const callRows: Row[] = [];
    let minTotal = 0;
    let actualTotal = 0;
    const differences: string[] = [];
    const overBudget: string[] = [];
    for (const p of phases) {
      const api = Object.fromEntries(Object.entries(p.calls).filter(([k]) => !isTokenRoute(k)));
      const routes = new Set([...Object.keys(api), ...Object.keys(p.expected)]);
      const exp = sum(p.expected);
      const act = sum(api);
      minTotal += exp;
      actualTotal += act;
      const extra: string[] = [];
      for (const r of routes) {
        const d = (api[r] ?? 0) - (p.expected[r] ?? 0);
        if (d !== 0) extra.push(`${r} ${d > 0 ? '+' : ''}${d}`);
      }
      if (extra.length > 0) differences.push(`${p.name}: ${extra.join(', ')}`);
      if (act > exp) overBudget.push(`${p.name} ${act} > ${exp}`);
      callRows.push({ phase: p.name, 'min calls': exp, 'Jamf calls': act, 'calls / min': round(act / Math.max(1, exp), 3), 'per-route difference': extra.join('; ') || '—', 'token calls': sum(p.calls, isTokenRoute), s: round(p.ms / 1000, 2) });
    }
    const tokenCalls = sum(finalCounters, isTokenRoute);
    callRows.push({ phase: 'TOTAL', 'min calls': minTotal, 'Jamf calls': actualTotal, 'calls / min': round(actualTotal / minTotal, 3), 'per-route difference': differences.length === 0 ? '—' : `${differences.length} phase(s)`, 'token calls': tokenCalls, s: round(workloadMs / 1000, 2) });

    // ---- latency per SCIM operation ----
    const latencyRows: Row[] = [...client.latencies].map(([op, ms]) => ({
      operation: op,
      requests: ms.length,
      'p50 ms': round(percentile(ms, 50), 1),
      'p99 ms': round(percentile(ms, 99), 1),
      'max ms': round(Math.max(...ms), 1),
    }));
    const scimRequests = [...client.latencies.values()].reduce((n, l) => n + l.length, 0);

    // ---- final state check ----
    const checks = verify(sizes, state, { deactivated, reactivated, profiled, groupName, membersOf }, listed, listedGroups);

    await scim.close();
    scim = undefined;
    const serverLog: ServerLog = await server.stop();
    checks.push(requestLineCheck('server log', server.logLevel, serverLog, { min: scimRequests, max: scimRequests }));

    const floorMs = (minTotal * MEAN_LATENCY_MS) / JAMF_CONCURRENCY;
    const achievableMs = (minTotal * reference.slotMs) / JAMF_CONCURRENCY;
    const ratio = workloadMs / floorMs;
    const achievableRatio = workloadMs / achievableMs;
    const result: BenchResult = {
      name: 'provisioning-run',
      quick,
      elapsedMs: performance.now() - started,
      tables: [
        { title: 'Jamf calls per phase (simulator counters) vs the design.md §5 minimum', rows: callRows },
        { title: 'SCIM latency per operation (client side, ≤ 10 in flight)', rows: latencyRows },
        {
          title: 'Wall time, memory and log',
          rows: [
            { metric: 'workload wall time', value: `${round(workloadMs / 1000, 2)} s` },
            { metric: `floor: ${minTotal} calls × ${MEAN_LATENCY_MS} ms / ${JAMF_CONCURRENCY}`, value: `${round(floorMs / 1000, 2)} s` },
            { metric: 'wall / floor', value: `${round(ratio, 3)}×` },
            { metric: `simulator slot time per call (${reference.calls} direct GETs, 5 in flight)`, value: `${round(reference.slotMs, 2)} ms` },
            { metric: 'achievable floor: min calls × slot time / 5', value: `${round(achievableMs / 1000, 2)} s` },
            { metric: 'wall / achievable floor', value: `${round(achievableRatio, 3)}×` },
            // Where a gap to the floor lies: inside each call (its time as the server saw it, above the slot time) or between calls.
            { metric: "mean Jamf call time as the server saw it (its 'jamf call' log lines)", value: serverLog.jamfCalls > 0 ? `${round(serverLog.jamfCallMs / serverLog.jamfCalls, 2)} ms over ${serverLog.jamfCalls} calls` : 'n/a (LOG_LEVEL above info)' },
            { metric: 'workload wall × 5 / calls made (time each call held one of the 5 slots)', value: `${round((workloadMs * JAMF_CONCURRENCY) / Math.max(1, actualTotal), 2)} ms` },
            { metric: 'server peak RSS (VmRSS every 50 ms)', value: `${mb(serverUsage.peakRss)} MB` },
            { metric: 'server VmHWM', value: `${mb(serverUsage.maxRss)} MB` },
            { metric: 'CPU time: server / simulator / driver (2 cores shared)', value: `${round(serverUsage.cpuMs / 1000, 1)} / ${round(simUsage.cpuMs / 1000, 1)} / ${round(driverCpuMs / 1000, 1)} s` },
            { metric: 'Jamf token requests', value: tokenCalls },
            { metric: 'server log lines (request lines / all)', value: `${serverLog.requestLines} / ${serverLog.lines} (${mb(serverLog.bytes)} MB)` },
          ],
        },
      ],
      targets: [
        // Targets, not failing checks: the call budget is gated by the HTTP tests; here a
        // difference is shown per route (see the first table) without failing CI.
        { what: 'Jamf calls ≤ design.md §5 minimum, every phase', target: `≤ ${minTotal}`, measured: `${actualTotal}${differences.length ? ` (${differences.join(' | ')})` : ''}`, met: overBudget.length === 0 },
        { what: `wall time / floor (min calls × ${MEAN_LATENCY_MS} ms / ${JAMF_CONCURRENCY})`, target: `≤ ${TARGET.wallPerFloor}×`, measured: `${round(ratio, 3)}×`, met: ratio <= TARGET.wallPerFloor },
        { what: 'wall time / achievable floor (measured slot time)', target: `≤ ${TARGET.wallPerAchievable}×`, measured: `${round(achievableRatio, 3)}×`, met: achievableRatio <= TARGET.wallPerAchievable },
        { what: 'simulator slot time per call', target: `≤ ${TARGET.slotMs} ms`, measured: `${round(reference.slotMs, 2)} ms`, met: reference.slotMs <= TARGET.slotMs },
      ],
      checks,
      notes: [
        `Simulator latency is ${LATENCY_MS} ms + a uniform 0..${JITTER_MS} ms jitter (mean ${MEAN_LATENCY_MS} ms, the latency of the floor); the "achievable floor" uses the measured slot time of direct calls instead.`,
        'The import fetches page 1, then the remaining pages ≤ 10 at a time; Okta itself pages one at a time.',
        `Server: node dist/server.js, configured by environment only, LOG_LEVEL=${server.logLevel}, its log in a file (bench/support/scim-server.ts).`,
      ],
      data: {
        sizes,
        phases,
        finalCounters,
        workloadMs,
        floorMs,
        achievableMs,
        reference,
        serverUsage,
        simUsage,
        driverCpuMs,
        serverLog,
        scimRequests,
        latencies: Object.fromEntries([...client.latencies].map(([k, v]) => [k, { n: v.length, p50: percentile(v, 50), p99: percentile(v, 99), median: median(v) }])),
      },
    };
    return result;
  } finally {
    await scim?.close();
    await server?.stop();
    await sim.close();
  }
};
