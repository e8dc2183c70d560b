/**
 * Writes of users: create, update (PATCH and PUT, deactivation and reactivation included) and
 * delete. An update or delete holds the user's lock from its first read to its last write; a
 * write that creates, renames, deactivates or reactivates also holds the lock of each userName
 * it touches, so a create of that name cannot slip between a tombstone and its Jamf delete.
 */
import type { AuditTrail } from '../audit/recorder.js';
import { recordFailure, recordSuccess } from '../audit/steps.js';
import { isJamfError } from '../jamf/errors.js';
import type { JamfUser } from '../jamf/types.js';
import { ScimError } from '../scim/errors.js';
import { conflict, fromJamfError, invalidValue, notFound } from './errors.js';
import type { JamfIdList } from './jamf-id-list.js';
import type { KeyedLock } from './keyed-lock.js';
import { nameKey, type NameClaims } from './name-claims.js';
import type { JamfDirectory, StateStore, UserRecord } from './ports.js';
import { createWriteRefusals } from './user-write-refusals.js';
import { snapshotOf, type UserEvent, type UserLifecycle } from './user-lifecycle.js';
import { type ScimObject, idpAttributes, jamfWriteDiff, storedAttributes, tombstoneAttributes, toJamfWrite } from './user-mapping.js';
import { type ResourceContext, userFromJamf, userFromTombstone } from './user-view.js';
import type { UserReads } from './user-reads.js';

export type UserMutation = (current: ScimObject) => ScimObject;

export interface UserWritesDeps {
  jamf: Pick<JamfDirectory, 'createUser' | 'updateUser' | 'deleteUser' | 'getUserByName'>;
  store: StateStore;
  withLock: KeyedLock;
  names: NameClaims;
  lifecycle: UserLifecycle;
  reads: Pick<UserReads, 'loadLocked' | 'groupNames' | 'tombstoneResource'>;
  jamfIdFor: (scimId: string, record: UserRecord | null) => Promise<number | null>;
  /** Told of every Jamf user created here, so an import's id list holds it. */
  jamfUsers: Pick<JamfIdList, 'added'>;
  now: () => string;
  emit: (event: UserEvent) => void;
  audit: AuditTrail;
}

export function createUserWrites(deps: UserWritesDeps) {
  const { jamf, store, withLock, names, lifecycle, reads } = deps;

  async function assertUserNameFree(userName: string, exceptScimId?: string): Promise<void> {
    const taken = (await store.findUsersByUserName(userName)).find((r) => r.scimId !== exceptScimId && r.status !== 'active');
    if (taken) throw conflict(`userName "${userName}" is already taken by an inactive user`);
  }

  const claimedByAnyone = async (id: number) => (await store.getUserByJamfId(id)) !== null;

  const { subject, failed } = createWriteRefusals(jamf, deps.audit);

  async function create(user: ScimObject, ctx: ResourceContext): Promise<ScimObject> {
    const userName = user.userName as string;
    return names.withNames([userName], async () => {
      await assertUserNameFree(userName);
      const write = toJamfWrite(user);
      const stamp = deps.now();
      const base = {
        userName,
        externalId: typeof user.externalId === 'string' ? user.externalId : null,
        attributes: storedAttributes(user),
        groupIds: [],
        created: stamp,
        lastModified: stamp,
      };
      if (user.active === false) {
        // Created inactive: nothing goes to Jamf until the IdP activates the user.
        const record: UserRecord = { ...base, scimId: crypto.randomUUID(), jamfId: null, status: 'inactive', writtenFullName: null };
        await store.putUser(record);
        await recordSuccess(deps.audit, subject('user.created', record.scimId, userName, null), { active: false });
        return reads.tombstoneResource(record, ctx);
      }
      const absentBefore = names.takeAbsent(userName);
      names.writing(userName);
      let jamfId: number;
      try {
        jamfId = await jamf.createUser(write, { absentBefore, claimed: claimedByAnyone });
      } catch (err) {
        return failed(err, subject('user.created', null, userName, null), userName);
      }
      deps.jamfUsers.added(jamfId);
      const record: UserRecord = { ...base, scimId: String(jamfId), jamfId, status: 'active', writtenFullName: write.fullName };
      // One commit for the row and its audit entry: a write per SCIM request, not two.
      await store.transaction(async () => {
        await store.putUser(record);
        await recordSuccess(deps.audit, subject('user.created', record.scimId, userName, jamfId));
      });
      deps.emit('created');
      const jamfUser: JamfUser = { id: jamfId, ...write, managedAppleId: '', groups: [] };
      return userFromJamf(jamfUser, record, ctx, { withGroups: true });
    });
  }

  async function update(scimId: string, mutate: UserMutation, ctx: ResourceContext): Promise<ScimObject> {
    return withLock(scimId, async () => {
      const { record, jamfUser } = await reads.loadLocked(scimId);
      if (!jamfUser) return updateInactive(record as UserRecord, mutate, ctx);

      const current = userFromJamf(jamfUser, record ?? undefined, ctx, { withGroups: true });
      const next = mutate(current);
      const userName = typeof next.userName === 'string' ? next.userName : '';
      if (userName === '') throw invalidValue('userName is required');
      const renamed = nameKey(userName) !== nameKey(jamfUser.name);
      const deactivating = next.active === false;
      const touched = renamed ? [jamfUser.name, userName] : deactivating ? [jamfUser.name] : [];
      return names.withNames(touched, async () => {
        if (renamed) await assertUserNameFree(userName, scimId);
        const stamp = deps.now();
        const externalId = next.externalId === undefined || next.externalId === null ? null : String(next.externalId);
        // A tombstone keeps everything the user showed, derived name parts included: its Jamf
        // record, where they came from, is about to be deleted.
        const stored = record?.attributes ?? {};
        const attributes = deactivating ? tombstoneAttributes(next, current, stored) : idpAttributes(next, current, stored);
        const write = toJamfWrite(attributes);
        const nextRecord: UserRecord = {
          scimId,
          jamfId: jamfUser.id,
          userName,
          externalId,
          status: 'active',
          attributes,
          writtenFullName: write.fullName,
          groupIds: [],
          created: record?.created ?? stamp,
          lastModified: stamp,
        };

        if (deactivating) {
          // Deactivate (design.md §4): tombstone first, durably, then delete in Jamf.
          const staticGroups = lifecycle.keptGroups(jamfUser.groups.filter((g) => !g.isSmart).map((g) => g.id));
          // Everything Jamf holds beyond the SCIM fields goes into the tombstone, for the reactivation.
          const pending: UserRecord = { ...nextRecord, status: 'deactivating', groupIds: staticGroups, jamfSnapshot: snapshotOf(jamfUser) };
          await store.putUser(pending);
          const done = await lifecycle.finishDeactivation(pending);
          return userFromTombstone(done, ctx, new Map(jamfUser.groups.map((g) => [g.id, g.name])));
        }

        const diff = jamfWriteDiff(write, jamfUser);
        const changed = Object.keys(diff);
        const what = subject('user.updated', scimId, userName, jamfUser.id);
        const detail = renamed ? { changed, renamedFrom: jamfUser.name } : { changed };
        if (changed.length > 0) {
          if (renamed) names.writing(userName);
          try {
            await jamf.updateUser(jamfUser.id, diff);
          } catch (err) {
            await failed(err, what, userName, jamfUser.id, detail);
          }
        }
        // A change Jamf needed no write for (externalId, attributes Jamf has no field for) is the
        // store's alone and not audited; one that changed Jamf commits with its entry.
        await store.transaction(async () => {
          await store.putUser(nextRecord);
          if (changed.length > 0) await recordSuccess(deps.audit, what, detail);
        });
        const updated: JamfUser = { ...jamfUser, ...write };
        return userFromJamf(updated, nextRecord, ctx, { withGroups: true });
      });
    });
  }

  async function updateInactive(record: UserRecord, mutate: UserMutation, ctx: ResourceContext): Promise<ScimObject> {
    const current = reads.tombstoneResource(record, ctx);
    const next = mutate(current);
    const userName = typeof next.userName === 'string' ? next.userName : '';
    if (userName === '') throw invalidValue('userName is required');
    const renamed = nameKey(userName) !== nameKey(record.userName);
    const reactivating = next.active === true;
    const touched = renamed ? [record.userName, userName] : reactivating ? [userName] : [];
    return names.withNames(touched, async () => {
      if (renamed) await assertUserNameFree(userName, record.scimId);
      const externalId = next.externalId === undefined || next.externalId === null ? null : String(next.externalId);
      const updated: UserRecord = {
        ...record,
        userName,
        externalId,
        attributes: tombstoneAttributes(next, current, record.attributes),
        lastModified: deps.now(),
      };
      if (!reactivating) {
        // Changes while inactive touch only the tombstone (design.md §4).
        await store.putUser(updated);
        return reads.tombstoneResource(updated, ctx);
      }
      const pending: UserRecord = { ...updated, status: 'reactivating', jamfId: null };
      await store.putUser(pending);
      let finished: Awaited<ReturnType<UserLifecycle['finishReactivation']>>;
      try {
        finished = await lifecycle.finishReactivation(pending, false);
      } catch (err) {
        // A refused reactivation (userName taken in Jamf) applies nothing, also not the request's
        // other changes; an unavailable Jamf leaves `pending` for the next request to complete.
        if (err instanceof ScimError && err.status === 409) await store.putUser(record);
        throw err;
      }
      const { record: done, jamfUser, groups } = finished;
      // The names come with the tombstone (design.md §5: no group list for the answer); only a
      // group recorded while the user was inactive, whose name the server never saw, needs one.
      const listed = groups.some((g) => g.name === undefined) ? await reads.groupNames() : null;
      jamfUser.groups = groups.flatMap((g) => {
        const name = g.name ?? listed?.get(g.id);
        return name === undefined ? [] : [{ id: g.id, name, isSmart: false }];
      });
      return userFromJamf(jamfUser, done, ctx, { withGroups: true });
    });
  }

  async function remove(scimId: string): Promise<void> {
    return withLock(scimId, async () => {
      const record = await store.getUser(scimId);
      const jamfId = await deps.jamfIdFor(scimId, record);
      if (record === null && jamfId === null) throw notFound(`User ${scimId} not found`);
      const what = subject('user.deleted', scimId, record?.userName ?? null, jamfId);
      if (jamfId !== null) {
        try {
          await jamf.deleteUser(jamfId);
        } catch (err) {
          if (!isJamfError(err, 'not_found')) {
            await recordFailure(deps.audit, what, err);
            throw fromJamfError(err);
          }
          if (record === null) throw notFound(`User ${scimId} not found`);
        }
      }
      if (record) await store.deleteUser(scimId);
      deps.emit('deleted');
      await recordSuccess(deps.audit, what, record === null || record.status === 'active' ? undefined : { tombstone: true });
    });
  }

  return { create, update, remove };
}
