import type { FastifyBodyParser, FastifyInstance } from 'fastify';
import { decodeBody } from './body-charset.js';

const BLANK = /^\s*$/;

/**
 * Bodies arrive as `application/scim+json` (Entra, with charset) or `application/json` (Okta
 * tooling), and some clients send neither (idp-behaviour.md A1.3, A3.6); all are parsed as JSON.
 * They are read as bytes and decoded by their declared charset (src/http/body-charset.ts), so a
 * value is stored as the client wrote it or refused, never silently re-encoded.
 * `__proto__` and `constructor.prototype` keys are refused while parsing (prototype poisoning).
 * An empty body (a DELETE sent with a JSON content type) is no body, not an error.
 */
export function registerJsonParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const json = app.getDefaultJsonParser('error', 'error');
  const parser: FastifyBodyParser<Buffer> = (req, body, done) => {
    let text: string;
    try {
      text = body.length === 0 ? '' : decodeBody(body, req.headers['content-type']);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    // Not `text.trim() === ''`, which copies the body; `\s` is the set `trim` removes.
    if (BLANK.test(text)) {
      done(null, undefined);
      return;
    }
    json(req, text, done);
  };
  app.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'buffer' }, parser);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, parser);
}
