import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken } from './request-input.js';
import type { SimContext } from './context.js';
import { invalidToken, SimError } from './errors.js';
import { DEFAULT_SLOW_MS, type FaultPicker } from './faults.js';
import type { Limiter } from './limiter.js';
import { routeMeta } from './route-meta.js';
import type { Sleeper } from './sleeper.js';
import type { Traffic } from './traffic.js';
import { compareVersions } from './version.js';

export interface PipelineDeps {
  ctx: SimContext;
  traffic: Traffic;
  limiter: Limiter;
  sleeper: Sleeper;
  faults: FaultPicker;
  random: () => number;
}

/**
 * What every Jamf route goes through before its handler, in order: count the call, wait for a
 * serving slot (FIFO), latency + jitter, fault injection, version gate, bearer token. Admin routes
 * carry no route meta and skip all of it.
 */
export function installPipeline(app: FastifyInstance, deps: PipelineDeps): void {
  const { ctx, traffic, limiter, sleeper, faults, random } = deps;
  /** Requests whose operation is applied but whose response is never delivered. */
  const resetAfter = new WeakSet<FastifyRequest>();

  app.addHook('onRequest', async (request, reply) => {
    const meta = routeMeta(request);
    if (!meta) return;
    const route = request.routeOptions.url ?? request.url;
    traffic.count(`${request.method} ${route}`);

    const leave = traffic.enter();
    const ticket = limiter.acquire();
    // 'close' fires when the response is done or the connection is gone, whichever comes first.
    reply.raw.once('close', () => {
      leave();
      ticket.release();
    });
    await ticket.ready;

    const { latencyMs, jitterMs } = ctx.knobs;
    await sleeper.sleep(latencyMs + (jitterMs > 0 ? Math.floor(random() * (jitterMs + 1)) : 0));

    const fault = faults.pick(request.method, route, meta.api === 'token');
    if (fault === 'slow') {
      await sleeper.sleep(ctx.knobs.faults.slowMs ?? DEFAULT_SLOW_MS);
    } else if (fault === 'reset-before') {
      reply.hijack();
      reply.raw.destroy();
      return reply;
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
  app.addHook('onSend', async (request, reply, payload) => {
    if (resetAfter.has(request)) reply.raw.destroy();
    return payload;
  });
}
