import type { Logger } from 'pino';
import type { AuditTrail } from '../audit/recorder.js';
import { createGroupChanges } from './group-changes.js';
import { createGroupReads } from './group-reads.js';
import type { GroupWriter } from './group-writer.js';
import type { SharedLock } from './keyed-lock.js';
import { createNameClaims } from './name-claims.js';
import type { JamfDirectory, StateStore, UserRecord } from './ports.js';

export type { GroupChange } from './group-changes.js';
export type { GroupListQuery, GroupLookup } from './group-reads.js';
export { GROUP_SCHEMA } from './group-view.js';

export interface GroupServiceDeps {
  jamf: JamfDirectory;
  store: StateStore;
  logger: Logger;
  readConcurrency: number;
  /** The one writer per Jamf group (group-writer.ts), shared with the user service. */
  writer: GroupWriter;
  now?: () => Date;
  /** Resolves a SCIM user id to its store row and current Jamf id (null: not in Jamf). */
  resolveMember: (scimId: string) => Promise<{ jamfId: number | null; record: UserRecord | null }>;
  /**
   * Runs `fn` while no other request changes that user (the user service's per-user lock), so a
   * membership change cannot interleave with the user's deactivation or reactivation.
   */
  lockMember?: <T>(scimId: string, fn: () => Promise<T>) => Promise<T>;
  onEvent?: (event: 'group_created' | 'group_deleted') => void;
  audit?: AuditTrail;
  /** Replicas on one database: displayName locks are taken there too (Coordination.withLock). */
  sharedLock?: SharedLock;
}

/** Static user groups: reads (group-reads.ts) and writes (group-changes.ts). */
export function createGroupService(deps: GroupServiceDeps) {
  const now = () => (deps.now ? deps.now() : new Date()).toISOString();
  const names = createNameClaims('group', Date.now, deps.sharedLock);
  const reads = createGroupReads({ jamf: deps.jamf, store: deps.store, readConcurrency: deps.readConcurrency, names, resolveMember: deps.resolveMember });
  const changes = createGroupChanges({
    jamf: deps.jamf,
    store: deps.store,
    names,
    writer: deps.writer,
    reads,
    now,
    resolveMember: deps.resolveMember,
    lockMember: deps.lockMember,
    onEvent: deps.onEvent,
    audit: deps.audit,
  });
  return { get: reads.get, list: reads.list, create: changes.create, change: changes.change, remove: changes.remove };
}

export type GroupService = ReturnType<typeof createGroupService>;
