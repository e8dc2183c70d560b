import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CallHooks } from './call-hooks.js';
import { bearerToken } from './request-input.js';
import type { SimContext } from './context.js';
import { invalidToken, SimError } from './errors.js';
import { DEFAULT_SLOW_MS, type FaultPicker } from './faults.js';
import type { Fault } from './types.js';
import type { Limiter } from './limiter.js';
import type { Pacer } from './pacer.js';
import { routeMeta } from './route-meta.js';
import type { Sleeper } from './sleeper.js';
import type { Traffic } from './traffic.js';
import { compareVersions } from './version.js';

export interface PipelineDeps {
  ctx: SimContext;
  traffic: Traffic;
  limiter: Limiter;
  sleeper: Sleeper;
  pacer: Pacer;
  /** Extra time a call's handler spends on purpose (the list-latency knob); such calls teach the pacer nothing. */
  handlerDelayMs: (request: FastifyRequest) => number;
  faults: FaultPicker;
  random: () => number;
  hooks: CallHooks;
}

/**
 * What every Jamf route goes through before its handler, in order: count the call, wait for a
 * serving slot (FIFO), latency + jitter (the call's service time, counted from its slot: see
 * pacer.ts), fault injection, version gate, bearer token. Admin routes
 * carry no route meta and skip all of it. Call listeners hear each call on arrival, before it
 * queues (so a call they hold takes no serving slot), and once settled. A tracked write is in
 * flight from its arrival, before the listeners, until it settles, before the listeners again.
 */
export function installPipeline(app: FastifyInstance, deps: PipelineDeps): void {
  const { ctx, traffic, limiter, sleeper, pacer, handlerDelayMs, faults, random, hooks } = deps;
  /** Requests whose operation is applied but whose response is never delivered. */
  const resetAfter = new WeakSet<FastifyRequest>();
  /** Requests the call listeners heard arrive, so they also hear them settle. */
  const heard = new WeakSet<FastifyRequest>();
  const settled = async (request: FastifyRequest, status: number | undefined): Promise<void> => {
    ctx.writes.settle(request);
    if (!heard.has(request)) return;
    heard.delete(request);
    const route = request.routeOptions.url ?? request.url;
    await hooks.emit({ phase: 'settled', method: request.method, route, ...(status === undefined ? {} : { status }) });
  };

  app.addHook('onRequest', async (request, reply) => {
    const meta = routeMeta(request);
    if (!meta) return;
    const route = request.routeOptions.url ?? request.url;
    traffic.count(`${request.method} ${route}`);
    ctx.writes.arrive(request);

    const leave = traffic.enter();
    /** Frees the serving slot (or the place in the queue) once the call has one. */
    let freeSlot = (): void => {};
    let gone = false;
    /** When the call should have freed its slot; set only for calls whose timing the pacer learns from. */
    let deadline: number | undefined;
    // 'close' fires when the response is done or the connection is gone, whichever comes first.
    reply.raw.once('close', () => {
      gone = true;
      leave();
      freeSlot();
      if (deadline !== undefined) pacer.observe(deadline, performance.now());
      // Gone before an answer (e.g. the client timed out): listeners still hear it settle, once.
      void settled(request, undefined);
    });
    const drop = async (): Promise<FastifyReply> => {
      await settled(request, undefined);
      reply.hijack();
      reply.raw.destroy();
      return reply;
    };

    let chosen: Fault | undefined;
    if (hooks.size > 0) {
      heard.add(request);
      chosen = await hooks.emit({ phase: 'received', method: request.method, route });
    }
    // A listener's reset drops the connection where the call is (it may have closed the simulator,
    // whose queue now refuses everyone); a client that left while a listener held it gets nothing.
    if (chosen === 'reset-before') return drop();
    if (gone) throw new SimError(503);
    const ticket = limiter.acquire();
    freeSlot = ticket.release;
    await ticket.ready;

    const { latencyMs, jitterMs } = ctx.knobs;
    const serviceMs = latencyMs + (jitterMs > 0 ? Math.floor(random() * (jitterMs + 1)) : 0);
    if (serviceMs > 0) {
      const due = performance.now() + serviceMs;
      await sleeper.sleep(pacer.delay(due, serviceMs));
      // Calls held by a listener or slowed on purpose finish late by design.
      if (!heard.has(request) && handlerDelayMs(request) === 0) deadline = due;
    }

    const fault = chosen ?? faults.pick(request.method, route, meta.api === 'token');
    if (fault === 'slow') {
      deadline = undefined;
      await sleeper.sleep(ctx.knobs.faults.slowMs ?? DEFAULT_SLOW_MS);
    } else if (fault === 'reset-before') {
      return drop();
    } else if (typeof fault === 'number') {
      throw new SimError(fault);
    } else if (fault === 'reset-after') {
      resetAfter.add(request);
    }

    if (meta.minVersion && compareVersions(ctx.knobs.version, meta.minVersion) < 0) {
      throw new SimError(404, 'Not Found', { code: 'NOT_FOUND' });
    }

    if (!meta.public) {
      const token = bearerToken(request);
      const grant = token === undefined ? undefined : ctx.tokens.check(token);
      if (!grant) throw invalidToken();
      ctx.grants.set(request, grant);
    }
  });

  // The "lost response": the handler has applied the write, the client only sees the socket die.
  // A callback hook: most calls have no listener to await, and a promise per call is measurable.
  app.addHook('onSend', (request, reply, payload, done) => {
    const answer = (): void => {
      if (resetAfter.has(request)) reply.raw.destroy();
      done(null, payload);
    };
    if (!heard.has(request)) {
      ctx.writes.settle(request);
      return answer();
    }
    settled(request, reply.statusCode).then(answer, done);
  });
}
