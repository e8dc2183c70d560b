import type { FastifyRequest } from 'fastify';
import { idSegment, lastSegment } from './classic-request.js';
import { SimError } from './errors.js';
import { routeMeta, type WriteTarget } from './route-meta.js';
import { findGroupByName, findUserByName } from './store.js';
import type { Knobs, SimGroup, SimUser, SimulatorState } from './types.js';

export interface WriteTracker {
  /** A Jamf call arrived (before the 'received' listeners): a tracked write enters flight and reads its record. */
  arrive(request: FastifyRequest): void;
  /** The call settled (answer decided, or connection gone): it leaves flight. Idempotent. */
  settle(request: FastifyRequest): void;
  /**
   * The record a write's handler applies its body to, given the current one, as the
   * `concurrentWrites` knob says: the current record ('atomic'), the one read on arrival
   * ('lost-update'), or a 500 if another write replaced it since then ('fail').
   */
  base<T extends SimUser | SimGroup>(request: FastifyRequest, current: T): T;
  maxConcurrentWrites(): number;
  reset(): void;
}

interface InFlightWrite {
  /** `group:7`, `user:12`: one key per record, so writes to one record are counted together. */
  key: string;
  /** The record as it was on arrival; absent when the URL named none. */
  snapshot: SimUser | SimGroup | undefined;
  settled: boolean;
}

/** Writes replace a record with an edited copy (group-write.ts, user-write.ts), so identity tells whether it changed. */
export function createWriteTracker(state: SimulatorState, knobs: Knobs): WriteTracker {
  const writes = new WeakMap<FastifyRequest, InFlightWrite>();
  const inFlight = new Map<string, number>();
  let peak = 0;

  /** The record the URL names, by `/id/` (a missing record still has a key) or by `/name/` as of now. */
  const locate = (request: FastifyRequest, target: WriteTarget): Omit<InFlightWrite, 'settled'> | undefined => {
    const records: Map<number, SimUser | SimGroup> = target === 'user' ? state.users : state.groups;
    let id: number | undefined;
    try {
      if ('id' in (request.params as object)) id = idSegment(request);
      else id = (target === 'user' ? findUserByName : findGroupByName)(state, lastSegment(request))?.id;
    } catch {
      // A malformed URL segment: the handler answers 400, nothing to track.
      return undefined;
    }
    return id === undefined ? undefined : { key: `${target}:${id}`, snapshot: records.get(id) };
  };

  return {
    arrive(request) {
      const target = routeMeta(request)?.write;
      const located = target && locate(request, target);
      if (!located) return;
      writes.set(request, { ...located, settled: false });
      const n = (inFlight.get(located.key) ?? 0) + 1;
      inFlight.set(located.key, n);
      peak = Math.max(peak, n);
    },

    settle(request) {
      const write = writes.get(request);
      if (!write || write.settled) return;
      write.settled = true;
      const n = (inFlight.get(write.key) ?? 1) - 1;
      if (n > 0) inFlight.set(write.key, n);
      else inFlight.delete(write.key);
    },

    base(request, current) {
      const snapshot = writes.get(request)?.snapshot as typeof current | undefined;
      if (!snapshot || snapshot === current || knobs.concurrentWrites === 'atomic') return current;
      // One of the failure modes jamf-pro-api.md §11 names; rendered as the Classic status page (§2.10).
      if (knobs.concurrentWrites === 'fail') throw new SimError(500, 'Unable to update the database');
      if (!('memberIds' in snapshot)) return snapshot;
      // Users deleted meanwhile left every group (store.ts deleteUser); a stale read must not bring them back.
      return { ...snapshot, memberIds: new Set([...snapshot.memberIds].filter((id) => state.users.has(id))) };
    },

    maxConcurrentWrites: () => peak,
    reset() {
      peak = Math.max(0, ...inFlight.values());
    },
  };
}
