import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { renderError, SimError } from './errors.js';
import { headerLimitError } from './header-limit.js';
import { installPipeline, type PipelineDeps } from './pipeline.js';
import { routeMeta } from './route-meta.js';
import { apiClientRoutes } from './routes/api-clients.js';
import { authRoutes } from './routes/auth.js';
import { classicGroupRoutes } from './routes/classic-groups.js';
import { classicUserRoutes } from './routes/classic-users.js';
import { proUserRoutes } from './routes/pro-users.js';

function toSimError(error: unknown): SimError {
  if (error instanceof SimError) return error;
  const status = (error as Partial<FastifyError> | undefined)?.statusCode;
  return new SimError(typeof status === 'number' && status >= 400 ? status : 500);
}

/** The Fastify app serving the Jamf routes; it never listens by itself. */
export function buildApp(deps: PipelineDeps, logger: boolean): FastifyInstance {
  const app = Fastify({
    logger,
    // close() must not wait for keep-alive or stalled connections of tests.
    forceCloseConnections: true,
    // Counters should list only the methods clients really send.
    exposeHeadRoutes: false,
    // Jamf's limit on a long `/users/name/{name}` is Tomcat's on the request line (header-limit.ts),
    // not a router's on one segment: no segment is refused for its length. Node refuses request
    // lines and headers beyond 16 KiB (its maxHeaderSize) before routing.
    routerOptions: { maxParamLength: 16_384 },
  });

  // First of all hooks: Tomcat refuses an oversized request before Jamf counts, queues or authenticates it.
  app.addHook('onRequest', (request, reply, done) => {
    const error = headerLimitError(request);
    if (!error) return done();
    const rendered = renderError(error, 'classic');
    // A callback hook answers by sending without calling done().
    reply.code(rendered.status).type(rendered.contentType).send(rendered.body);
  });

  // Every body arrives as a string: Classic must see a JSON body to refuse it with 415 (§2.2), the
  // OAuth endpoint reads a form, admin routes read JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  installPipeline(app, deps);

  app.setErrorHandler((error, request, reply) => {
    const rendered = renderError(toSimError(error), routeMeta(request)?.api ?? 'pro');
    return reply.code(rendered.status).type(rendered.contentType).send(rendered.body);
  });

  // Unknown URLs (also `//JSSResource` and trailing slashes, §7.3) are 404 in the style of their API.
  app.setNotFoundHandler((request, reply) => {
    const api = request.url.startsWith('/JSSResource/') ? 'classic' : 'pro';
    const rendered = renderError(new SimError(404, api === 'classic' ? undefined : 'Not Found', { code: 'NOT_FOUND' }), api);
    return reply.code(404).type(rendered.contentType).send(rendered.body);
  });

  authRoutes(app, deps.ctx);
  proUserRoutes(app, deps.ctx);
  classicUserRoutes(app, deps.ctx);
  classicGroupRoutes(app, deps.ctx);
  apiClientRoutes(app, deps.ctx);
  return app;
}
