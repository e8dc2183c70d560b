/**
 * Who may use /admin/api: a caller with `Authorization: Bearer <ADMIN_TOKEN>` (scripts), or a
 * browser holding a session cookie it got by posting that token once (the console). The cookie is
 * SameSite=Strict and every write made with it must repeat the session's CSRF token in a header,
 * which another site's page can neither read nor set; a Bearer caller sends no cookie, so it needs
 * no CSRF token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthThrottlePort } from '../coord/types.js';
import { localAuthThrottle } from '../http/auth-throttle.js';
import { bearerChallenge, createTokenCheck } from '../http/auth.js';
import { sendJson } from './reply.js';
import { createSessionStore, csrfMatches, SESSION_IDLE_MS, sessionCookie, sessionIdOf, type Session } from './sessions.js';

export const ADMIN_SESSION_PATH = '/admin/api/session';

export interface AdminAuthDeps {
  adminToken: string;
  /** Failed authentications per client address per minute before 429 (shared by Bearer and sign-in). */
  authFailureLimit: number;
  now?: () => number;
  /** Shared by replicas (Coordination.authThrottle); default: this process's own. */
  throttle?: AuthThrottlePort;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const maxAge = Math.round(SESSION_IDLE_MS / 1000);

export function createAdminAuth(deps: AdminAuthDeps) {
  const now = deps.now ?? Date.now;
  const bearer = createTokenCheck([deps.adminToken]);
  const expected = digest(deps.adminToken);
  const throttle = deps.throttle ?? localAuthThrottle(deps.authFailureLimit, now);
  const sessions = createSessionStore({ now });

  /** A failed authentication: counted per address, 429 once over the limit; the token is never logged. */
  const refuse = async (request: FastifyRequest, reply: FastifyReply, credentials: 'missing' | 'invalid') => {
    const wait = await throttle.retryAfter(request.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendJson(reply, 429, { error: 'too many failed authentication attempts from this address; retry later' });
    }
    const failures = await throttle.fail(request.ip);
    request.log.warn({ ip: request.ip, endpoint: 'admin', credentials, failures, limit: deps.authFailureLimit }, 'authentication failed');
    reply.header('www-authenticate', bearerChallenge(credentials));
    return sendJson(reply, 401, { error: 'missing or invalid admin token' });
  };

  // The cookie is sent again with each answer, so the browser keeps it as long as the session slides on.
  const keepCookie = (request: FastifyRequest, reply: FastifyReply, id: string) =>
    reply.header('set-cookie', sessionCookie(id, maxAge, request.protocol === 'https'));

  const sessionOf = (request: FastifyRequest): { id: string; session: Session } | undefined => {
    const id = sessionIdOf(request.headers.cookie);
    const session = id === undefined ? undefined : sessions.touch(id);
    return id === undefined || session === undefined ? undefined : { id, session };
  };

  const answer = (session: Session) => ({ csrf: session.csrf, expires: new Date(session.expiresAt).toISOString() });

  /** The onRequest hook of every /admin/api route but sign-in and the session probe. */
  async function guard(request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const auth = bearer(header);
      return auth === 'valid' ? undefined : refuse(request, reply, auth);
    }
    const found = sessionOf(request);
    if (found === undefined) {
      // A session id is 256 random bits, so a stale cookie (expiry, restart, sign-out) is no
      // guess: it is answered without counting against the address.
      if (sessionIdOf(request.headers.cookie) !== undefined) {
        reply.header('www-authenticate', bearerChallenge('missing'));
        return sendJson(reply, 401, { error: 'the session has expired or was signed out; sign in again' });
      }
      return refuse(request, reply, 'missing');
    }
    if (!READS.has(request.method) && !csrfMatches(found.session, request.headers['x-csrf-token'])) {
      return sendJson(reply, 403, { error: 'missing or invalid CSRF token' });
    }
    keepCookie(request, reply, found.id);
    return undefined;
  }

  function registerSessionRoutes(app: FastifyInstance) {
    app.post(ADMIN_SESSION_PATH, async (request, reply) => {
      const token = (request.body as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token === '') return refuse(request, reply, 'missing');
      if (!timingSafeEqual(digest(token), expected)) return refuse(request, reply, 'invalid');
      const { id, session } = sessions.create();
      request.log.info({ ip: request.ip, endpoint: 'admin', sessions: sessions.size() }, 'admin signed in');
      keepCookie(request, reply, id);
      return sendJson(reply, 200, answer(session));
    });

    // What a reloaded page asks first; not signed in is an ordinary answer, not a failed attempt.
    app.get(ADMIN_SESSION_PATH, async (request, reply) => {
      const found = sessionOf(request);
      if (found === undefined) return sendJson(reply, 401, { error: 'not signed in' });
      keepCookie(request, reply, found.id);
      return sendJson(reply, 200, answer(found.session));
    });

    app.delete(ADMIN_SESSION_PATH, { onRequest: guard }, async (request, reply) => {
      const id = sessionIdOf(request.headers.cookie);
      if (id !== undefined) sessions.remove(id);
      // Fastify adds Set-Cookie headers up: the guard's refreshed cookie must not follow this one.
      reply.removeHeader('set-cookie');
      reply.header('set-cookie', sessionCookie('', 0, request.protocol === 'https'));
      return reply.code(204).header('cache-control', 'no-store').send();
    });
  }

  return { guard, registerSessionRoutes };
}
