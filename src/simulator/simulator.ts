import type { FastifyRequest } from 'fastify';
import { createCallHooks } from './call-hooks.js';
import { createWriteTracker } from './concurrent-writes.js';
import { createFaultPicker } from './faults.js';
import { applyKnobPatch, initialKnobs } from './knobs.js';
import { createLimiter } from './limiter.js';
import { seededRandom } from './random.js';
import { adminRoutes } from './routes/admin.js';
import { directoryAdminRoutes } from './routes/admin-directory.js';
import { assignDevice } from './devices.js';
import { addSite, addUserExtensionAttribute, deleteSite, deleteUserExtensionAttribute } from './registries.js';
import { addUserFromSpec } from './user-setup.js';
import { createPacer } from './pacer.js';
import { listDelayMs } from './routes/auth.js';
import { createSleeper } from './sleeper.js';
import { blankGroup, createState, findGroupByName, insertGroup } from './store.js';
import { seedState } from './seed.js';
import { createTokenStore } from './tokens.js';
import { createTraffic } from './traffic.js';
import { createTraps } from './traps.js';
import { buildApp } from './app.js';
import type { SimContext } from './context.js';
import type { Simulator, SimulatorOptions } from './types.js';

/** Builds an in-memory Jamf Pro (jamf-pro-api.md §8). Nothing listens until `listen()`. */
export function createSimulator(opts: SimulatorOptions = {}): Simulator {
  const knobs = initialKnobs(opts);
  const state = opts.state ?? createState();
  const random = opts.random ?? seededRandom(opts.seed ?? 1);
  const ctx: SimContext = {
    state,
    knobs,
    tokens: createTokenStore(opts.now ?? Date.now),
    credentials: {
      clientId: opts.clientId ?? 'jamf-scim-simulator',
      clientSecret: opts.clientSecret ?? 'simulator-secret',
      username: opts.username ?? 'admin',
      password: opts.password ?? 'simulator-password',
    },
    grants: new WeakMap(),
    writes: createWriteTracker(state, knobs),
  };
  const traffic = createTraffic();
  const limiter = createLimiter(() => knobs.maxConcurrent);
  const sleeper = createSleeper();
  const faults = createFaultPicker(knobs.faults, random);
  const hooks = createCallHooks();
  const traps = createTraps(hooks);
  const pacer = createPacer();
  const handlerDelayMs = (request: FastifyRequest) => listDelayMs(ctx, request);
  const app = buildApp({ ctx, traffic, limiter, sleeper, pacer, handlerDelayMs, faults, random, hooks }, opts.logger ?? false);
  let closing: Promise<void> | undefined;

  const sim: Simulator = {
    app,
    state,
    clientId: ctx.credentials.clientId,
    clientSecret: ctx.credentials.clientSecret,

    async listen(port = 0) {
      return app.listen({ port, host: '127.0.0.1' });
    },

    close() {
      closing ??= (async () => {
        const closed = app.close();
        // Pending latency timers, queued requests and calls held on arrival fail at once instead of
        // holding close() up; calls held once settled are answered.
        sleeper.cancelAll();
        limiter.cancelAll();
        traps.releaseAll(503);
        await closed;
      })();
      return closing;
    },

    counters: () => traffic.counters(),
    totalCalls: (filter = () => true) =>
      Object.entries(traffic.counters()).reduce((sum, [key, n]) => (filter(key) ? sum + n : sum), 0),
    resetCounters() {
      traffic.reset();
      ctx.writes.reset();
    },
    maxObservedConcurrency: () => traffic.maxObservedConcurrency(),
    maxConcurrentWrites: () => ctx.writes.maxConcurrentWrites(),

    setKnobs(patch) {
      applyKnobPatch(knobs, patch);
      if (patch.faults) faults.configure(knobs.faults);
      limiter.drain();
    },

    expireTokens: () => ctx.tokens.revokeAll(),
    onCall: (listener) => hooks.add(listener),
    trap: (spec) => traps.create(spec),
    seed: (users, groups) => seedState(state, users, groups),

    addUser: (u) => addUserFromSpec(state, u),

    addGroup(g) {
      if (findGroupByName(state, g.name)) throw new Error(`Duplicate name: ${g.name}`);
      const unknown = (g.memberIds ?? []).filter((id) => !state.users.has(id));
      if (unknown.length > 0) throw new Error(`Unknown user ids: ${unknown.join(', ')}`);
      // A smart group added here has no criteria: its members are the fixed set given.
      return insertGroup(state, (id) => ({ ...blankGroup(id, g.name, g.isSmart ?? false), memberIds: new Set(g.memberIds) }))
        .id;
    },

    addSite: (name) => addSite(state, name),
    deleteSite: (id) => deleteSite(state, id),
    addUserExtensionAttribute: (def) => addUserExtensionAttribute(state, def),
    deleteUserExtensionAttribute: (id) => deleteUserExtensionAttribute(state, id),
    assignDevice: (a) => assignDevice(state, a),
  };

  adminRoutes(app, { sim, knobs, state });
  directoryAdminRoutes(app, { sim, state });
  if (opts.seedUsers || opts.seedGroups) seedState(state, opts.seedUsers ?? 0, opts.seedGroups ?? 0);
  return sim;
}
