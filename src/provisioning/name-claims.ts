/**
 * What a create needs to know about a name before it posts it to Jamf: a lock per name (so two
 * requests for one userName or group displayName never create at once), and whether the name was
 * seen absent in Jamf just before, with no write of this server to it since.
 *
 * Both IdPs look a name up right before they create it (`filter=userName eq`, `displayName eq`;
 * idp-behaviour.md A1, A2). That lookup is what lets a create whose outcome Jamf did not tell (a
 * lost response) take the same-named object it then finds as its own (jamf/create-once.ts).
 */
import { foldName } from '../scim/name-fold.js';
import { createKeyedLock, type SharedLock } from './keyed-lock.js';

/** How long an "absent" sighting counts as the state before a create. */
const ABSENT_FOR_MS = 30_000;
/** Bound on remembered names; the oldest are forgotten first. */
const MAX_NAMES = 10_000;

/** Jamf compares names case-insensitively, beyond ASCII (scim/name-fold.ts). */
export const nameKey = foldName;

export interface NameClaims {
  /** Runs `fn` holding the locks of every name given (one order, so two callers never deadlock). */
  withNames<T>(names: readonly string[], fn: () => Promise<T>): Promise<T>;
  /** Call before a Jamf lookup of `name`; pass the result to `sawAbsent` if Jamf had none. */
  beginLookup(name: string): number;
  sawAbsent(name: string, lookup: number): void;
  /** A create or rename of this server is about to write `name`: earlier sightings are void. */
  writing(name: string): void;
  /** The name was seen absent recently and nothing of this server wrote it since; consumes it. */
  takeAbsent(name: string): boolean;
}

export function createNameClaims(namespace: string, now: () => number = Date.now, shared?: SharedLock): NameClaims {
  // Names are claimed across replicas too: two replicas creating one userName must not both post it.
  const lock = createKeyedLock(shared && { lock: shared, namespace: 'name' });
  let seq = 0;
  const lastWrite = new Map<string, number>();
  const absent = new Map<string, { seq: number; at: number }>();

  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_NAMES) map.delete(map.keys().next().value as string);
  };

  return {
    withNames<T>(names: readonly string[], fn: () => Promise<T>): Promise<T> {
      let run = fn;
      for (const key of [...new Set(names.map(nameKey))].sort().reverse()) {
        const inner = run;
        run = () => lock(`${namespace}:${key}`, inner);
      }
      return run();
    },
    beginLookup: () => ++seq,
    sawAbsent(name, lookup) {
      const key = nameKey(name);
      // A write that began after this lookup started makes its answer stale.
      if ((lastWrite.get(key) ?? 0) > lookup) return;
      remember(absent, key, { seq: lookup, at: now() });
    },
    writing(name) {
      const key = nameKey(name);
      remember(lastWrite, key, ++seq);
      absent.delete(key);
    },
    takeAbsent(name) {
      const key = nameKey(name);
      const seen = absent.get(key);
      absent.delete(key);
      if (!seen) return false;
      return (lastWrite.get(key) ?? 0) < seen.seq && now() - seen.at <= ABSENT_FOR_MS;
    },
  };
}
