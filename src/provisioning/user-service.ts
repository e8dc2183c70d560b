import type { Logger } from 'pino';
import { NO_AUDIT, type AuditTrail } from '../audit/recorder.js';
import type { GroupWriter } from './group-writer.js';
import { createJamfIdList } from './jamf-id-list.js';
import { createKeyedLock, type SharedLock } from './keyed-lock.js';
import { createNameClaims } from './name-claims.js';
import type { JamfDirectory, StateStore, UserRecord } from './ports.js';
import { createUserLifecycle, type UserEvent } from './user-lifecycle.js';
import { primaryValue } from './user-mapping.js';
import { createUserListing } from './user-listing.js';
import { createUserReads } from './user-reads.js';
import { createUserWrites } from './user-writes.js';

export type { UserList, UserListQuery, UserLookup } from './user-reads.js';
export type { UserMutation } from './user-writes.js';

export interface UserServiceDeps {
  jamf: JamfDirectory;
  store: StateStore;
  logger: Logger;
  /** Jamf reads a list page makes at once (never above the client's own limit). */
  readConcurrency: number;
  /** The one writer per Jamf group, shared with the group service (reactivation restores memberships through it). */
  groupWriter: Pick<GroupWriter, 'update' | 'isDeleted'>;
  /** See UserLifecycleDeps.adoptJamfUsers; default true. */
  adoptJamfUsers?: boolean;
  now?: () => Date;
  onEvent?: (event: UserEvent) => void;
  /** Where every change in Jamf and every lifecycle step is recorded; default: nowhere. */
  audit?: AuditTrail;
  /** Replicas on one database: user and userName locks are taken there too (Coordination.withLock). */
  sharedLock?: SharedLock;
}

/**
 * Users: reads (user-reads.ts), lists (user-listing.ts), writes (user-writes.ts) and the lifecycle steps they share
 * (user-lifecycle.ts). One lock per SCIM id serialises everything that decides about a user.
 */
export function createUserService(deps: UserServiceDeps) {
  const { jamf, logger } = deps;
  const { store } = deps;
  const withLock = createKeyedLock(deps.sharedLock && { lock: deps.sharedLock, namespace: 'user' });
  const names = createNameClaims('user', Date.now, deps.sharedLock);
  const now = () => (deps.now ? deps.now() : new Date()).toISOString();
  const emit = (e: UserEvent) => deps.onEvent?.(e);
  const audit = deps.audit ?? NO_AUDIT;

  /** A numeric SCIM id with no store row is the Jamf id it was first seen with (design.md §3). */
  async function jamfIdFor(scimId: string, record: UserRecord | null): Promise<number | null> {
    if (record) return record.jamfId;
    if (!/^[1-9]\d{0,15}$/.test(scimId)) return null;
    const id = Number(scimId);
    // A Jamf id now held by another SCIM user (after a reactivation) is not this SCIM id.
    const owner = await store.getUserByJamfId(id);
    return owner && owner.scimId !== scimId ? null : id;
  }

  const idList = createJamfIdList({ listUsers: () => jamf.listUsers(), now: () => (deps.now ? deps.now() : new Date()).getTime() });
  const lifecycle = createUserLifecycle({ jamf, store, logger, names, groupWriter: deps.groupWriter, jamfUsers: idList, adoptJamfUsers: deps.adoptJamfUsers ?? true, now, emit, audit });
  const reads = createUserReads({ jamf, store, withLock, names, lifecycle, jamfIdFor });
  const listing = createUserListing({ jamf, store, logger, readConcurrency: deps.readConcurrency, withLock, lifecycle, reads, idList });
  const writes = createUserWrites({ jamf, store, withLock, names, lifecycle, reads, jamfIdFor, jamfUsers: idList, now, emit, audit });

  /** Store rows that resolve a SCIM user id to the Jamf id groups use. */
  async function jamfIdOfMember(scimId: string): Promise<{ jamfId: number | null; record: UserRecord | null }> {
    const record = await store.getUser(scimId);
    return { jamfId: await jamfIdFor(scimId, record), record };
  }

  return {
    get: reads.get,
    list: listing.list,
    create: writes.create,
    update: writes.update,
    remove: writes.remove,
    jamfIdOfMember,
    withLock,
    /** Finishes every lifecycle step a failure or a stopped replica left half-done (the sweep). */
    finishPending: listing.settlePending,
    /** Requests waiting for another request on the same user (its lock). */
    waitingOnUsers: withLock.waiting,
    primaryValue,
  };
}

export type UserService = ReturnType<typeof createUserService>;
