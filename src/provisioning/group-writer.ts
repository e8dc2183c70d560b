/**
 * One writer per Jamf user group. The Classic API is not safe under concurrent writes to one
 * resource: Jamf's own Terraform provider keeps those tests serial ("Classic has known
 * concurrency issues when multiple writes hit the same resource type",
 * jamf/terraform-provider-jamfplatform, internal/resources/pro/user_group/
 * resource_acceptance_test.go). So at most one PUT or DELETE is in flight per group; changes that
 * arrive meanwhile are merged, in arrival order, into the next single PUT, and each caller is
 * answered only when the PUT carrying its change has succeeded.
 */
import type { Logger } from 'pino';
import { currentRequest, runInRequest, sharedContext, type RequestContext } from '../audit/context.js';
import { isJamfError, JamfDuplicateError, JamfError } from '../jamf/errors.js';
import { remainingUpdate } from '../jamf/groups.js';
import type { JamfGroup, JamfGroupUpdate } from '../jamf/types.js';
import { mapLimit } from './keyed-lock.js';
import type { JamfDirectory } from './ports.js';

/** A change to one group, in Jamf user ids. `replace` is the whole membership; add/remove apply after it. */
export interface GroupWrite {
  name?: string;
  add?: readonly number[];
  remove?: readonly number[];
  replace?: readonly number[];
}

/** Jamf refused a merged PUT because of users that do not exist; only the writes naming them fail. */
export class MissingMembersError extends Error {
  override readonly name = 'MissingMembersError';
  constructor(readonly jamfIds: readonly number[]) {
    super(`no Jamf user with id ${jamfIds.join(', ')}`);
  }
}

export interface GroupWriterDeps {
  jamf: Pick<JamfDirectory, 'updateGroup' | 'deleteGroup' | 'getGroup' | 'getUser'>;
  logger: Logger;
  readConcurrency: number;
  /** Whether Jamf refused `name` for group `groupId` because another group has it (duplicates.ts). */
  nameTaken: (err: unknown, name: string, groupId: number) => Promise<boolean>;
  /**
   * Runs one write of a group while no other replica writes it (Coordination.withLock), so the
   * one-writer rule holds across replicas sharing a database; absent, this process is the only writer.
   */
  exclusive?: <T>(groupId: number, fn: () => Promise<T>) => Promise<T>;
}

interface Entry {
  change: GroupWrite;
  /** Runs once the change is in Jamf, before any later write to the group starts. */
  apply?: () => Promise<void>;
  /** `renameSeq` when the change was queued. */
  queuedAt: number;
  resolve: (renamed: string | undefined) => void;
  reject: (err: unknown) => void;
  /** The request that queued it: a merged PUT is noted in (and logged for) every request it carries. */
  context: RequestContext | undefined;
}

interface Slot {
  kind: 'put' | 'delete';
  entries: Entry[];
}

export interface GroupWriterStats {
  /** PUTs sent, resends after a refusal included. */
  puts: number;
  /** Changes carried by those PUTs (more than `puts` when changes were merged). */
  changes: number;
  /** Changes queued behind a write in flight, over all groups. */
  waiting: number;
}

const notFound = (groupId: number) => new JamfError('not_found', `no Jamf group with id ${groupId}`, 404, 'PUT /JSSResource/usergroups/id/:id');

/** The PUT that carries `entries` in arrival order; undefined when nothing goes to Jamf. */
export function mergeWrites(changes: readonly GroupWrite[]): JamfGroupUpdate | undefined {
  let name: string | undefined;
  let replace: Set<number> | undefined;
  const add = new Set<number>();
  const remove = new Set<number>();
  for (const c of changes) {
    if (c.name !== undefined) name = c.name;
    if (c.replace !== undefined) {
      replace = new Set(c.replace);
      add.clear();
      remove.clear();
    }
    for (const id of c.add ?? []) {
      if (replace) replace.add(id);
      else {
        remove.delete(id);
        add.add(id);
      }
    }
    for (const id of c.remove ?? []) {
      if (replace) replace.delete(id);
      else {
        add.delete(id);
        remove.add(id);
      }
    }
  }
  const update: JamfGroupUpdate = {};
  if (name !== undefined) update.name = name;
  if (replace) update.replaceIds = [...replace];
  else {
    if (add.size > 0) update.addIds = [...add];
    if (remove.size > 0) update.removeIds = [...remove];
  }
  return Object.keys(update).length === 0 ? undefined : update;
}

export function createGroupWriter(deps: GroupWriterDeps) {
  const { jamf, logger } = deps;
  const queues = new Map<number, Slot[]>();
  /** Groups this server deleted: later writes fail at once (Jamf never reuses an id). */
  const deleted = new Set<number>();
  const stats = { puts: 0, changes: 0 };
  /** The last name each group was given by a PUT of this writer, and when (a counter, not a clock). */
  const renames = new Map<number, { name: string; seq: number }>();
  let renameSeq = 0;

  function enqueue(groupId: number, kind: Slot['kind'], entry: Entry): void {
    let queue = queues.get(groupId);
    const idle = queue === undefined;
    if (!queue) {
      queue = [];
      queues.set(groupId, queue);
    }
    const last = queue[queue.length - 1];
    if (last && last.kind === kind) last.entries.push(entry);
    else queue.push({ kind, entries: [entry] });
    if (idle) void drain(groupId, queue);
  }

  async function drain(groupId: number, queue: Slot[]): Promise<void> {
    for (let slot = queue.shift(); slot; slot = queue.shift()) {
      const { kind, entries } = slot;
      const context = sharedContext(entries.flatMap((e) => (e.context === undefined ? [] : [e.context])));
      const run = () => (kind === 'delete' ? runDelete(groupId, entries) : runPut(groupId, entries));
      await runInRequest(context, () => (deps.exclusive ? deps.exclusive(groupId, run) : run())).catch((err: unknown) => fail(entries, err));
    }
    queues.delete(groupId);
  }

  async function succeed(groupId: number, entries: readonly Entry[]): Promise<void> {
    const renamed = renames.get(groupId);
    for (const e of entries) {
      try {
        await e.apply?.();
        e.resolve(renamed !== undefined && renamed.seq > e.queuedAt ? renamed.name : undefined);
      } catch (err) {
        e.reject(err);
      }
    }
  }

  const fail = (entries: readonly Entry[], err: unknown) => entries.forEach((e) => e.reject(err));

  async function runDelete(groupId: number, entries: Entry[]): Promise<void> {
    if (deleted.has(groupId)) return fail(entries, notFound(groupId));
    try {
      await jamf.deleteGroup(groupId);
    } catch (err) {
      return fail(entries, err);
    }
    deleted.add(groupId);
    renames.delete(groupId);
    await succeed(groupId, entries);
  }

  /** Additions Jamf refused: the ids among them that no Jamf user has (reads only on this path). */
  async function missingUsers(ids: readonly number[]): Promise<Set<number>> {
    const found = await mapLimit([...new Set(ids)], deps.readConcurrency, async (id) => ({ id, user: await jamf.getUser(id) }));
    return new Set(found.filter((f) => f.user === null).map((f) => f.id));
  }

  /** What a refused PUT taught about the group, so the next attempt sends only what still applies. */
  interface Learned {
    /** The group as read after a refusal: additions it has and removals it lacks are dropped. */
    seen?: JamfGroup;
    /** Users whose existence was checked. */
    checkedUsers: Set<number>;
  }

  /**
   * Sends the merged PUT; on a refusal that belongs to some of the changes only, drops those
   * (failing their callers) or the no-op parts, and sends the rest again.
   */
  async function runPut(groupId: number, entries: Entry[]): Promise<void> {
    if (deleted.has(groupId)) return fail(entries, notFound(groupId));
    let live = entries;
    const learned: Learned = { checkedUsers: new Set() };
    for (;;) {
      let update = mergeWrites(live.map((e) => e.change));
      if (update && learned.seen) update = remainingUpdate(learned.seen, update);
      if (!update) return succeed(groupId, live);
      stats.puts += 1;
      stats.changes += live.length;
      try {
        await jamf.updateGroup(groupId, update);
        if (update.name !== undefined) renames.set(groupId, { name: update.name, seq: ++renameSeq });
        return succeed(groupId, live);
      } catch (err) {
        let rest: Entry[] | undefined;
        try {
          rest = await withoutCulprits(groupId, err, live, update, learned);
        } catch (readErr) {
          return fail(live, readErr);
        }
        if (rest === undefined) return fail(live, err);
        live = rest;
        logger.info({ groupId }, 'group update resent without what Jamf refused');
      }
    }
  }

  /** The changes to send again after `err`, or undefined when the refusal belongs to all of them. */
  async function withoutCulprits(groupId: number, err: unknown, live: Entry[], update: JamfGroupUpdate, learned: Learned): Promise<Entry[] | undefined> {
    if (!isJamfError(err, 'conflict')) return undefined;
    // A read failing here decides nothing: every caller gets that failure (a 5xx the IdP retries).
    if (update.removeIds && learned.seen === undefined) {
      // Removing a non-member is refused with 409 (§4.4) and is a no-op to SCIM.
      const group = await jamf.getGroup(groupId);
      if (group === null) throw notFound(groupId);
      const current = new Set(group.members.map((m) => m.id));
      if (update.removeIds.some((id) => !current.has(id))) {
        learned.seen = group;
        return live;
      }
    }
    if (update.name !== undefined && (await deps.nameTaken(err, update.name, groupId))) {
      // The last rename was sent: it is the one refused; an earlier one may still apply.
      const culprit = [...live].reverse().find((e) => e.change.name !== undefined) as Entry;
      culprit.reject(err instanceof JamfDuplicateError ? err : new JamfDuplicateError(err.message, err.route));
      return live.filter((e) => e !== culprit);
    }
    const added = [...(update.addIds ?? []), ...(update.replaceIds ?? [])].filter((id) => !learned.checkedUsers.has(id));
    if (added.length === 0) return undefined;
    const missing = await missingUsers(added);
    added.forEach((id) => learned.checkedUsers.add(id));
    if (missing.size === 0) return undefined;
    const culprits = live.filter((e) => [...(e.change.add ?? []), ...(e.change.replace ?? [])].some((id) => missing.has(id)));
    for (const e of culprits) {
      const ids = [...(e.change.add ?? []), ...(e.change.replace ?? [])].filter((id) => missing.has(id));
      e.reject(new MissingMembersError(ids));
    }
    return live.filter((e) => !culprits.includes(e));
  }

  return {
    /**
     * Resolves once a PUT carrying `change` succeeded (at once, in order, when it has nothing for
     * Jamf); `apply` runs right then, before any later write to the group. The value is the
     * group's name when this writer renamed it after the change was queued (that rename's PUT
     * or the one carrying the change), so a caller that knew the name before knows it after.
     */
    update(groupId: number, change: GroupWrite, apply?: () => Promise<void>): Promise<string | undefined> {
      return new Promise((resolve, reject) => enqueue(groupId, 'put', { change, apply, queuedAt: renameSeq, resolve, reject, context: currentRequest() }));
    },
    /** Deletes the group after the writes queued before it; concurrent deletes share one call. */
    delete(groupId: number, apply?: () => Promise<void>): Promise<void> {
      return new Promise((resolve, reject) => enqueue(groupId, 'delete', { change: {}, apply, queuedAt: renameSeq, resolve: () => resolve(), reject, context: currentRequest() }));
    },
    isDeleted: (groupId: number) => deleted.has(groupId),
    stats: (): GroupWriterStats => {
      let waiting = 0;
      for (const queue of queues.values()) for (const slot of queue) waiting += slot.entries.length;
      return { ...stats, waiting };
    },
  };
}

export type GroupWriter = ReturnType<typeof createGroupWriter>;
