import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '../scim/index.js';
import { requestContext, runInRequest } from '../audit/context.js';
import { bearerChallenge } from './auth.js';
import { localAuthThrottle } from './auth-throttle.js';
import type { AuthOutcome } from './jwt-auth.js';
import type { ScimRouteDeps } from './scim-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Name of the SCIM credential an admitted request came with (the request log line and the audit trail show it). */
    scimCredential: string | null;
  }
}

/** Whole seconds (Okta ignores anything else, idp-behaviour.md A1.3). */
function retryAfterFor(queued: number): number {
  return Math.min(60, Math.max(1, Math.ceil(queued / 50)));
}

/**
 * The first hook of every SCIM request: authentication (RFC 7644 §2), the failed-authentication
 * throttle, and backpressure from the Jamf queue.
 */
export function registerAdmission(
  app: FastifyInstance,
  deps: Pick<ScimRouteDeps, 'authenticate' | 'authThrottle' | 'authFailureLimit' | 'jamfQueue'>,
): void {
  const authenticate = deps.authenticate;
  const throttle = deps.authThrottle ?? localAuthThrottle(deps.authFailureLimit);

  /** The 401/429 of a failed authentication, counted in the throttle (shared by replicas). */
  const refuse = async (request: FastifyRequest, reply: FastifyReply, { result: auth, reason }: AuthOutcome): Promise<never> => {
    const wait = await throttle.retryAfter(request.ip);
    if (wait > 0) {
      const err = new ScimError(429, 'Too many failed authentication attempts from this address; retry later');
      err.retryAfterSeconds = wait;
      throw err;
    }
    const failures = await throttle.fail(request.ip);
    // The address and whether credentials came at all; never the credentials.
    request.log.warn({ ip: request.ip, credentials: auth, reason, failures, limit: deps.authFailureLimit }, 'authentication failed');
    reply.header('www-authenticate', bearerChallenge(auth === 'valid' ? 'invalid' : auth));
    throw new ScimError(401, 'Authorization failure: missing or invalid bearer token');
  };

  /**
   * Throws the 429 of a full Jamf queue, or returns the refusal of a failed authentication (a
   * promise that rejects); returns nothing when the request may proceed.
   */
  const admit = (request: FastifyRequest, reply: FastifyReply, outcome: AuthOutcome): Promise<never> | undefined => {
    // The token is checked before the throttle, and only failures are throttled: the IdP's valid
    // token always passes, even from an address others are failing from (a proxy without
    // TRUST_PROXY, an IdP's shared egress addresses).
    if (outcome.result !== 'valid') return refuse(request, reply, outcome);
    // Backpressure: a request that would wait behind a long Jamf queue is refused now with a
    // Retry-After the IdP honours, rather than answered after the IdP's own 60 s timeout.
    const queue = deps.jamfQueue;
    if (queue) {
      const { queued } = queue.stats();
      if (queued >= queue.limit) {
        const err = new ScimError(429, 'Jamf Pro is busy with earlier requests; retry later');
        err.retryAfterSeconds = retryAfterFor(queued);
        throw err;
      }
    }
    return undefined;
  };
  /**
   * The rest of an admitted request runs in its context (the request id and credential the Jamf
   * call lines and the audit trail record): Fastify runs the remaining hooks and the handler from
   * `done`, so calling it inside `run` carries the context into all of them.
   */
  const proceed = (request: FastifyRequest, outcome: AuthOutcome, done: () => void): void => {
    const credential = outcome.credential ?? null;
    request.scimCredential = credential;
    runInRequest(requestContext(request.id, credential), done);
  };
  app.decorateRequest('scimCredential', null);
  // A callback hook, not an async one: a static token is checked synchronously, and the request
  // then goes on without a promise and a microtask per request. A throw here is answered as the
  // async hook's rejection was (Fastify's hook runner catches it).
  app.addHook('onRequest', (request, reply, done) => {
    const outcome = authenticate(request.headers.authorization);
    if (!(outcome instanceof Promise)) {
      const refused = admit(request, reply, outcome);
      if (refused) refused.catch(done);
      else proceed(request, outcome, done);
      return;
    }
    outcome.then((settled) => {
      let refused: Promise<never> | undefined;
      try {
        refused = admit(request, reply, settled);
      } catch (err) {
        done(err as Error);
        return;
      }
      if (refused) refused.catch(done);
      else proceed(request, settled, done);
    }, done);
  });
}
