/**
 * The calls Jamf Pro refused for a missing privilege. Classic answers a missing privilege with
 * 401, like an expired token (ConductorOne/baton-jamf README, tested on 11.32.1; jamf-pro-api.md
 * §11), so without this every such call would cost a token request, and the answer would blame the
 * credentials. Once a fresh token was refused too, a 401 on that kind of call (method + route
 * template) is taken as the privilege for `holdMs`; then one token refresh is tried again, in case
 * it was an expiry after all. A call of that kind that Jamf answers proves the privilege was added.
 */
import type { Logger } from 'pino';
import { JamfError, JamfPrivilegeError } from './errors.js';
import type { HttpMethod } from './http-core.js';
import { privilegeFor } from './privileges.js';

/** A privilege the API role lacks, as `/readyz` and `npm run check` show it. */
export interface MissingPrivilege {
  privilege: string;
  /** The calls Jamf refused, as `METHOD /route/template`. */
  calls: string[];
  /** First refusal, ISO 8601. */
  since: string;
}

export interface PrivilegeRefusals {
  /** Jamf refused this kind of call less than `holdMs` ago: a 401 on it is not the token. */
  holds(method: HttpMethod, route: string): boolean;
  /** Records the refusal and returns the error to throw; logs it unless it is already held. */
  refuse(method: HttpMethod, route: string, status: number): JamfError;
  /** Jamf answered this kind of call: the API role has its privilege (again). */
  granted(method: HttpMethod, route: string): void;
  list(): MissingPrivilege[];
}

export interface PrivilegeRefusalOptions {
  logger: Logger;
  now: () => number;
  /** Default 5 minutes. */
  holdMs?: number;
}

interface Refusal {
  privilege: string | undefined;
  since: number;
  holdUntil: number;
}

const DEFAULT_HOLD_MS = 5 * 60_000;

export function createPrivilegeRefusals(opts: PrivilegeRefusalOptions): PrivilegeRefusals {
  const holdMs = opts.holdMs ?? DEFAULT_HOLD_MS;
  const refusals = new Map<string, Refusal>();
  const key = (method: HttpMethod, route: string): string => `${method} ${route}`;

  return {
    holds(method, route) {
      const refusal = refusals.get(key(method, route));
      return refusal !== undefined && opts.now() < refusal.holdUntil;
    },

    refuse(method, route, status) {
      const call = key(method, route);
      const privilege = privilegeFor(method, route);
      const err =
        privilege === undefined
          ? new JamfError('forbidden', `Jamf Pro refused this server's API client (${call}) with a fresh token too: the API role may lack a privilege for it`, status, call)
          : new JamfPrivilegeError(privilege.name, call, status, privilege.unless);
      const at = opts.now();
      const earlier = refusals.get(call);
      // A call refused while held had no fresh token to prove anything: the hold runs from the last proof.
      if (earlier !== undefined && at < earlier.holdUntil) return err;
      opts.logger.error({ jamf: { method, route, status, ...(privilege === undefined ? {} : { privilege: privilege.name }) } }, err.message);
      refusals.set(call, { privilege: privilege?.name, since: earlier?.since ?? at, holdUntil: at + holdMs });
      return err;
    },

    granted(method, route) {
      // Runs on every successful call; nothing is held almost always, so no key is built then.
      if (refusals.size === 0) return;
      const call = key(method, route);
      const refusal = refusals.get(call);
      if (refusal === undefined) return;
      refusals.delete(call);
      opts.logger.info({ jamf: { method, route, privilege: refusal.privilege } }, 'jamf pro grants the privilege again');
    },

    list() {
      const byPrivilege = new Map<string, { calls: string[]; since: number }>();
      for (const [call, refusal] of refusals) {
        if (refusal.privilege === undefined) continue;
        const entry = byPrivilege.get(refusal.privilege) ?? { calls: [], since: refusal.since };
        entry.calls.push(call);
        entry.since = Math.min(entry.since, refusal.since);
        byPrivilege.set(refusal.privilege, entry);
      }
      return [...byPrivilege]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([privilege, { calls, since }]) => ({ privilege, calls: calls.sort(), since: new Date(since).toISOString() }));
    },
  };
}
