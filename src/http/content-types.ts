import type { FastifyInstance } from 'fastify';

/**
 * Bodies arrive as `application/scim+json` (Entra, with charset) or `application/json` (Okta
 * tooling), and some clients send neither (idp-behaviour.md A1.3, A3.6); all are parsed as JSON.
 * `__proto__` and `constructor.prototype` keys are refused while parsing (prototype poisoning).
 * An empty body (a DELETE sent with a JSON content type) is no body, not an error.
 */
export function registerJsonParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const json = app.getDefaultJsonParser('error', 'error');
  const parser: typeof json = (req, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) {
      done(null, undefined);
      return;
    }
    json(req, body, done);
  };
  app.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'string' }, parser);
  app.addContentTypeParser('*', { parseAs: 'string' }, parser);
}
