/**
 * Child-process entry for the benchmarks, so that what is measured (CPU, RSS) belongs to one
 * server and not to the driver. `BENCH_ROLE` picks what runs:
 * - `sim`: the Jamf Pro simulator (`BENCH_CONFIG`: SimChildConfig);
 * - `scim`: the real SCIM server, wired as `src/runtime.ts` wires it (metrics, Jamf queue,
 *   SQLite file store in a temporary directory), against Jamf or the in-memory fake (ScimChildConfig);
 * - `baseline`: a bare Fastify route that answers a fixed response (the ceiling for scim-overhead).
 * It listens on 127.0.0.1:0, sends `ready` over IPC, then answers commands until `close` or until
 * the driver goes away.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/app.js';
import { createJamfClient, type JamfClient } from '../../src/jamf/index.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { createSimulator, type Simulator } from '../../src/simulator/index.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createInMemoryJamf, type InMemoryJamf } from '../../test/fakes/in-memory-jamf.js';
import {
  BENCH_TOKEN,
  type ChildRequest,
  type ChildResponse,
  type ChildRole,
  type ChildUsage,
  type ScimChildConfig,
  type SimChildConfig,
  type SimStateSummary,
} from './ipc.js';

type Handler = (args: unknown) => unknown;

const send = (message: unknown) =>
  new Promise<void>((resolve) => {
    if (!process.send) throw new Error('server-process.ts must be started with an IPC channel (bench/support/child.ts)');
    process.send(message, undefined, {}, () => resolve());
  });

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
};
sampleRss();
setInterval(sampleRss, 50).unref();

function usage(): ChildUsage {
  sampleRss();
  const ru = process.resourceUsage();
  const mem = process.memoryUsage();
  return {
    rss: mem.rss,
    peakRss,
    maxRss: ru.maxRSS * 1024,
    heapUsed: mem.heapUsed,
    heapTotal: mem.heapTotal,
    external: mem.external,
    cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000,
  };
}

async function startSim(config: SimChildConfig) {
  const sim: Simulator = createSimulator({ ...config, tokenLifetimeSeconds: config.tokenLifetimeSeconds ?? 3600 });
  const url = await sim.listen();
  const handlers: Record<string, Handler> = {
    counters: () => sim.counters(),
    resetCounters: () => sim.resetCounters(),
    maxObservedConcurrency: () => sim.maxObservedConcurrency(),
    maxConcurrentWrites: () => sim.maxConcurrentWrites(),
    setKnobs: (patch) => sim.setKnobs(patch as Parameters<Simulator['setKnobs']>[0]),
    addUsers: (args) => {
      const { count, prefix } = args as { count: number; prefix: string };
      return Array.from({ length: count }, (_, i) =>
        sim.addUser({ name: `${prefix}${i}`, fullName: `Bench User ${i}`, email: `${prefix}${i}@example.com`, position: 'Engineer' }),
      );
    },
    addGroup: (args) => sim.addGroup(args as { name: string; memberIds?: number[] }),
    state: (): SimStateSummary => ({
      users: [...sim.state.users.values()].map((u) => ({ id: u.id, name: u.name, position: u.position })),
      groups: [...sim.state.groups.values()].map((g) => ({ id: g.id, name: g.name, isSmart: g.is_smart, memberIds: [...g.memberIds] })),
    }),
    userCount: () => sim.state.users.size,
  };
  return { url, info: { clientId: sim.clientId, clientSecret: sim.clientSecret }, handlers, close: () => sim.close() };
}

async function startScim(config: ScimChildConfig) {
  const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-bench-'));
  // BENCH_STORE=memory overrides, to tell the store's fsyncs apart from CPU in a diagnosis.
  const inMemory = (process.env.BENCH_STORE ?? config.store) === 'memory';
  const store = openSqliteStore(inMemory ? ':memory:' : join(dir, 'state.db'));
  const level = config.logLevel ?? 'silent';
  const logger = level === 'silent' ? pino({ level: 'silent' }) : createLogger({ level }, pino.destination('/dev/null'));
  const metrics = createMetrics({ defaultMetrics: true });
  const maxConcurrency = config.maxConcurrency ?? 5;
  let client: JamfClient | undefined;
  let fake: InMemoryJamf | undefined;
  const info: Record<string, unknown> = {};
  if (config.backend === 'jamf') {
    if (!config.jamfUrl) throw new Error('jamfUrl is required for the jamf backend');
    client = createJamfClient({
      baseUrl: config.jamfUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      maxConcurrency,
      logger,
      onCall: metrics.observeJamf,
      onTokenRefresh: metrics.tokenRefreshed,
    });
    const c = client;
    metrics.setQueueStats(() => c.stats());
  } else {
    fake = createInMemoryJamf({ version: config.fakeVersion ?? '11.30.1' });
    info.userIds = fake.seedUsers(config.fakeSeedUsers ?? 0);
    info.groupIds = Array.from({ length: config.fakeSeedGroups ?? 0 }, (_, i) => fake?.addGroup({ name: `Bench Group ${i}` }));
  }
  const jamf = client ?? (fake as InMemoryJamf);
  const app = await buildApp({
    jamf,
    store,
    logger,
    bearerTokens: [BENCH_TOKEN],
    readConcurrency: maxConcurrency,
    metrics,
    ...(client ? { jamfQueue: { stats: () => (client as JamfClient).stats(), limit: 500 } } : {}),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const handlers: Record<string, Handler> = {
    fakeCalls: () => fake?.calls() ?? {},
    resetFakeCalls: () => fake?.resetCalls(),
    jamfStats: () => client?.stats(),
  };
  return {
    url: `${url}/scim/v2`,
    info,
    handlers,
    close: async () => {
      await app.close();
      await client?.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startBaseline() {
  // The ceiling: routing and a fixed body, with no auth, no JSON parsing (bodies are read as
  // bytes and dropped) and no mapping.
  const app: FastifyInstance = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  let response = { status: 200, contentType: 'application/scim+json; charset=utf-8', body: '{}' };
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: async (_request, reply) => {
      reply.code(response.status);
      if (response.status === 204) return reply.send();
      return reply.type(response.contentType).send(response.body);
    },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const handlers: Record<string, Handler> = {
    setResponse: (args) => {
      response = { ...response, ...(args as Partial<typeof response>) };
    },
  };
  return { url, info: {}, handlers, close: () => app.close() };
}

async function main() {
  const role = process.env.BENCH_ROLE as ChildRole | undefined;
  const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as unknown;
  const started =
    role === 'sim'
      ? await startSim(config as SimChildConfig)
      : role === 'scim'
        ? await startScim(config as ScimChildConfig)
        : role === 'baseline'
          ? await startBaseline()
          : undefined;
  if (!started) throw new Error(`BENCH_ROLE must be sim, scim or baseline, got ${String(role)}`);

  const common: Record<string, Handler> = {
    usage,
    resetPeak: () => {
      peakRss = process.memoryUsage.rss();
    },
    gc: () => {
      (globalThis as { gc?: () => void }).gc?.();
    },
  };
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await started.close();
    process.exit(0);
  };
  process.on('disconnect', () => void close());
  process.on('message', (raw: ChildRequest) => {
    void (async () => {
      let reply: ChildResponse;
      try {
        if (raw.cmd === 'close') {
          await send({ id: raw.id, ok: true } satisfies ChildResponse);
          await close();
          return;
        }
        const handler = started.handlers[raw.cmd] ?? common[raw.cmd];
        if (!handler) throw new Error(`unknown command ${raw.cmd}`);
        reply = { id: raw.id, ok: true, result: await handler(raw.args) };
      } catch (err) {
        reply = { id: raw.id, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      await send(reply);
    })();
  });
  await send({ type: 'ready', url: started.url, info: started.info });
}

main().catch((err: unknown) => {
  console.error('bench child failed:', err);
  process.exit(1);
});
