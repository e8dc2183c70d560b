/**
 * Child-process entry for the benchmarks, so that what is measured (CPU, RSS) belongs to one
 * server and not to the driver. `BENCH_ROLE` picks what runs:
 * - `sim`: the Jamf Pro simulator (`BENCH_CONFIG`: SimChildConfig);
 * - `scim`: the SCIM server as `src/server.ts` starts it (`startServer` from src/runtime.ts, config
 *   from the environment, the production logger on stdout) with the in-memory Jamf fake in place
 *   of the Jamf client (ScimChildConfig). Against the simulator the benchmarks run
 *   `node dist/server.js` itself instead (scim-server.ts);
 * - `baseline`: a bare Fastify route that answers a fixed response (the ceiling for scim-overhead).
 * It listens on 127.0.0.1 (port 0 unless PORT says otherwise), sends `ready` over IPC, then answers
 * commands until `close`, SIGTERM, or until the driver goes away.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { loadConfig, readEnvironment } from '../../src/config.js';
import type { JamfClient } from '../../src/jamf/index.js';
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/runtime.js';
import { createSimulator, type Simulator } from '../../src/simulator/index.js';
import { createInMemoryJamf, type InMemoryJamf } from '../../test/fakes/in-memory-jamf.js';
import {
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

/**
 * The in-memory fake as the `JamfClient` runtime.ts expects: it has no token, limiter or
 * connections, so those parts answer as an idle client would.
 */
function asJamfClient(fake: InMemoryJamf): JamfClient {
  return Object.assign(fake, {
    checkToken: async () => undefined,
    tokenPath: () => '/api/v1/oauth/token',
    missingPrivileges: () => [],
    stats: () => ({ inFlight: 0, queued: 0 }),
    close: async () => undefined,
  });
}

async function startScim(config: ScimChildConfig) {
  const fake = createInMemoryJamf({ version: config.fakeVersion ?? '11.30.1' });
  const info: Record<string, unknown> = {
    userIds: fake.seedUsers(config.fakeSeedUsers ?? 0),
    groupIds: Array.from({ length: config.fakeSeedGroups ?? 0 }, (_, i) => fake.addGroup({ name: `Bench Group ${i}` })),
  };
  // As src/server.ts does, from the environment the driver set (bench/support/scim-server.ts).
  const serverConfig = loadConfig(readEnvironment());
  const logger = createLogger({ level: serverConfig.LOG_LEVEL, pretty: false });
  const running = await startServer(serverConfig, logger, { jamf: asJamfClient(fake) });
  logger.info({ url: running.url }, 'jamf-scim listening; SCIM base path /scim/v2');
  const handlers: Record<string, Handler> = {
    fakeCalls: () => fake.calls(),
    resetFakeCalls: () => fake.resetCalls(),
  };
  return { url: `${running.url}/scim/v2`, info, handlers, close: () => running.stop() };
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
  process.on('SIGTERM', () => void close());
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
