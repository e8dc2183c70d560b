/**
 * The lifecycle steps that touch Jamf and the store together (design.md §4): deactivation =
 * tombstone first (with everything Jamf held), then the Jamf delete; reactivation = the Jamf
 * create with all of it, then the static groups. A step a crash or a Jamf failure interrupted is
 * finished by the next request for that user. Every function here runs under that user's lock
 * (user-service.ts).
 */
import type { Logger } from 'pino';
import type { AuditTrail } from '../audit/recorder.js';
import { recordFailure, recordSuccess, type AuditSubject } from '../audit/steps.js';
import { isJamfError } from '../jamf/errors.js';
import type { JamfUser } from '../jamf/types.js';
import { conflict, fromJamfError, jamfCall } from './errors.js';
import type { GroupWriter } from './group-writer.js';
import type { JamfIdList } from './jamf-id-list.js';
import { restoreExtras, snapshotOf, snapshotWrite } from './jamf-snapshot.js';
import type { NameClaims } from './name-claims.js';
import type { JamfDirectory, StateStore, UserRecord } from './ports.js';
import { toJamfWrite } from './user-mapping.js';

export type UserEvent = 'created' | 'deactivated' | 'reactivated' | 'deleted';

/** A static group a reactivation put the user back in; `name` unknown for a tombstone that kept none. */
export interface RestoredGroup {
  id: number;
  name: string | undefined;
}

export interface ReactivationResult {
  record: UserRecord;
  jamfUser: JamfUser;
  groups: RestoredGroup[];
}

export interface UserLifecycleDeps {
  jamf: Pick<JamfDirectory, 'createUser' | 'deleteUser' | 'getUserByName' | 'updateUser'>;
  store: StateStore;
  logger: Logger;
  names: NameClaims;
  groupWriter: Pick<GroupWriter, 'update' | 'isDeleted'>;
  /** Told of every Jamf user created here, so an import's id list holds it. */
  jamfUsers: Pick<JamfIdList, 'added'>;
  /**
   * A reactivation that finds a Jamf user of its userName that no SCIM user claims takes it over
   * (Jamf creates end users by itself when a username is assigned to a device: Jamf Pro admin
   * guide, "User Assignments"). Off: the reactivation answers 409 and the user stays inactive.
   */
  adoptJamfUsers: boolean;
  now: () => string;
  emit: (event: UserEvent) => void;
  audit: AuditTrail;
}

export { snapshotOf };

export function createUserLifecycle(deps: UserLifecycleDeps) {
  const { jamf, store, logger } = deps;

  /** Static groups a tombstone keeps: not those this server deleted meanwhile. */
  function keptGroups(groupIds: readonly number[]): number[] {
    return groupIds.filter((g) => !deps.groupWriter.isDeleted(g));
  }

  const subjectOf = (action: AuditSubject['action'], record: UserRecord, jamfIds: Array<number | null | undefined>): AuditSubject => ({
    action,
    resourceType: 'User',
    scimId: record.scimId,
    name: record.userName,
    jamfIds: [...new Set(jamfIds.filter((id): id is number => typeof id === 'number'))],
  });

  async function finishDeactivation(record: UserRecord): Promise<UserRecord> {
    const subject = subjectOf('user.deactivated', record, [record.jamfId]);
    if (record.jamfId !== null) {
      try {
        await jamf.deleteUser(record.jamfId);
      } catch (err) {
        if (!isJamfError(err, 'not_found')) {
          await recordFailure(deps.audit, subject, err, { pending: 'the tombstone is kept; the next request for the user deletes it in Jamf' });
          throw fromJamfError(err);
        }
      }
    }
    const done: UserRecord = { ...record, status: 'inactive', jamfId: null, groupIds: keptGroups(record.groupIds) };
    await store.putUser(done);
    deps.emit('deactivated');
    await recordSuccess(deps.audit, subject, { deletedInJamf: true, groupsKept: done.groupIds });
    return done;
  }

  const claimedByOther = (record: UserRecord) => async (id: number): Promise<boolean> => {
    const owner = await store.getUserByJamfId(id);
    return owner !== null && owner.scimId !== record.scimId;
  };

  /**
   * Creates the Jamf user of a reactivation with everything the tombstone holds, and returns its
   * id once all of it is in Jamf: the row records that id only then, so a step resumed with an id
   * has nothing left to write but the groups. `resumed`: an earlier attempt may have created the
   * user before the server stopped; then the user of that name is taken as that one.
   */
  async function createForReactivation(record: UserRecord, resumed: boolean): Promise<{ jamfId: number; skipped: string[] }> {
    const mapped = toJamfWrite({ ...record.attributes, userName: record.userName });
    const snapshot = record.jamfSnapshot ?? null;
    const options = {
      // The tombstone holds this name: the server deleted the Jamf user and refuses creates of
      // the name while the tombstone exists, and it holds the name's lock now.
      absentBefore: true,
      claimed: claimedByOther(record),
    };
    deps.names.writing(record.userName);
    try {
      return { jamfId: await jamf.createUser({ ...mapped, ...snapshotWrite(snapshot) }, options), skipped: [] };
    } catch (err) {
      if (!isJamfError(err, 'conflict')) throw fromJamfError(err);
    }
    // A refused create: the name is taken, or what the record names is gone (a deleted site or
    // extension attribute). Jamf's wording tells neither reliably (jamf-pro-api.md §11); a lookup
    // does. A lookup that fails decides nothing: the row stays 'reactivating' for the next request.
    const holder = await jamfCall(() => jamf.getUserByName(record.userName));
    let jamfId: number;
    if (holder === null) {
      if (snapshot === null) throw conflict(`Jamf Pro refused to create user "${record.userName}"`);
      jamfId = await jamfCall(() => jamf.createUser(mapped, options));
    } else {
      if ((await claimedByOther(record)(holder.id)) || !(resumed || deps.adoptJamfUsers)) {
        await store.putUser({ ...record, status: 'inactive' });
        throw conflict(`userName "${record.userName}" is already taken in Jamf Pro; the user stays inactive`);
      }
      if (!resumed) {
        logger.warn(
          { scimId: record.scimId, userName: record.userName, jamfId: holder.id },
          'reactivation took over a Jamf user of this userName that Jamf Pro created itself (e.g. by a device assignment)',
        );
      }
      jamfId = holder.id;
      await recordSuccess(deps.audit, subjectOf('user.adopted', record, [holder.id]), { reason: 'a Jamf user of this userName that no SCIM user held', resumed });
    }
    const skipped = await restoreExtras(jamf, jamfId, mapped, snapshot);
    if (skipped.length > 0) {
      logger.warn({ scimId: record.scimId, userName: record.userName, jamfId, skipped }, 'reactivation skipped what no longer exists in Jamf Pro');
    }
    return { jamfId, skipped };
  }

  /**
   * Re-adds the user to its static groups, all at once: each goes through its group's writer, so
   * reactivations of several members of one group share a PUT (group-writer.ts), and no group
   * waits for another. Resolves with the groups restored, named as the tombstone knows them or by
   * a rename the writer sent after the writes were queued.
   */
  async function restoreGroups(record: UserRecord, jamfId: number): Promise<RestoredGroup[]> {
    const known = new Map((record.jamfSnapshot?.groups ?? []).map((g) => [g.id, g.name]));
    const groupIds = keptGroups(record.groupIds);
    const outcomes = await Promise.allSettled(groupIds.map((groupId) => deps.groupWriter.update(groupId, { add: [jamfId] })));
    const restored: RestoredGroup[] = [];
    let failure: unknown;
    outcomes.forEach((outcome, i) => {
      const id = groupIds[i] as number;
      if (outcome.status === 'fulfilled') {
        restored.push({ id, name: outcome.value ?? known.get(id) });
        return;
      }
      const err: unknown = outcome.reason;
      // The group was deleted while the user was inactive: nothing to restore.
      if (isJamfError(err, 'not_found')) return;
      logger.warn({ groupId: id, err: (err as Error).message }, 'reactivation could not restore a group membership yet');
      failure ??= err;
    });
    // The row stays 'reactivating' with its Jamf id, so the next request re-adds the groups
    // (additions are idempotent in Jamf) instead of creating the user again.
    if (failure !== undefined) throw fromJamfError(failure);
    return restored;
  }

  /** Groups the tombstone named that no longer exist in Jamf: skipped, and said so in the audit trail. */
  const groupsGone = (wanted: readonly number[], restored: readonly RestoredGroup[]) => {
    const gone = wanted.filter((id) => !restored.some((g) => g.id === id));
    return gone.length === 0 ? {} : { groupsGone: gone };
  };

  async function finishReactivation(record: UserRecord, resumed: boolean): Promise<ReactivationResult> {
    let reached: number | null = record.jamfId;
    try {
      return await reactivate(record, resumed, (id) => {
        reached = id;
      });
    } catch (err) {
      const detail = reached === null ? { resumed } : { resumed, pending: 'created in Jamf; the next request for the user restores its groups' };
      await recordFailure(deps.audit, subjectOf('user.reactivated', record, [record.jamfSnapshot?.jamfId, reached]), err, detail);
      throw err;
    }
  }

  async function reactivate(record: UserRecord, resumed: boolean, created: (jamfId: number) => void): Promise<ReactivationResult> {
    const write = toJamfWrite({ ...record.attributes, userName: record.userName });
    let jamfId = record.jamfId;
    let skipped: string[] = [];
    if (jamfId === null) ({ jamfId, skipped } = await createForReactivation(record, resumed));
    created(jamfId);
    deps.jamfUsers.added(jamfId);
    // A group rename is the one change to the row that can land meanwhile (group-changes.ts
    // renames the group in its tombstones without the member's lock): the names are read just
    // before the group writes are queued, and the writer reports any rename after that. One that
    // lands between the two shows its old name in this answer only; the next read shows Jamf's.
    const current = { ...record, jamfId, jamfSnapshot: (await store.getUser(record.scimId))?.jamfSnapshot ?? record.jamfSnapshot };
    if (record.jamfId === null) await store.putUser(current);
    const groups = await restoreGroups(current, jamfId);
    const done: UserRecord = {
      ...record,
      jamfId,
      status: 'active',
      groupIds: [],
      jamfSnapshot: null,
      writtenFullName: write.fullName,
      lastModified: deps.now(),
    };
    await store.putUser(done);
    // The SCIM id stays; Jamf knows the user under a new id from now on.
    logger.info({ scimId: record.scimId, userName: record.userName, oldJamfId: record.jamfSnapshot?.jamfId ?? null, jamfId }, 'user reactivated');
    deps.emit('reactivated');
    await recordSuccess(deps.audit, subjectOf('user.reactivated', record, [record.jamfSnapshot?.jamfId, jamfId]), {
      resumed,
      groupsRestored: groups.map((g) => g.id),
      ...(skipped.length > 0 ? { skipped } : {}),
      ...groupsGone(current.groupIds, groups),
    });
    const jamfUser: JamfUser = {
      id: jamfId,
      name: write.name,
      fullName: write.fullName,
      email: write.email,
      phoneNumber: write.phoneNumber,
      position: write.position,
      managedAppleId: record.jamfSnapshot?.managedAppleId ?? '',
      groups: [],
    };
    return { record: done, jamfUser, groups };
  }

  /** Finishes a step left half-done; the row as it stands after. Holds the user's name lock. */
  async function settle(record: UserRecord): Promise<UserRecord> {
    if (record.status === 'deactivating') return deps.names.withNames([record.userName], () => finishDeactivation(record));
    if (record.status === 'reactivating') return deps.names.withNames([record.userName], async () => (await finishReactivation(record, true)).record);
    return record;
  }

  return { finishDeactivation, finishReactivation, settle, keptGroups };
}

export type UserLifecycle = ReturnType<typeof createUserLifecycle>;
