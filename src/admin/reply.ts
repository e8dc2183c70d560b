import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestContext, runInRequest } from '../audit/context.js';
import { isJamfError } from '../jamf/errors.js';
import { ScimError } from '../scim/errors.js';

/** Every /admin/api answer: JSON that no cache keeps (it is about users and credentials). */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(body);
}

/** A console request that could not be answered, with the status and the message the page shows. */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The app's error handler renders SCIM error bodies; the console's contract is `{ error }`, so
 * each console handler answers its own failures. A Jamf failure is named as one (502, or 503 while
 * Jamf Pro is out of reach); anything unexpected is logged and answered without its message.
 */
export function consoleRoute<R extends FastifyRequest>(handler: (request: R, reply: FastifyReply) => Promise<unknown>) {
  return async (request: R, reply: FastifyReply) => {
    try {
      // The Jamf calls a console request makes log its request id, and whatever a read settles is recorded as the admin's.
      return await runInRequest(requestContext(request.id, 'admin'), () => handler(request, reply));
    } catch (err) {
      if (err instanceof ConsoleError) return sendJson(reply, err.status, { error: err.message });
      // The services have already turned Jamf failures into SCIM errors with the status to give.
      if (err instanceof ScimError) {
        if (err.status >= 500) request.log.warn({ status: err.status, detail: err.detail }, 'console request failed');
        return sendJson(reply, err.status, { error: err.detail });
      }
      if (isJamfError(err)) {
        request.log.warn({ jamf: { kind: err.kind, status: err.status, route: err.route } }, 'console request failed in Jamf');
        const unreachable = err.kind === 'network' || err.kind === 'timeout' || err.kind === 'unavailable';
        return sendJson(reply, unreachable ? 503 : 502, { error: `Jamf Pro: ${err.message}` });
      }
      request.log.error({ err }, 'unexpected error');
      return sendJson(reply, 500, { error: 'internal server error' });
    }
  };
}
