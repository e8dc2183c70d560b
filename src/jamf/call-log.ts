/**
 * The log line of each Jamf call attempt (design.md §7.10) and its note in the SCIM request's
 * context: both carry the request id, so a Jamf DELETE in the log or the audit trail is tied to
 * the SCIM request that caused it.
 */
import type { Logger } from 'pino';
import { currentRequest, type RequestContext } from '../audit/context.js';

export interface CallLine {
  method: string;
  route: string;
}

/** `reqId` as Fastify's request lines spell it; `alsoFor` for a call shared by several requests. */
function requestFields(ctx: RequestContext | undefined): { reqId?: string; alsoFor?: readonly string[] } {
  if (ctx === undefined) return {};
  return ctx.alsoFor === undefined ? { reqId: ctx.requestId } : { reqId: ctx.requestId, alsoFor: ctx.alsoFor };
}

export function createCallLog(logger: Logger) {
  return {
    /** At info for a success: the object is built only when the level is on. */
    ok(spec: CallLine, attempt: number, status: number, ms: number): void {
      if (!logger.isLevelEnabled('info')) return;
      const ctx = currentRequest();
      const jamf = { method: spec.method, route: spec.route, status, ms, attempt };
      logger.info(ctx === undefined ? { jamf } : { ...requestFields(ctx), jamf }, 'jamf call');
    },
    warn(spec: CallLine, attempt: number, status: number | 'error', ms: number, extra?: object): void {
      if (!logger.isLevelEnabled('warn')) return;
      const jamf = { method: spec.method, route: spec.route, status, ms, attempt };
      logger.warn({ ...requestFields(currentRequest()), jamf: extra === undefined ? jamf : Object.assign(jamf, extra) }, 'jamf call');
    },
    /** The request whose work makes a call, taken when the call is made (a queued call runs later, from another's). */
    context: currentRequest,
    /** Noted for the audit entry of the step that made the call. */
    note(ctx: RequestContext | undefined, spec: CallLine, status: number | null, ms: number): void {
      ctx?.noteCall({ method: spec.method, route: spec.route, status, ms });
    },
  };
}
