/**
 * Reads of users: by id and by indexed filter (lists are in user-listing.ts). A read never decides on its own:
 * a row mid-lifecycle, or a Jamf 404 for a user the store knows, is settled under that user's
 * lock, where no other request can be changing it (a deactivation in flight must not read as
 * "deleted in Jamf by an administrator").
 */
import type { JamfUser } from '../jamf/types.js';
import { jamfCall, notFound } from './errors.js';
import type { KeyedLock } from './keyed-lock.js';
import type { NameClaims } from './name-claims.js';
import type { JamfDirectory, StateStore, UserRecord } from './ports.js';
import type { UserLifecycle } from './user-lifecycle.js';
import { type ScimObject } from './user-mapping.js';
import { type ResourceContext, userFromJamf, userFromTombstone } from './user-view.js';

export interface UserReadsDeps {
  jamf: JamfDirectory;
  store: StateStore;
  withLock: KeyedLock;
  names: NameClaims;
  lifecycle: UserLifecycle;
  jamfIdFor: (scimId: string, record: UserRecord | null) => Promise<number | null>;
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

const CLASSIC_SORT = (a: { id: number }, b: { id: number }) => a.id - b.id;

/** Whether a row is still what an earlier read saw (every write moves `lastModified` or status). */
function sameRow(a: UserRecord | null, b: UserRecord | null): boolean {
  if (a === null || b === null) return a === b;
  return a.status === b.status && a.jamfId === b.jamfId && a.lastModified === b.lastModified && a.groupIds.length === b.groupIds.length;
}

/**
 * How to tell that no write ran while a Jamf call was awaited: the store's change count
 * (ChangeCounter in store/rows.ts) when it keeps one. One process owns the store, and every
 * write of it runs through that connection, so an unchanged count proves every row is as it
 * was read. A store without one answers "maybe changed", and the row is read again.
 */
function changeProbe(store: StateStore): () => number {
  const counter = (store as { changeCount?: unknown }).changeCount;
  if (typeof counter !== 'function') return () => Number.NaN;
  return () => (counter as () => number).call(store);
}

export function createUserReads(deps: UserReadsDeps) {
  const { jamf, store, withLock, lifecycle } = deps;
  const changes = changeProbe(store);

  /** Group names by id; null when Jamf could not list them (then nothing is filtered by them). */
  async function groupNames(): Promise<Map<number, string> | null> {
    try {
      return new Map((await jamf.listGroups()).map((g) => [g.id, g.name]));
    } catch {
      return null;
    }
  }

  async function tombstoneView(record: UserRecord, ctx: ResourceContext): Promise<ScimObject> {
    const names = await groupNames();
    // A group deleted in Jamf meanwhile is no longer one of the user's groups.
    const shown = names === null ? record : { ...record, groupIds: record.groupIds.filter((g) => names.has(g)) };
    return userFromTombstone(shown, ctx, names ?? new Map());
  }

  const tombstoneResource = (record: UserRecord, ctx: ResourceContext) => userFromTombstone(record, ctx, new Map());

  /**
   * The user as it stands, decided under its lock: a half-done step finished, and a Jamf 404 for
   * an active row taken as a deletion by an administrator (the row is dropped; the IdP may
   * provision the user again). Callers hold the user's lock.
   */
  async function loadLocked(scimId: string): Promise<{ record: UserRecord | null; jamfUser: JamfUser | null }> {
    let record = await store.getUser(scimId);
    if (record && record.status !== 'active') {
      record = await lifecycle.settle(record);
      if (record.status === 'inactive') return { record, jamfUser: null };
    }
    const jamfId = await deps.jamfIdFor(scimId, record);
    if (jamfId === null) throw notFound(`User ${scimId} not found`);
    const jamfUser = await jamfCall(() => jamf.getUser(jamfId));
    if (!jamfUser) {
      if (record && sameRow(await store.getUser(scimId), record)) await store.deleteUser(record.scimId);
      throw notFound(`User ${scimId} not found`);
    }
    return { record, jamfUser };
  }

  /** The resource of a user Jamf holds; `seen` is told of the Jamf record it was built from. */
  function view(jamfUser: JamfUser, record: UserRecord | null, ctx: ResourceContext, seen?: (jamfUser: JamfUser) => void): ScimObject {
    seen?.(jamfUser);
    return userFromJamf(jamfUser, record ?? undefined, ctx, { withGroups: true });
  }

  async function getLocked(scimId: string, ctx: ResourceContext, seen?: (jamfUser: JamfUser) => void): Promise<ScimObject> {
    const { record, jamfUser } = await withLock(scimId, () =>
      loadLocked(scimId).catch(async (err: unknown) => {
        // A deactivation whose Jamf delete cannot finish yet still reads as what it is moving to.
        const row = await store.getUser(scimId);
        if (row?.status === 'deactivating') return { record: row, jamfUser: null };
        throw err;
      }),
    );
    if (!jamfUser) return tombstoneView(record as UserRecord, ctx);
    return view(jamfUser, record, ctx, seen);
  }

  /**
   * One Jamf read on the common path; anything that needs deciding goes under the lock. `seen`
   * gets the Jamf record of a user in Jamf (the admin console shows it beside the resource).
   */
  async function get(scimId: string, ctx: ResourceContext, seen?: (jamfUser: JamfUser) => void): Promise<ScimObject> {
    const changesBefore = changes();
    const record = await store.getUser(scimId);
    if (record?.status === 'inactive') return tombstoneView(record, ctx);
    if (record && record.status !== 'active') return getLocked(scimId, ctx, seen);
    const jamfId = await deps.jamfIdFor(scimId, record);
    if (jamfId === null) throw notFound(`User ${scimId} not found`);
    const jamfUser = await jamfCall(() => jamf.getUser(jamfId));
    // Nothing was written meanwhile (the common case): the row is the one read above.
    const after = jamfUser && changes() === changesBefore ? record : await store.getUser(scimId);
    if (!sameRow(after, record)) {
      // A lifecycle step ran while Jamf answered: read the state it left (or is moving to).
      if (after?.status === 'inactive' || after?.status === 'deactivating') return tombstoneView(after, ctx);
      return getLocked(scimId, ctx, seen);
    }
    if (jamfUser) return view(jamfUser, record, ctx, seen);
    return withLock(scimId, async () => {
      const now = await store.getUser(scimId);
      if (!sameRow(now, record)) return getLocked(scimId, ctx, seen);
      // Unchanged since before the Jamf read: no step of this server removed the user; an administrator did.
      if (record) await store.deleteUser(record.scimId);
      throw notFound(`User ${scimId} not found`);
    });
  }

  async function fromJamfUsers(users: JamfUser[], ctx: ResourceContext, withGroups: boolean, known?: Map<number, UserRecord>): Promise<ScimObject[]> {
    const records = known ?? (await store.getUsersByJamfIds(users.map((u) => u.id)));
    const out: ScimObject[] = [];
    for (const u of users) {
      const record = records.get(u.id);
      // A row mid-lifecycle is listed once, from its tombstone.
      if (record && record.status !== 'active') continue;
      out.push(userFromJamf(u, record, ctx, { withGroups }));
    }
    return out;
  }

  async function orMissing(read: Promise<ScimObject>): Promise<ScimObject[]> {
    try {
      return [await read];
    } catch (err) {
      if ((err as { status?: number }).status === 404) return [];
      throw err;
    }
  }

  const notActive = (rows: UserRecord[]) => rows.filter((r) => r.status !== 'active');

  async function lookupCandidates(lookup: UserLookup, ctx: ResourceContext): Promise<ScimObject[]> {
    switch (lookup.kind) {
      case 'id':
        return orMissing(get(lookup.value, ctx));
      case 'userName': {
        const seen = changes();
        const named = await store.findUsersByUserName(lookup.value);
        const before = notActive(named);
        if (before.length > 0) return before.map((r) => tombstoneResource(r, ctx));
        const started = deps.names.beginLookup(lookup.value);
        const user = await jamfCall(() => jamf.getUserByName(lookup.value));
        const unchanged = changes() === seen;
        // A deactivation that ran meanwhile: the user is its tombstone now, never missing.
        const after = unchanged ? before : notActive(await store.findUsersByUserName(lookup.value));
        if (after.length > 0) return after.map((r) => tombstoneResource(r, ctx));
        if (!user) deps.names.sawAbsent(lookup.value, started);
        if (!user) return [];
        // The row of a user its name found is usually among the rows of that name (a Jamf id has
        // one row); one renamed in Jamf since is looked up by its Jamf id.
        const own = unchanged ? named.find((r) => r.jamfId === user.id) : undefined;
        return fromJamfUsers([user], ctx, true, own === undefined ? undefined : new Map([[user.id, own]]));
      }
      case 'externalId': {
        const out: ScimObject[] = [];
        for (const r of await store.findUsersByExternalId(lookup.value)) out.push(...(await orMissing(get(r.scimId, ctx))));
        return out;
      }
      case 'email': {
        const users = await jamfCall(() => jamf.findUsersByEmail(lookup.value));
        const wanted = lookup.value.toLowerCase();
        const tombstones = (await allTombstones()).filter((r) => {
          const emails = r.attributes.emails;
          return Array.isArray(emails) && emails.some((e) => typeof e?.value === 'string' && e.value.toLowerCase() === wanted);
        });
        return [...(await fromJamfUsers(users.sort(CLASSIC_SORT), ctx, true)), ...tombstones.map((r) => tombstoneResource(r, ctx))];
      }
    }
  }

  function allTombstones(): Promise<UserRecord[]> {
    return store.listTombstones(0, Number.MAX_SAFE_INTEGER);
  }

  return { get, loadLocked, groupNames, tombstoneResource, lookupCandidates, fromJamfUsers, allTombstones };
}

export type UserReads = ReturnType<typeof createUserReads>;
