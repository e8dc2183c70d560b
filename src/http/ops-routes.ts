import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';
import { createTokenCheck } from './auth.js';

export interface OpsDeps {
  metrics?: Metrics;
  metricsToken?: string;
  /** Resolves to null when ready, else the reason (e.g. "Jamf Pro token: …"). */
  readiness?: () => Promise<string | null>;
}

/** Health, readiness and metrics live outside `/scim/v2` and need no SCIM token. */
export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const reason = deps.readiness ? await deps.readiness() : null;
    if (reason === null) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready', reason });
  });

  const metricsAuth = deps.metricsToken ? createTokenCheck([deps.metricsToken]) : null;
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    if (!deps.metrics) return reply.code(404).send({ error: 'metrics are not enabled' });
    if (metricsAuth && !metricsAuth(request.headers.authorization)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'missing or invalid metrics token' });
    }
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
