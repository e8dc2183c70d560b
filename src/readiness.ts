/**
 * `/readyz` reports only what is wrong with this replica. A Jamf Pro outage hits every replica
 * alike: while it lasts the SCIM routes answer 503 + Retry-After and the IdP retries, whereas a
 * load balancer that took every replica out would turn those retries into connection errors. So
 * an outage is shown (in the body, `/metrics` and the log) but keeps the replica ready. Not ready
 * means the state store cannot be written, or Jamf Pro answered and refused this server's token
 * request (wrong secret, disabled API client, no token endpoint at JAMF_URL): a misconfiguration
 * that a rolling deploy must stop at.
 *
 * A privilege missing from the API role is listed under `jamf.missingPrivileges` but keeps the
 * replica ready: the role is shared by every replica (taking them all out fixes nothing), and the
 * calls that need other privileges still work; the SCIM answers, the log and `/metrics`
 * (`jamf_missing_privilege`) name it too.
 */
import { isJamfError, type JamfErrorKind } from './jamf/errors.js';
import type { MissingPrivilege } from './jamf/privilege-refusals.js';
import type { JamfReachability } from './jamf-health.js';

/** What `/readyz` shows about Jamf Pro; `missingPrivileges` only while Jamf refuses some. */
export type JamfStatus = JamfReachability & { missingPrivileges?: MissingPrivilege[] };

/** The state store as `/readyz` shows it: which kind, and that it took a write just now. */
export interface StateStatus {
  store: 'sqlite' | 'postgres';
  writable: boolean;
}

export type Readiness =
  | { ready: true; jamf?: JamfStatus; state?: StateStatus }
  | { ready: false; reason: string; jamf?: JamfStatus; state?: StateStatus };

export interface ReadinessDeps {
  store: { checkWritable(): Promise<void> };
  /** Shown in the body; PostgreSQL is shared by every replica, but a replica that cannot reach it cannot serve. */
  storeKind?: StateStatus['store'];
  /** Replicas' shared leases (locks, the Jamf budget) live beside the store: checked with it. */
  coordination?: { check(): Promise<void> };
  /**
   * checkToken resolves once a token is held (a cached one costs no Jamf call); missingPrivileges
   * lists what Jamf refused this server's API client lately.
   */
  jamf: { checkToken(): Promise<void>; missingPrivileges?(): MissingPrivilege[] };
  health: { snapshot(): JamfReachability };
  now?: () => number;
  /**
   * Longest wait for a token request before answering from what is known. Below the 1 s default
   * probe timeout of Kubernetes, so a Jamf Pro that does not answer cannot fail the probe itself.
   */
  waitMs?: number;
  /** While Jamf is down or refused the token, readiness asks Jamf again at most this often. */
  recheckMs?: number;
}

/** Failures on Jamf Pro's side, the same for every replica; any other answer refused this server. */
const JAMF_SIDE: ReadonlySet<JamfErrorKind> = new Set(['network', 'timeout', 'unavailable', 'server']);

export function createReadiness(deps: ReadinessDeps): () => Promise<Readiness> {
  const now = deps.now ?? Date.now;
  const waitMs = deps.waitMs ?? 750;
  const recheckMs = deps.recheckMs ?? 10_000;
  let refusal: string | undefined;
  let checking: Promise<void> | undefined;
  let lastCheckAt: number | undefined;

  const check = (): Promise<void> => {
    lastCheckAt = now();
    checking ??= deps.jamf
      .checkToken()
      .then(
        () => {
          refusal = undefined;
        },
        (err: unknown) => {
          // An outage says nothing about the credentials: the last verdict on them stands.
          if (isJamfError(err) && JAMF_SIDE.has(err.kind)) return;
          refusal = `Jamf Pro token could not be obtained: ${err instanceof Error ? err.message : String(err)}`;
        },
      )
      .finally(() => {
        checking = undefined;
      });
    return checking;
  };

  const within = async (work: Promise<void>, ms: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    });
    try {
      await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  const status = (): JamfStatus => {
    const missing = deps.jamf.missingPrivileges?.() ?? [];
    return missing.length === 0 ? deps.health.snapshot() : { ...deps.health.snapshot(), missingPrivileges: missing };
  };

  return async () => {
    const kind = deps.storeKind ?? 'sqlite';
    try {
      // A database that does not answer must not hold the probe past its timeout.
      let answered = false;
      const probe = (async () => {
        await deps.store.checkWritable();
        await deps.coordination?.check();
        answered = true;
      })();
      // Settled after the deadline, its failure is no one's to handle.
      probe.catch(() => undefined);
      await within(probe, waitMs);
      if (!answered) throw new Error(`no answer within ${waitMs} ms`);
    } catch (err) {
      return { ready: false, reason: `state store is not writable: ${(err as Error).message}`, jamf: status(), state: { store: kind, writable: false } };
    }
    const state: StateStatus = { store: kind, writable: true };
    // Probes come every few seconds from every balancer; during an outage or after a refusal a
    // token request per probe would add load where Jamf can least take it, so the verdict is reused.
    const reuseVerdict = deps.health.snapshot().reachable === false || refusal !== undefined;
    if (!reuseVerdict || lastCheckAt === undefined || now() - lastCheckAt >= recheckMs) await within(check(), waitMs);
    const jamf = status();
    return refusal === undefined ? { ready: true, jamf, state } : { ready: false, reason: refusal, jamf, state };
  };
}
