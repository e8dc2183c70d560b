import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { rawBody } from '../request-input.js';
import { SimError } from '../errors.js';
import { knobPatchSchema } from '../knobs.js';
import type { Knobs, Simulator, SimulatorState } from '../types.js';

export const ADMIN_PREFIX = '/__simulator';

const seedSchema = z.strictObject({
  users: z.number().int().min(0).max(100_000).default(0),
  groups: z.number().int().min(0).max(10_000).default(0),
});

export interface AdminDeps {
  sim: Pick<
    Simulator,
    'counters' | 'totalCalls' | 'resetCounters' | 'maxObservedConcurrency' | 'maxConcurrentWrites' | 'setKnobs' | 'expireTokens' | 'seed'
  >;
  knobs: Knobs;
  state: SimulatorState;
}

/** Parses a JSON body with `schema`; any problem is a 400 naming it. */
export function parseBody<T>(request: FastifyRequest, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(rawBody(request) || '{}');
  } catch {
    throw new SimError(400, 'Body is not valid JSON', { code: 'INVALID_JSON' });
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new SimError(400, z.prettifyError(result.error), { code: 'INVALID_FIELD' });
  return result.data;
}

export function stateSummary(state: SimulatorState) {
  const groups = [...state.groups.values()];
  return {
    users: state.users.size,
    groups: groups.length,
    staticGroups: groups.filter((g) => !g.is_smart).length,
    smartGroups: groups.filter((g) => g.is_smart).length,
    nextUserId: state.nextUserId,
    nextGroupId: state.nextGroupId,
  };
}

/**
 * Simulator-only controls for tests, benchmarks and the demo. No Jamf auth; not counted, not
 * faulted (their routes carry no route meta, see pipeline.ts).
 */
export function adminRoutes(app: FastifyInstance, { sim, knobs, state }: AdminDeps): void {
  app.get(`${ADMIN_PREFIX}/counters`, async () => ({
    counters: sim.counters(),
    totalCalls: sim.totalCalls(),
    maxObservedConcurrency: sim.maxObservedConcurrency(),
    maxConcurrentWrites: sim.maxConcurrentWrites(),
  }));

  app.post(`${ADMIN_PREFIX}/counters/reset`, async (_request, reply) => {
    sim.resetCounters();
    return reply.code(204).send();
  });

  // `null` rather than a missing key when there is no concurrency limit.
  const knobsView = () => ({ ...knobs, maxConcurrent: knobs.maxConcurrent ?? null });

  app.get(`${ADMIN_PREFIX}/knobs`, async () => knobsView());

  app.patch(`${ADMIN_PREFIX}/knobs`, async (request) => {
    const { maxConcurrent, ...patch } = parseBody(request, knobPatchSchema);
    // JSON has no undefined: `"maxConcurrent": null` is how a caller lifts the limit.
    sim.setKnobs(maxConcurrent === undefined ? patch : { ...patch, maxConcurrent: maxConcurrent ?? undefined });
    return knobsView();
  });

  app.post(`${ADMIN_PREFIX}/seed`, async (request) => {
    const { users, groups } = parseBody(request, seedSchema);
    sim.seed(users, groups);
    return stateSummary(state);
  });

  app.post(`${ADMIN_PREFIX}/expire-tokens`, async (_request, reply) => {
    sim.expireTokens();
    return reply.code(204).send();
  });

  app.get(`${ADMIN_PREFIX}/state`, async () => stateSummary(state));
}
