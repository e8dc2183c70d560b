/**
 * Benchmark: bursts of concurrent membership PATCHes to one group, as an IdP sends them when many
 * users are assigned at once. The simulator (20 ms latency, 5 served at once) loses overlapping
 * updates to one group (`concurrentWrites: 'lost-update'`, as a real Classic API may), so a
 * server that writes one group from several requests at once would lose members. Reports the
 * Jamf PUTs per burst (one writer per group merges what waits), wall time per burst, and checks
 * that every member landed.
 */
import { startChild } from './support/child.js';
import type { SimStateSummary } from './support/ipc.js';
import { requestLineCheck } from './support/log-count.js';
import type { Bench, BenchResult, Row } from './support/report.js';
import { createScimClient, PATCH_SCHEMA, type ScimClient } from './support/scim-http.js';
import { startScimServer, type ScimServer } from './support/scim-server.js';
import { median, round } from './support/stats.js';

const LATENCY_MS = 20;
const JAMF_CONCURRENCY = 5;
const PUT = 'PUT /JSSResource/usergroups/id/:id';

export const groupBurst: Bench = async ({ quick, log }) => {
  const started = performance.now();
  const bursts = quick ? 2 : 9;
  const size = 20;
  const sim = await startChild('sim', { latencyMs: LATENCY_MS, maxConcurrent: JAMF_CONCURRENCY, version: '11.30.1', concurrentWrites: 'lost-update' });
  let server: ScimServer | undefined;
  let scim: ScimClient | undefined;
  try {
    server = await startScimServer({
      jamf: { url: sim.url, clientId: sim.info.clientId as string, clientSecret: sim.info.clientSecret as string },
      maxConcurrency: JAMF_CONCURRENCY,
      label: 'group-burst',
    });
    scim = createScimClient(server.url, size);
    const client = scim;
    const rows: Row[] = [];
    const checks: BenchResult['checks'] = [];
    const puts: number[] = [];
    const walls: number[] = [];
    for (let b = 0; b < bursts; b++) {
      const users = await sim.call<number[]>('addUsers', { count: size, prefix: `burst${b}.user` });
      const group = await sim.call<number>('addGroup', { name: `Burst ${b}` });
      // The first read tells the server the group is static, as an IdP's lookup before its PATCHes does.
      await client.request('GET /Groups/{id}', 'GET', `/Groups/${group}?excludedAttributes=members`);
      await sim.call('resetCounters');
      log(`  burst ${b + 1}/${bursts}: ${size} concurrent PATCH add member…`);
      const t0 = performance.now();
      const answers = await Promise.all(
        users.map((u) =>
          client.request('PATCH /Groups add member', 'PATCH', `/Groups/${group}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: String(u) }] }] }),
        ),
      );
      const ms = performance.now() - t0;
      const counters = await sim.call<Record<string, number>>('counters');
      const peakWriters = await sim.call<number>('maxConcurrentWrites');
      const state = await sim.call<SimStateSummary>('state');
      const members = new Set(state.groups.find((g) => g.id === group)?.memberIds ?? []);
      const landed = users.filter((u) => members.has(u)).length;
      const n = counters[PUT] ?? 0;
      puts.push(n);
      walls.push(ms);
      rows.push({ burst: b + 1, PATCHes: size, '2xx': answers.filter((a) => a.status === 204).length, 'members landed': landed, 'Jamf PUTs': n, 'peak writers on the group': peakWriters, ms: round(ms, 1) });
      checks.push({ what: `burst ${b + 1}: all ${size} PATCHes answered 204 and all ${size} members in Jamf`, ok: landed === size && answers.every((a) => a.status === 204), detail: `${landed} landed` });
      checks.push({ what: `burst ${b + 1}: never two writes in flight to the group`, ok: peakWriters <= 1, detail: `peak ${peakWriters}` });
    }
    const medianPuts = median(puts);
    const requests = [...client.latencies.values()].reduce((n, l) => n + l.length, 0);
    await client.close();
    scim = undefined;
    const serverLog = await server.stop();
    checks.push(requestLineCheck('server log', server.logLevel, serverLog, { min: requests, max: requests }));
    const serialMs = size * LATENCY_MS;
    return {
      name: 'group-burst',
      quick,
      elapsedMs: performance.now() - started,
      tables: [
        { title: `Bursts of ${size} concurrent PATCHes adding one user each to one group (simulator loses overlapping updates)`, rows },
        {
          title: 'Medians over the bursts',
          rows: [
            { metric: 'Jamf PUTs per burst', value: medianPuts },
            { metric: 'burst wall time', value: `${round(median(walls), 1)} ms` },
            { metric: `one PUT per PATCH, serial (${size} × ${LATENCY_MS} ms)`, value: `${serialMs} ms` },
          ],
        },
      ],
      targets: [{ what: 'Jamf PUTs per burst of 20 (median)', target: '< 20 (merged)', measured: String(medianPuts), met: medianPuts < size }],
      checks,
      notes: [`simulator: ${LATENCY_MS} ms latency, ${JAMF_CONCURRENCY} served at once, concurrentWrites lost-update; server: node dist/server.js, LOG_LEVEL=${server.logLevel}`],
      data: { puts, walls, serverLog },
    };
  } finally {
    await scim?.close();
    await server?.stop();
    await sim.close();
  }
};
