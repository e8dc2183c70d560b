/**
 * The lifecycle steps that touch Jamf and the store together (design.md §4): deactivation =
 * tombstone first, then the Jamf delete; reactivation = the Jamf create, then the static groups.
 * A step a crash or a Jamf failure interrupted is finished by the next request for that user.
 * Every function here runs under that user's lock (user-service.ts).
 */
import type { Logger } from 'pino';
import { isJamfError, JamfDuplicateError } from '../jamf/errors.js';
import type { JamfUser } from '../jamf/types.js';
import { conflict, fromJamfError } from './errors.js';
import type { GroupWriter } from './group-writer.js';
import type { NameClaims } from './name-claims.js';
import type { JamfDirectory, StateStore, UserRecord } from './ports.js';
import { toJamfWrite } from './user-mapping.js';

export type UserEvent = 'created' | 'deactivated' | 'reactivated' | 'deleted';

export interface UserLifecycleDeps {
  jamf: Pick<JamfDirectory, 'createUser' | 'deleteUser' | 'getUserByName'>;
  store: StateStore;
  logger: Logger;
  names: NameClaims;
  groupWriter: Pick<GroupWriter, 'update' | 'isDeleted'>;
  now: () => string;
  emit: (event: UserEvent) => void;
}

/** Jamf's 409 for a taken name; its wording is not documented (jamf-pro-api.md §11). */
export function isDuplicateName(err: unknown): boolean {
  return err instanceof JamfDuplicateError || (isJamfError(err, 'conflict') && /duplicate/i.test(err.message));
}

export function createUserLifecycle(deps: UserLifecycleDeps) {
  const { jamf, store, logger } = deps;

  /** Static groups a tombstone keeps: not those this server deleted meanwhile. */
  function keptGroups(groupIds: readonly number[]): number[] {
    return groupIds.filter((g) => !deps.groupWriter.isDeleted(g));
  }

  async function finishDeactivation(record: UserRecord): Promise<UserRecord> {
    if (record.jamfId !== null) {
      try {
        await jamf.deleteUser(record.jamfId);
      } catch (err) {
        if (!isJamfError(err, 'not_found')) throw fromJamfError(err);
      }
    }
    const done: UserRecord = { ...record, status: 'inactive', jamfId: null, groupIds: keptGroups(record.groupIds) };
    store.putUser(done);
    deps.emit('deactivated');
    return done;
  }

  /**
   * `resumed`: an earlier attempt may have created the Jamf user before the server stopped. Then
   * a duplicate name is that user, adopted instead of created twice. On a first attempt it is
   * somebody else's: the user stays inactive and the IdP gets 409.
   */
  async function finishReactivation(record: UserRecord, resumed: boolean): Promise<{ record: UserRecord; jamfUser: JamfUser }> {
    const write = toJamfWrite({ ...record.attributes, userName: record.userName });
    let jamfId = record.jamfId;
    if (jamfId === null) {
      deps.names.writing(record.userName);
      try {
        jamfId = await jamf.createUser(write, {
          // The tombstone holds this name: the server deleted the Jamf user and refuses creates of
          // the name while the tombstone exists, and it holds the name's lock now.
          absentBefore: true,
          claimed: (id) => {
            const owner = store.getUserByJamfId(id);
            return owner !== null && owner.scimId !== record.scimId;
          },
        });
      } catch (err) {
        if (!isDuplicateName(err)) throw fromJamfError(err);
        // A lookup that fails decides nothing: the row stays 'reactivating' for the next request.
        const existing = resumed ? await jamf.getUserByName(record.userName).catch((e: unknown) => Promise.reject(fromJamfError(e))) : null;
        const claimed = existing ? store.getUserByJamfId(existing.id) : null;
        if (!existing || (claimed && claimed.scimId !== record.scimId)) {
          store.putUser({ ...record, status: 'inactive' });
          throw conflict(`userName "${record.userName}" is already taken in Jamf Pro; the user stays inactive`);
        }
        jamfId = existing.id;
      }
      store.putUser({ ...record, jamfId });
    }
    for (const groupId of keptGroups(record.groupIds)) {
      try {
        await deps.groupWriter.update(groupId, { add: [jamfId] });
      } catch (err) {
        // The group was deleted while the user was inactive: nothing to restore.
        if (isJamfError(err, 'not_found')) continue;
        // The row stays 'reactivating' with its Jamf id, so the next request re-adds the groups
        // (additions are idempotent in Jamf) instead of creating the user again.
        logger.warn({ groupId, err: (err as Error).message }, 'reactivation could not restore a group membership yet');
        throw fromJamfError(err);
      }
    }
    const done: UserRecord = {
      ...record,
      jamfId,
      status: 'active',
      groupIds: [],
      writtenFullName: write.fullName,
      lastModified: deps.now(),
    };
    store.putUser(done);
    deps.emit('reactivated');
    const jamfUser: JamfUser = {
      id: jamfId,
      name: write.name,
      fullName: write.fullName,
      email: write.email,
      phoneNumber: write.phoneNumber,
      position: write.position,
      managedAppleId: '',
      groups: [],
    };
    return { record: done, jamfUser };
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
