/**
 * The sorted id list a Classic import pages through (Jamf Pro < 11.26 has no paged user list:
 * `GET /JSSResource/users` returns every id and name, jamf-pro-api.md §2.4). Fetching and
 * sorting it for every page made a 50,000-user import 50,500 Jamf calls instead of 50,001 and
 * cost 0.1–0.2 s of CPU and ~12 MB of garbage per page. It is kept for the length of an import:
 * fetched by its first page (startIndex=1), used by the pages after it until unused for
 * `IDLE_MS` or older than `MAX_AGE_MS`; a page that continues no import reads Jamf itself. A user this server creates in Jamf is added as its create returns (Jamf ids only
 * grow, so it goes at the end and no page shifts). A deleted user stays in it until the next
 * fetch: its read is a 404 and it is left out of its page, as one an administrator deletes, and
 * the later pages do not shift by one, which would make the IdP miss the user at the border.
 * What only an administrator added in Jamf shows at the next import.
 */
import type { JamfUserSummary } from '../jamf/types.js';

const IDLE_MS = 60_000;
const MAX_AGE_MS = 10 * 60_000;

interface Flight {
  done: Promise<number[]>;
  created: number[];
  keep: boolean;
}

export interface JamfIdListDeps {
  listUsers: () => Promise<JamfUserSummary[]>;
  now?: () => number;
}

/** Inserts `id` into ascending `ids` unless it is there. */
function insert(ids: number[], id: number): void {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ids[mid] as number) < id) lo = mid + 1;
    else hi = mid;
  }
  if (ids[lo] !== id) ids.splice(lo, 0, id);
}

export function createJamfIdList(deps: JamfIdListDeps) {
  const now = deps.now ?? Date.now;
  let kept: { ids: number[]; fetchedAt: number; usedAt: number } | null = null;
  /** A fetch in flight, the users created while it was (added to its result), and whether a first page waits for it. */
  let fetching: Flight | null = null;

  function fetch(keep: boolean): Promise<number[]> {
    if (fetching) {
      fetching.keep ||= keep;
      return fetching.done;
    }
    const flight: Flight = { done: Promise.resolve([]), created: [], keep };
    flight.done = deps.listUsers().then(
      (summaries) => {
        const ids = summaries.map((u) => u.id).sort((a, b) => a - b);
        // The list may or may not show them yet.
        for (const id of flight.created) insert(ids, id);
        const at = now();
        if (flight.keep) kept = { ids, fetchedAt: at, usedAt: at };
        fetching = null;
        return ids;
      },
      (err: unknown) => {
        fetching = null;
        throw err;
      },
    );
    fetching = flight;
    return flight.done;
  }

  return {
    /** Every Jamf user id, ascending. `fresh`: a first page, which always reads Jamf. */
    async ids(fresh: boolean): Promise<readonly number[]> {
      const at = now();
      if (!fresh && kept && at - kept.usedAt <= IDLE_MS && at - kept.fetchedAt <= MAX_AGE_MS) {
        kept.usedAt = at;
        return kept.ids;
      }
      if (!fresh) kept = null;
      return fetch(fresh);
    },
    /** This server created (or took over) Jamf user `id`. */
    added(id: number): void {
      if (kept) insert(kept.ids, id);
      fetching?.created.push(id);
    },
  };
}

export type JamfIdList = ReturnType<typeof createJamfIdList>;
