import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors.js';
import { bearerChallenge } from './auth.js';
import { urlTooLong, urlTooLongError } from './request-limits.js';
import { sendScim } from './scim-reply.js';

/** Fastify's own failures, mapped to the RFC 7644 §3.12 status and scimType a client can act on. */
function fromFastifyError(err: FastifyError): ScimError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ScimError(413, 'Request body is larger than 1 MiB');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ScimError(415, 'Content-Type must be application/scim+json or application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ScimError(400, 'Request body is empty', 'invalidSyntax');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ScimError(400, 'Content-Length does not match the body', 'invalidSyntax');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return new ScimError(400, 'Malformed request URL', 'invalidSyntax');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // No SCIM id is that long (ids are Jamf ids or UUIDs): nothing there, as for any unknown id.
      return new ScimError(404, 'Resource not found');
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new ScimError(400, 'Request body is not valid JSON', 'invalidSyntax');
  }
  if (/prototype|constructor/i.test(err.message) && err.statusCode === 400) {
    return new ScimError(400, 'Request body contains a forbidden key (__proto__ or constructor)', 'invalidSyntax');
  }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return new ScimError(err.statusCode, 'Bad request', err.statusCode === 400 ? 'invalidSyntax' : undefined);
  }
  return null;
}

export function renderError(reply: FastifyReply, error: ScimError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  // A 401 without a challenge is not valid HTTP (RFC 7235 §3.1); the auth hook sets the precise one.
  if (error.status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', bearerChallenge('missing'));
  return sendScim(reply, error.status, error.toBody());
}

/**
 * Fastify's `frameworkErrors` option: failures of the router itself (a malformed %-escape, an
 * over-long path parameter) never reach the error handler, and Fastify's own answer is plain
 * JSON that echoes the URL. They get a SCIM error body like everything else.
 */
export function renderFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // These run before any hook, so an over-long path gets its 414 here (src/http/request-limits.ts).
  if (urlTooLong(request.raw.url ?? '')) return renderError(reply, urlTooLongError());
  return renderError(reply, fromFastifyError(err) ?? new ScimError(400, 'Malformed request URL', 'invalidSyntax'));
}

/** The one place every SCIM error body is rendered (design.md §7.4). */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const scim = err instanceof ScimError ? err : fromFastifyError(err);
    if (scim) {
      if (scim.status >= 500) request.log.warn({ status: scim.status, detail: scim.message }, 'request failed');
      return renderError(reply, scim);
    }
    // Unknown errors: logged with their stack, answered with a generic detail (never a 404).
    request.log.error({ err }, 'unexpected error');
    return renderError(reply, new ScimError(500, 'Internal server error'));
  });
  app.setNotFoundHandler((request, reply) =>
    renderError(reply, new ScimError(404, `No endpoint ${request.method} ${request.url.split('?')[0]}`)),
  );
}
