import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** Longest path written to a log line; a refused 8 KB URL need not be logged whole. */
const MAX_LOGGED_PATH = 256;

/** Query parameters that are never logged in full: they can carry user names and e-mails. */
function pathOnly(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const shown = path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
  return q < 0 ? shown : `${shown}?…`;
}

/**
 * One log line per request (design.md §7.10), written when it completes: request id, method,
 * path, route template, status, milliseconds and the name of the SCIM credential. Never headers or bodies, so no token or
 * secret can reach the log from here.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const status = reply.statusCode;
    const level = error ? 'error' : status >= 500 ? 'warn' : 'info';
    // pino's loggers say whether a level is on; the line is not built only to be dropped.
    const log = reply.log as FastifyReply['log'] & { isLevelEnabled?: (level: string) => boolean };
    if (log.isLevelEnabled?.(level) === false) return;
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    // One object per line, built whole: the request id comes from the request's child logger.
    const method = request.method;
    const path = pathOnly(request.url);
    const route = request.routeOptions.url;
    // Which IdP credential, on SCIM requests that were admitted (never the credential itself).
    const credential = request.scimCredential ?? undefined;
    if (error) log.error({ method, path, route, status, ms, credential, err: error.message }, 'request failed');
    else log[level]({ method, path, route, status, ms, credential }, 'request');
  }
}
