import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';
import type { Readiness } from '../readiness.js';
import { bearerChallenge, createTokenCheck } from './auth.js';

export interface OpsDeps {
  metrics?: Metrics;
  metricsToken?: string;
  /** Whether this replica should get traffic, with the reason when not and Jamf Pro's reachability. */
  readiness?: () => Promise<Readiness>;
}

/** Health, readiness and metrics live outside `/scim/v2` and need no SCIM token. */
export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const readiness: Readiness = deps.readiness ? await deps.readiness() : { ready: true };
    const jamf = readiness.jamf === undefined ? {} : { jamf: readiness.jamf };
    if (readiness.ready) return { status: 'ready', ...jamf };
    return reply.code(503).send({ status: 'not ready', reason: readiness.reason, ...jamf });
  });

  const metricsAuth = deps.metricsToken ? createTokenCheck([deps.metricsToken]) : null;
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    if (!deps.metrics) return reply.code(404).send({ error: 'metrics are not enabled' });
    const auth = metricsAuth?.(request.headers.authorization) ?? 'valid';
    if (auth !== 'valid') {
      return reply.code(401).header('www-authenticate', bearerChallenge(auth)).send({ error: 'missing or invalid metrics token' });
    }
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
