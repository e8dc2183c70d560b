/**
 * Benchmark 3: Okta's full import (GET /Users?startIndex=…&count=100, one page after the other)
 * over 50,000 Jamf users, on Jamf Pro 11.30.1 (`/api/v1/users`: one call per page) and 11.25.0
 * (Classic fallback: the id list plus 100 reads per page). The server and the simulator each run
 * in a child process, so the server's RSS is its own; the driver's is reported beside it.
 * Simulator: the same latency profile as provisioning-run (20 ms + 0..5 ms, 5 served at once).
 */
import { startChild, type Child } from './support/child.js';
import type { ChildUsage } from './support/ipc.js';
import type { Bench, BenchResult, Row } from './support/report.js';
import { createScimClient, expectStatus } from './support/scim-http.js';
import { mb, percentile, round } from './support/stats.js';

const PAGE = 100;
const RSS_LIMIT_MB = 200;

interface Settings {
  users: number;
  /** Classic pages measured at most, and the time box for them; the rest is extrapolated. */
  classicMaxPages: number;
  classicMaxSeconds: number;
}

const FULL: Settings = { users: 50_000, classicMaxPages: 50, classicMaxSeconds: 75 };
const QUICK: Settings = { users: 1_000, classicMaxPages: 3, classicMaxSeconds: 10 };

interface VariantResult {
  version: string;
  api: string;
  totalResults: number;
  pagesMeasured: number;
  pagesTotal: number;
  usersListed: number;
  wallMs: number;
  /** For the whole import: measured, or extrapolated from the pages measured. */
  projectedWallMs: number;
  extrapolated: boolean;
  jamfCalls: Record<string, number>;
  jamfCallsTotal: number;
  /** Minimum for the pages measured (design.md §5), version call included. */
  minCalls: number;
  projectedCalls: number;
  pageP50Ms: number;
  pageP99Ms: number;
  server: ChildUsage;
  serverIdleRss: number;
  sim: ChildUsage;
  driverPeakRss: number;
  orderOk: boolean;
}

const isTokenRoute = (key: string) => /\/(oauth|auth)\//.test(key);

async function runVariant(version: string, s: Settings, log: (l: string) => void): Promise<VariantResult> {
  const classic = version === '11.25.0';
  const sim = await startChild('sim', { seedUsers: s.users, seedGroups: 10, latencyMs: 20, jitterMs: 5, maxConcurrent: 5, version });
  let server: Child | undefined;
  try {
    server = await startChild('scim', {
      backend: 'jamf',
      jamfUrl: sim.url,
      clientId: sim.info.clientId as string,
      clientSecret: sim.info.clientSecret as string,
      maxConcurrency: 5,
    });
    const serverIdleRss = (await server.usage()).rss;
    await server.call('resetPeak');
    await sim.call('resetCounters');
    const client = createScimClient(server.url, 1);
    let driverPeakRss = process.memoryUsage.rss();
    const seen = new Set<string>();
    let lastId = 0;
    let orderOk = true;
    let total = 0;
    let pages = 0;
    const t0 = performance.now();
    for (let start = 1; ; start += PAGE) {
      const res = await client.request('page', 'GET', `/Users?startIndex=${start}&count=${PAGE}`);
      expectStatus(res, 200, `page ${start}`);
      pages++;
      total = res.body.totalResults as number;
      for (const u of res.body.Resources as Array<{ id: string }>) {
        const id = Number(u.id);
        // Stable order across pages (A1.1): Jamf users by id.
        if (id <= lastId || seen.has(u.id)) orderOk = false;
        lastId = id;
        seen.add(u.id);
      }
      driverPeakRss = Math.max(driverPeakRss, process.memoryUsage.rss());
      if (start + PAGE > total) break;
      if (classic && (pages >= s.classicMaxPages || performance.now() - t0 > s.classicMaxSeconds * 1000)) break;
      if (pages % 50 === 0) log(`    ${version}: ${pages} pages, ${round((performance.now() - t0) / 1000, 1)} s`);
    }
    const wallMs = performance.now() - t0;
    const pageMs = client.latencies.get('page') ?? [];
    await client.close();
    const counters = await sim.call<Record<string, number>>('counters');
    const jamfCalls = Object.fromEntries(Object.entries(counters).filter(([k]) => !isTokenRoute(k)));
    const jamfCallsTotal = Object.values(jamfCalls).reduce((a, b) => a + b, 0);
    const pagesTotal = Math.ceil(total / PAGE);
    const usersOnMeasuredPages = seen.size;
    // design.md §5: 1 call per page on ≥ 11.26; otherwise the list plus one read per user on the page.
    const minCalls = 1 + (classic ? pages + usersOnMeasuredPages : pages);
    const perPageCalls = (jamfCallsTotal - 1) / pages;
    const extrapolated = pages < pagesTotal;
    return {
      version,
      api: classic ? 'Classic list + reads' : '/api/v1/users',
      totalResults: total,
      pagesMeasured: pages,
      pagesTotal,
      usersListed: usersOnMeasuredPages,
      wallMs,
      projectedWallMs: extrapolated ? (wallMs / pages) * pagesTotal : wallMs,
      extrapolated,
      jamfCalls,
      jamfCallsTotal,
      minCalls,
      projectedCalls: extrapolated ? Math.round(1 + perPageCalls * pagesTotal) : jamfCallsTotal,
      pageP50Ms: percentile(pageMs, 50),
      pageP99Ms: percentile(pageMs, 99),
      server: await server.usage(),
      serverIdleRss,
      sim: await sim.usage(),
      driverPeakRss,
      orderOk,
    };
  } finally {
    await server?.close();
    await sim.close();
  }
}

export const importScale: Bench = async ({ quick, log }) => {
  const started = performance.now();
  const s = quick ? QUICK : FULL;
  const variants: VariantResult[] = [];
  for (const version of ['11.30.1', '11.25.0']) {
    log(`  ${version}: ${s.users} users…`);
    variants.push(await runVariant(version, s, log));
  }
  const rows: Row[] = variants.map((v) => ({
    'Jamf Pro': `${v.version} (${v.api})`,
    'pages measured': `${v.pagesMeasured} / ${v.pagesTotal}`,
    'wall s': round(v.wallMs / 1000, 1),
    'whole import s': `${round(v.projectedWallMs / 1000, 1)}${v.extrapolated ? ' (extrapolated)' : ''}`,
    'Jamf calls': v.jamfCallsTotal,
    'min calls': v.minCalls,
    'whole import calls': `${v.projectedCalls}${v.extrapolated ? ' (extrapolated)' : ''}`,
    'page p50 ms': round(v.pageP50Ms, 0),
    'page p99 ms': round(v.pageP99Ms, 0),
    'server idle RSS MB': mb(v.serverIdleRss),
    'server peak RSS MB': mb(v.server.peakRss),
    'server maxRSS MB': mb(v.server.maxRss),
    'driver RSS MB': mb(v.driverPeakRss),
    'simulator maxRSS MB': mb(v.sim.maxRss),
    'server CPU s': round(v.server.cpuMs / 1000, 1),
    'simulator CPU s': round(v.sim.cpuMs / 1000, 1),
  }));
  const result: BenchResult = {
    name: 'import-scale',
    quick,
    elapsedMs: performance.now() - started,
    tables: [{ title: `Okta-style import of ${s.users} Jamf users, pages of ${PAGE}, one page at a time`, rows }],
    targets: variants.flatMap((v) => [
      {
        what: `server peak RSS, ${v.version}`,
        target: `< ${RSS_LIMIT_MB} MB`,
        measured: `${mb(Math.max(v.server.peakRss, v.server.maxRss))} MB`,
        met: Math.max(v.server.peakRss, v.server.maxRss) < RSS_LIMIT_MB * 2 ** 20,
      },
      { what: `Jamf calls = minimum for the pages read, ${v.version}`, target: `${v.minCalls}`, measured: `${v.jamfCallsTotal} ${JSON.stringify(v.jamfCalls)}`, met: v.jamfCallsTotal === v.minCalls },
    ]),
    checks: variants.flatMap((v) => [
      { what: `${v.version}: totalResults = ${s.users}, ids unique and ascending across pages`, ok: v.totalResults === s.users && v.orderOk && v.usersListed === Math.min(s.users, v.pagesMeasured * PAGE) },
    ]),
    notes: [
      `Classic fallback: at most ${s.classicMaxPages} pages or ${s.classicMaxSeconds} s are measured (each page is 1 list call + 100 reads, 5 at a time, at 20–25 ms each); "whole import" figures for it are that rate × ${Math.ceil(s.users / PAGE)} pages, not a measurement. Its RSS is measured over the pages read; every page re-reads the full id list, so it is the steady state.`,
      'Server and simulator run as plain node processes (bench/support/build-child.ts), as `node dist/server.js` runs in production.',
    ],
    data: { settings: s, variants },
  };
  return result;
};
