import type { Logger } from 'pino';
import { isJamfError } from '../jamf/errors.js';
import type { JamfUser } from '../jamf/types.js';
import { ScimError } from '../scim/errors.js';
import { conflict, fromJamfError, invalidValue, jamfCall, notFound } from './errors.js';
import { createKeyedLock, mapLimit } from './keyed-lock.js';
import type { JamfDirectory, StateStore, UserRecord } from './ports.js';
import {
  type ResourceContext,
  type ScimObject,
  idpAttributes,
  jamfWriteDiff,
  primaryValue,
  storedAttributes,
  toJamfWrite,
  userFromJamf,
  userFromTombstone,
} from './user-mapping.js';

export interface UserServiceDeps {
  jamf: JamfDirectory;
  store: StateStore;
  logger: Logger;
  /** Jamf reads a list page makes at once (never above the client's own limit). */
  readConcurrency: number;
  now?: () => Date;
  onEvent?: (event: 'created' | 'deactivated' | 'reactivated' | 'deleted') => void;
}

/** A filter the service can answer with one lookup (see scim/filter `indexedLookup`). */
export type UserLookup = { kind: 'id' | 'userName' | 'externalId' | 'email'; value: string };

export interface UserListQuery {
  lookup?: UserLookup;
  /** Evaluated over each candidate resource; absent = all match. */
  predicate?: (resource: ScimObject) => boolean;
  /** 1-based. */
  startIndex: number;
  count: number;
}

export interface UserList {
  totalResults: number;
  resources: ScimObject[];
}

export type UserMutation = (current: ScimObject) => ScimObject;

const CLASSIC_SORT = (a: { id: number }, b: { id: number }) => a.id - b.id;
const JAMF_PAGE_MAX = 1000;

export function createUserService(deps: UserServiceDeps) {
  const { jamf, store, logger } = deps;
  const withLock = createKeyedLock();
  const now = () => (deps.now ? deps.now() : new Date()).toISOString();
  const emit = (e: Parameters<NonNullable<UserServiceDeps['onEvent']>>[0]) => deps.onEvent?.(e);

  /** A numeric SCIM id with no store row is the Jamf id it was first seen with (design.md §3). */
  function jamfIdFor(scimId: string, record: UserRecord | null): number | null {
    if (record) return record.jamfId;
    if (!/^[1-9]\d{0,15}$/.test(scimId)) return null;
    const id = Number(scimId);
    // A Jamf id now held by another SCIM user (after a reactivation) is not this SCIM id.
    const owner = store.getUserByJamfId(id);
    return owner && owner.scimId !== scimId ? null : id;
  }

  async function groupNames(): Promise<Map<number, string>> {
    try {
      return new Map((await jamf.listGroups()).map((g) => [g.id, g.name]));
    } catch {
      return new Map();
    }
  }

  function tombstoneResource(record: UserRecord, ctx: ResourceContext): ScimObject {
    return userFromTombstone(record, ctx, new Map());
  }

  // ---- lifecycle completion (design.md §4: a half-done step is finished by the next request) ----

  async function finishDeactivation(record: UserRecord): Promise<UserRecord> {
    if (record.jamfId !== null) {
      try {
        await jamf.deleteUser(record.jamfId);
      } catch (err) {
        if (!isJamfError(err, 'not_found')) throw fromJamfError(err);
      }
    }
    const done: UserRecord = { ...record, status: 'inactive', jamfId: null };
    store.putUser(done);
    emit('deactivated');
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
      try {
        jamfId = await jamf.createUser(write);
      } catch (err) {
        const duplicate = isJamfError(err, 'conflict') && /duplicate/i.test(err.message);
        if (!duplicate) throw fromJamfError(err);
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
    for (const groupId of record.groupIds) {
      try {
        await jamf.updateGroup(groupId, { addIds: [jamfId] });
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
      lastModified: now(),
    };
    store.putUser(done);
    emit('reactivated');
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

  async function settle(record: UserRecord): Promise<UserRecord> {
    if (record.status === 'deactivating') return finishDeactivation(record);
    if (record.status === 'reactivating') return (await finishReactivation(record, true)).record;
    return record;
  }

  /** The user as it stands now: its store row (settled) and, when active, its Jamf record. */
  async function load(scimId: string): Promise<{ record: UserRecord | null; jamfUser: JamfUser | null }> {
    let record = store.getUser(scimId);
    if (record && record.status !== 'active') {
      record = await settle(record);
      if (record.status === 'inactive') return { record, jamfUser: null };
    }
    const jamfId = jamfIdFor(scimId, record);
    if (jamfId === null) throw notFound(`User ${scimId} not found`);
    const jamfUser = await jamfCall(() => jamf.getUser(jamfId));
    if (!jamfUser) {
      // Deleted in Jamf by an administrator: the IdP sees it gone and may provision it again.
      if (record) store.deleteUser(record.scimId);
      throw notFound(`User ${scimId} not found`);
    }
    return { record, jamfUser };
  }

  function assertUserNameFree(userName: string, exceptScimId?: string) {
    const taken = store.findUsersByUserName(userName).find((r) => r.scimId !== exceptScimId && r.status !== 'active');
    if (taken) throw conflict(`userName "${userName}" is already taken by an inactive user`);
  }

  function jamfConflict(err: unknown, userName: string): never {
    if (isJamfError(err, 'conflict') && /duplicate/i.test(err.message)) {
      throw conflict(`userName "${userName}" is already taken in Jamf Pro`);
    }
    throw fromJamfError(err);
  }

  // ---- reads ----

  async function get(scimId: string, ctx: ResourceContext): Promise<ScimObject> {
    const { record, jamfUser } = await load(scimId);
    if (!jamfUser) return userFromTombstone(record as UserRecord, ctx, await groupNames());
    return userFromJamf(jamfUser, record ?? undefined, ctx, { withGroups: true });
  }

  function fromJamfUsers(users: JamfUser[], ctx: ResourceContext, withGroups: boolean): ScimObject[] {
    const records = store.getUsersByJamfIds(users.map((u) => u.id));
    const out: ScimObject[] = [];
    for (const u of users) {
      const record = records.get(u.id);
      // A row mid-lifecycle is listed once, from its tombstone.
      if (record && record.status !== 'active') continue;
      out.push(userFromJamf(u, record, ctx, { withGroups }));
    }
    return out;
  }

  async function lookupCandidates(lookup: UserLookup, ctx: ResourceContext): Promise<ScimObject[]> {
    switch (lookup.kind) {
      case 'id': {
        try {
          return [await get(lookup.value, ctx)];
        } catch (err) {
          if ((err as { status?: number }).status === 404) return [];
          throw err;
        }
      }
      case 'userName': {
        const tombstones = store.findUsersByUserName(lookup.value).filter((r) => r.status !== 'active');
        if (tombstones.length > 0) return tombstones.map((r) => tombstoneResource(r, ctx));
        const user = await jamfCall(() => jamf.getUserByName(lookup.value));
        return user ? fromJamfUsers([user], ctx, true) : [];
      }
      case 'externalId': {
        const out: ScimObject[] = [];
        for (const r of store.findUsersByExternalId(lookup.value)) {
          try {
            out.push(await get(r.scimId, ctx));
          } catch (err) {
            if ((err as { status?: number }).status !== 404) throw err;
          }
        }
        return out;
      }
      case 'email': {
        const users = await jamfCall(() => jamf.findUsersByEmail(lookup.value));
        const wanted = lookup.value.toLowerCase();
        const tombstones = allTombstones().filter((r) => {
          const emails = r.attributes.emails;
          return Array.isArray(emails) && emails.some((e) => typeof e?.value === 'string' && e.value.toLowerCase() === wanted);
        });
        return [...fromJamfUsers(users.sort(CLASSIC_SORT), ctx, true), ...tombstones.map((r) => tombstoneResource(r, ctx))];
      }
    }
  }

  function allTombstones(): UserRecord[] {
    return store.listTombstones(0, Number.MAX_SAFE_INTEGER);
  }

  async function readJamfUsers(ids: number[]): Promise<JamfUser[]> {
    const users = await mapLimit(ids, deps.readConcurrency, (id) => jamfCall(() => jamf.getUser(id)));
    return users.filter((u): u is JamfUser => u !== null);
  }

  /** One window of Jamf users in id order, plus Jamf's total; 0-based offset. */
  async function jamfWindow(offset: number, count: number): Promise<{ total: number; users: JamfUser[] }> {
    try {
      const info = await jamf.serverInfo();
      if (info.hasUsersApi) {
        const size = Math.max(1, Math.min(count, JAMF_PAGE_MAX));
        const first = Math.floor(offset / size);
        const page = await jamf.pageUsers({ page: first, pageSize: size });
        const users = [...page.users];
        const endOffset = offset + count;
        let nextPage = first + 1;
        // A window that is not aligned to Jamf's pages spans two of them.
        while (count > 0 && nextPage * size < Math.min(endOffset, page.totalCount)) {
          users.push(...(await jamf.pageUsers({ page: nextPage, pageSize: size })).users);
          nextPage++;
        }
        const skip = offset - first * size;
        return { total: page.totalCount, users: users.slice(skip, skip + count) };
      }
      const all = (await jamf.listUsers()).sort(CLASSIC_SORT);
      const ids = all.slice(offset, offset + count).map((u) => u.id);
      return { total: all.length, users: await readJamfUsers(ids) };
    } catch (err) {
      throw fromJamfError(err);
    }
  }

  async function allJamfUsers(): Promise<JamfUser[]> {
    try {
      const info = await jamf.serverInfo();
      if (info.hasUsersApi) {
        const users: JamfUser[] = [];
        for (let page = 0; ; page++) {
          const res = await jamf.pageUsers({ page, pageSize: JAMF_PAGE_MAX });
          users.push(...res.users);
          if (res.users.length < JAMF_PAGE_MAX || users.length >= res.totalCount) return users;
        }
      }
      const all = (await jamf.listUsers()).sort(CLASSIC_SORT);
      return await readJamfUsers(all.map((u) => u.id));
    } catch (err) {
      throw fromJamfError(err);
    }
  }

  /**
   * A row a failure left mid-lifecycle is in Jamf and among the tombstones at once. A listing
   * finishes such rows first (design.md §4), so that every user is counted and paged once; if
   * Jamf still fails, the listing goes on and the next request tries again.
   */
  async function settlePending(): Promise<void> {
    for (const row of allTombstones()) {
      if (row.status === 'inactive') continue;
      await withLock(row.scimId, async () => {
        const fresh = store.getUser(row.scimId);
        if (fresh?.status !== 'deactivating' && fresh?.status !== 'reactivating') return;
        await settle(fresh).catch((err: unknown) => {
          logger.warn({ scimId: row.scimId, err: (err as Error).message }, 'could not finish an interrupted lifecycle step yet');
        });
      });
    }
  }

  async function list(query: UserListQuery, ctx: ResourceContext): Promise<UserList> {
    const offset = query.startIndex - 1;
    if (!query.lookup) await settlePending();
    if (query.lookup || query.predicate) {
      let candidates: ScimObject[];
      if (query.lookup) {
        candidates = await lookupCandidates(query.lookup, ctx);
      } else {
        const hasUsersApi = (await jamf.serverInfo().catch((e) => Promise.reject(fromJamfError(e)))).hasUsersApi;
        candidates = [...fromJamfUsers(await allJamfUsers(), ctx, !hasUsersApi), ...allTombstones().map((r) => tombstoneResource(r, ctx))];
      }
      const matches = query.predicate ? candidates.filter(query.predicate) : candidates;
      return { totalResults: matches.length, resources: matches.slice(offset, offset + query.count) };
    }

    const { total: jamfTotal, users } = await jamfWindow(offset, query.count);
    const hasUsersApi = (await jamf.serverInfo()).hasUsersApi;
    const resources = fromJamfUsers(users, ctx, !hasUsersApi);
    const tombstoneTotal = store.countTombstones();
    const room = query.count - users.length;
    if (room > 0 && offset + users.length >= jamfTotal) {
      const tombOffset = Math.max(0, offset - jamfTotal);
      resources.push(...store.listTombstones(tombOffset, room).map((r) => tombstoneResource(r, ctx)));
    }
    return { totalResults: jamfTotal + tombstoneTotal, resources };
  }

  // ---- writes ----

  async function create(user: ScimObject, ctx: ResourceContext): Promise<ScimObject> {
    const userName = user.userName as string;
    assertUserNameFree(userName);
    const write = toJamfWrite(user);
    const stamp = now();
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
      store.putUser(record);
      return tombstoneResource(record, ctx);
    }
    let jamfId: number;
    try {
      jamfId = await jamf.createUser(write);
    } catch (err) {
      jamfConflict(err, userName);
    }
    const record: UserRecord = { ...base, scimId: String(jamfId), jamfId, status: 'active', writtenFullName: write.fullName };
    store.putUser(record);
    emit('created');
    const jamfUser: JamfUser = { id: jamfId, ...write, managedAppleId: '', groups: [] };
    return userFromJamf(jamfUser, record, ctx, { withGroups: true });
  }

  async function update(scimId: string, mutate: UserMutation, ctx: ResourceContext): Promise<ScimObject> {
    return withLock(scimId, async () => {
      const { record, jamfUser } = await load(scimId);
      if (!jamfUser) return updateInactive(record as UserRecord, mutate, ctx);

      const current = userFromJamf(jamfUser, record ?? undefined, ctx, { withGroups: true });
      const next = mutate(current);
      const userName = typeof next.userName === 'string' ? next.userName : '';
      if (userName === '') throw invalidValue('userName is required');
      if (userName.toLowerCase() !== jamfUser.name.toLowerCase()) assertUserNameFree(userName, scimId);
      const stamp = now();
      const externalId = next.externalId === undefined || next.externalId === null ? null : String(next.externalId);
      // A tombstone keeps everything the user showed, derived name parts included: its Jamf
      // record, where they came from, is about to be deleted.
      const attributes = next.active === false ? storedAttributes(next) : idpAttributes(next, current, record?.attributes ?? {});
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

      if (next.active === false) {
        // Deactivate (design.md §4): tombstone first, durably, then delete in Jamf.
        const staticGroups = jamfUser.groups.filter((g) => !g.isSmart).map((g) => g.id);
        const pending: UserRecord = { ...nextRecord, status: 'deactivating', groupIds: staticGroups };
        store.putUser(pending);
        const done = await finishDeactivation(pending);
        return userFromTombstone(done, ctx, new Map(jamfUser.groups.map((g) => [g.id, g.name])));
      }

      const diff = jamfWriteDiff(write, jamfUser);
      if (Object.keys(diff).length > 0) {
        try {
          await jamf.updateUser(jamfUser.id, diff);
        } catch (err) {
          jamfConflict(err, userName);
        }
      }
      store.putUser(nextRecord);
      const updated: JamfUser = { ...jamfUser, ...write };
      return userFromJamf(updated, nextRecord, ctx, { withGroups: true });
    });
  }

  async function updateInactive(record: UserRecord, mutate: UserMutation, ctx: ResourceContext): Promise<ScimObject> {
    const current = tombstoneResource(record, ctx);
    const next = mutate(current);
    const userName = typeof next.userName === 'string' ? next.userName : '';
    if (userName === '') throw invalidValue('userName is required');
    if (userName.toLowerCase() !== record.userName.toLowerCase()) assertUserNameFree(userName, record.scimId);
    const externalId = next.externalId === undefined || next.externalId === null ? null : String(next.externalId);
    const updated: UserRecord = {
      ...record,
      userName,
      externalId,
      attributes: storedAttributes(next),
      lastModified: now(),
    };
    if (next.active !== true) {
      // Changes while inactive touch only the tombstone (design.md §4).
      store.putUser(updated);
      return tombstoneResource(updated, ctx);
    }
    const pending: UserRecord = { ...updated, status: 'reactivating', jamfId: null };
    store.putUser(pending);
    let finished: Awaited<ReturnType<typeof finishReactivation>>;
    try {
      finished = await finishReactivation(pending, false);
    } catch (err) {
      // A refused reactivation (userName taken in Jamf) applies nothing, also not the request's
      // other changes; an unavailable Jamf leaves `pending` for the next request to complete.
      if (err instanceof ScimError && err.status === 409) store.putUser(record);
      throw err;
    }
    const { record: done, jamfUser } = finished;
    if (record.groupIds.length > 0) {
      const names = await groupNames();
      jamfUser.groups = record.groupIds
        .filter((g) => names.has(g))
        .map((g) => ({ id: g, name: names.get(g) as string, isSmart: false }));
    }
    return userFromJamf(jamfUser, done, ctx, { withGroups: true });
  }

  async function remove(scimId: string): Promise<void> {
    return withLock(scimId, async () => {
      const record = store.getUser(scimId);
      const jamfId = jamfIdFor(scimId, record);
      if (record === null && jamfId === null) throw notFound(`User ${scimId} not found`);
      if (jamfId !== null) {
        try {
          await jamf.deleteUser(jamfId);
        } catch (err) {
          if (!isJamfError(err, 'not_found')) throw fromJamfError(err);
          if (record === null) throw notFound(`User ${scimId} not found`);
        }
      }
      if (record) store.deleteUser(scimId);
      emit('deleted');
    });
  }

  /** Store rows that resolve a SCIM user id to the Jamf id groups use. */
  function jamfIdOfMember(scimId: string): { jamfId: number | null; record: UserRecord | null } {
    const record = store.getUser(scimId);
    return { jamfId: jamfIdFor(scimId, record), record };
  }

  return { get, list, create, update, remove, jamfIdOfMember, withLock, primaryValue };
}

export type UserService = ReturnType<typeof createUserService>;
