/**
 * Jamf Cloud node pinning for dependent sequences only. Jamf Cloud's nodes refresh from each other
 * about once a minute, so a read or update right after a create may reach a node that does not have
 * the object yet. Jamf's guidance (DOC-STICKY, "Sticky Sessions for Jamf Cloud"; jamf-pro-api.md
 * §5, §11): send the load-balancer cookie (`jpro-ingress`, older `APBALANCEID`) on "API calls that
 * create new resources, assuming subsequent interaction with that resource is required", and not on
 * all traffic, which "may negatively impact performance, especially for large automated
 * processes". So the cookie a create's response sets is kept under the created object
 * (`user:<id>`, `group:<id>`) for PIN_MS and sent only on the calls that name that object; every
 * other call goes unpinned and the balancer spreads it.
 */

/** A minute of cluster refresh (DOC-STICKY; "up to ~60 s", jamf-pro-api.md §5) plus the refresh itself. */
export const PIN_MS = 90_000;

/** Creates are bounded by the IdP's pace; this only caps memory if pins were never read again. */
const MAX_PINS = 10_000;

const STICKY_COOKIES = new Set(['jpro-ingress', 'APBALANCEID']);

export const userKey = (id: number): string => `user:${id}`;
export const groupKey = (id: number): string => `group:${id}`;

/** The balancer cookies a response sets, as a `Cookie` header value; undefined when none. */
export function stickyCookieOf(setCookie: string | string[] | undefined): string | undefined {
  // Most responses set no cookie: no allocation for them, as this runs on every Jamf call.
  if (setCookie === undefined || setCookie.length === 0) return undefined;
  const lines = Array.isArray(setCookie) ? setCookie : [setCookie];
  const pairs = new Map<string, string>();
  for (const line of lines) {
    const pair = line.split(';', 1)[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (STICKY_COOKIES.has(name)) pairs.set(name, pair.slice(eq + 1).trim());
  }
  return pairs.size === 0 ? undefined : [...pairs].map(([k, v]) => `${k}=${v}`).join('; ');
}

export interface Pin {
  key: string;
  cookie: string;
}

export interface NodeAffinity {
  /**
   * The pin to use for a call that depends on `keys`: of the live ones, the newest, since the object
   * created last is the one least likely to have reached the other nodes.
   */
  pinFor(keys: readonly string[]): Pin | undefined;
  /** `key` was just created on the node `cookie` names. */
  pin(key: string, cookie: string): void;
  /** The balancer moved a pinned call to another node (a new cookie): later dependents follow it. */
  repin(key: string, cookie: string): void;
}

interface Entry {
  cookie: string;
  pinnedAt: number;
}

export function createNodeAffinity(now: () => number, pinMs = PIN_MS): NodeAffinity {
  const pins = new Map<string, Entry>();
  const live = (entry: Entry | undefined, at: number): entry is Entry => entry !== undefined && at - entry.pinnedAt < pinMs;

  const prune = (at: number): void => {
    for (const [key, entry] of pins) if (!live(entry, at)) pins.delete(key);
    // Map order is insertion order: the oldest pins go first.
    for (const key of pins.keys()) {
      if (pins.size <= MAX_PINS) break;
      pins.delete(key);
    }
  };

  return {
    pinFor(keys) {
      // Nothing created lately (most of the time): no clock read, no scan.
      if (pins.size === 0) return undefined;
      const at = now();
      let best: (Pin & { pinnedAt: number }) | undefined;
      for (const key of keys) {
        const entry = pins.get(key);
        if (!live(entry, at)) continue;
        if (best === undefined || entry.pinnedAt > best.pinnedAt) best = { key, cookie: entry.cookie, pinnedAt: entry.pinnedAt };
      }
      return best === undefined ? undefined : { key: best.key, cookie: best.cookie };
    },
    pin(key, cookie) {
      const at = now();
      pins.delete(key);
      pins.set(key, { cookie, pinnedAt: at });
      if (pins.size > MAX_PINS) prune(at);
    },
    repin(key, cookie) {
      const entry = pins.get(key);
      if (entry !== undefined) entry.cookie = cookie;
    },
  };
}
