/**
 * Console sessions: kept in memory only, so a restart signs everyone out and no session outlives
 * the process that issued it. The cookie carries a random id; the map is keyed by its SHA-256, so
 * the ids a browser holds appear nowhere in this process's memory.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'jamf_scim_admin';
/** Idle lifetime: every request with the cookie moves the expiry on (8 h). */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
/** Oldest-used sessions are dropped beyond this; a few operators never come close. */
export const MAX_SESSIONS = 100;

export interface Session {
  /** Sent back in `x-csrf-token` on every write made with the cookie. */
  readonly csrf: string;
  expiresAt: number;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const random = () => randomBytes(32).toString('base64url');

export function createSessionStore(opts: { now?: () => number; idleMs?: number; max?: number } = {}) {
  const now = opts.now ?? Date.now;
  const idleMs = opts.idleMs ?? SESSION_IDLE_MS;
  const max = opts.max ?? MAX_SESSIONS;
  // Insertion order is use order (a touched session is re-inserted), so the first key is the least recently used.
  const sessions = new Map<string, Session>();

  const sweep = () => {
    const at = now();
    for (const [key, s] of sessions) if (s.expiresAt <= at) sessions.delete(key);
  };

  return {
    /** A new session and the id its cookie carries. */
    create(): { id: string; session: Session } {
      sweep();
      while (sessions.size >= max) {
        const oldest = sessions.keys().next().value;
        if (oldest === undefined) break;
        sessions.delete(oldest);
      }
      const id = random();
      const session: Session = { csrf: random(), expiresAt: now() + idleMs };
      sessions.set(digest(id), session);
      return { id, session };
    },
    /** The live session of a cookie value, its expiry moved on; undefined when unknown or expired. */
    touch(id: string): Session | undefined {
      const key = digest(id);
      const session = sessions.get(key);
      if (session === undefined) return undefined;
      sessions.delete(key);
      if (session.expiresAt <= now()) return undefined;
      session.expiresAt = now() + idleMs;
      sessions.set(key, session);
      return session;
    },
    remove(id: string): void {
      sessions.delete(digest(id));
    },
    size: () => sessions.size,
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;

/** Equal in constant time; a header of another length is simply wrong. */
export function csrfMatches(session: Session, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header, 'utf8');
  const expected = Buffer.from(session.csrf, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The session id of a `Cookie` header, if it names ours. */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    // Ours are base64url; anything else was not issued here.
    return /^[\w-]{16,128}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/** Path=/admin keeps the cookie off the SCIM routes; Secure only where the browser came over HTTPS. */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}
