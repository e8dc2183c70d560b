/**
 * An in-memory `JamfApi` with the observable semantics of the simulator behind `createJamfClient`
 * (src/simulator/README.md), minus HTTP: data is plain synchronous maps, the API is async. Use it
 * where a test or benchmark wants provisioning without the wire (unit tests, the SCIM-overhead
 * benchmark); use the simulator where the HTTP, XML, token and limiter behaviour matter.
 *
 * Call counters use the simulator's keys (`METHOD /route/template`), so a budget checked against
 * one holds for the other. Like the real client, a call that would send nothing (an empty update,
 * a non-positive id) is not counted, and `serverInfo()` is fetched once and cached.
 */
import { JamfError } from '../../src/jamf/errors.js';
import { hasUsersApi } from '../../src/jamf/server-info.js';
import type {
  JamfApi,
  JamfGroup,
  JamfGroupCreate,
  JamfGroupRef,
  JamfGroupSummary,
  JamfGroupUpdate,
  JamfServerInfo,
  JamfUser,
  JamfUserPage,
  JamfUserPageQuery,
  JamfUserSummary,
  JamfUserWrite,
} from '../../src/jamf/types.js';
import { parseRsql, RsqlError } from '../../src/simulator/rsql.js';

export interface FakeUser {
  id: number;
  name: string;
  fullName: string;
  email: string;
  phoneNumber: string;
  position: string;
  managedAppleId: string;
}

export interface FakeGroup {
  id: number;
  name: string;
  isSmart: boolean;
  /** Static members; for a smart group, its fixed member set (the simulator's criteria-less smart group). */
  memberIds: Set<number>;
}

export interface InMemoryJamfOptions {
  /** Default '11.30.1'; below 11.26 `pageUsers` is refused like the simulator's 404. */
  version?: string;
  /** Overrides what `version` implies. */
  hasUsersApi?: boolean;
  /** Count calls (default true). */
  countCalls?: boolean;
}

export interface InMemoryJamf extends JamfApi {
  readonly users: Map<number, FakeUser>;
  readonly groups: Map<number, FakeGroup>;
  /** Synchronous seeding; throws on a duplicate name or an unknown member. */
  addUser(u: { name: string; fullName?: string; email?: string; phoneNumber?: string; position?: string }): number;
  addGroup(g: { name: string; isSmart?: boolean; memberIds?: number[] }): number;
  /** `count` users named `user{n}` (n = their id), with email, full name and position. Returns their ids. */
  seedUsers(count: number): number[];
  /** Calls by `METHOD /route/template`, as `Simulator.counters()`. */
  calls(): Record<string, number>;
  totalCalls(filter?: (key: string) => boolean): number;
  resetCalls(): void;
  setServerInfo(info: Partial<JamfServerInfo>): void;
}

const R = {
  version: 'GET /api/v1/jamf-pro-version',
  users: 'GET /JSSResource/users',
  userById: '/JSSResource/users/id/:id',
  userByName: 'GET /JSSResource/users/name/:name',
  userByEmail: 'GET /JSSResource/users/email/:email',
  userCreate: 'POST /JSSResource/users/id/:id',
  apiUsers: 'GET /api/v1/users',
  groups: 'GET /JSSResource/usergroups',
  groupById: '/JSSResource/usergroups/id/:id',
  groupCreate: 'POST /JSSResource/usergroups/id/:id',
} as const;

const NOT_FOUND = 'The server has not found anything matching the request URI';
const isJamfId = (id: number) => Number.isSafeInteger(id) && id >= 1;
const lower = (s: string) => s.toLowerCase();
/** The Classic user list order: by name without case, then id (simulator classic-users.ts). */
const byName = (a: FakeUser, b: FakeUser) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id - b.id;
const RSQL_FIELDS = ['id', 'username', 'realname', 'email', 'phone', 'position', 'managedAppleId'] as const;

export function createInMemoryJamf(options: InMemoryJamfOptions = {}): InMemoryJamf {
  const users = new Map<number, FakeUser>();
  const groups = new Map<number, FakeGroup>();
  /** Lower-cased name → id, so name lookups and uniqueness checks are O(1) at any size. */
  const userNames = new Map<string, number>();
  const groupNames = new Map<string, number>();
  let nextUserId = 1;
  let nextGroupId = 1;
  const version = options.version ?? '11.30.1';
  let info: JamfServerInfo = { version, hasUsersApi: options.hasUsersApi ?? hasUsersApi(version) };
  let infoFetched = false;
  const counting = options.countCalls ?? true;
  const counters = new Map<string, number>();

  const count = (key: string) => {
    if (counting) counters.set(key, (counters.get(key) ?? 0) + 1);
  };
  const conflict = (message: string, route: string) => new JamfError('conflict', `Error: ${message}`, 409, route);
  const notFound = (route: string) => new JamfError('not_found', NOT_FOUND, 404, route);

  function groupsOf(userId: number): JamfGroupRef[] {
    const out: JamfGroupRef[] = [];
    for (const g of groups.values()) if (g.memberIds.has(userId)) out.push({ id: g.id, name: g.name, isSmart: g.isSmart });
    return out;
  }

  // The fake keeps no sites, extension attributes or LDAP links: a Classic read shows none, and
  // `/api/v1/users` (withGroups false) has no such elements at all.
  const NO_EXTRAS = { sites: [], extensionAttributes: [], ldapServer: null, enableCustomPhotoUrl: false, customPhotoUrl: '' };
  const toJamfUser = (u: FakeUser, withGroups: boolean): JamfUser =>
    withGroups ? { ...u, groups: groupsOf(u.id), extras: { ...NO_EXTRAS } } : { ...u, groups: [] };

  function insertUser(write: JamfUserWrite & { name: string }, route: string): number {
    if (userNames.has(lower(write.name))) throw conflict('Duplicate name', route);
    const id = nextUserId++;
    users.set(id, {
      id,
      name: write.name,
      fullName: write.fullName ?? '',
      email: write.email ?? '',
      phoneNumber: write.phoneNumber ?? '',
      position: write.position ?? '',
      managedAppleId: '',
    });
    userNames.set(lower(write.name), id);
    return id;
  }

  function insertGroup(name: string, isSmart: boolean, memberIds: readonly number[], route: string): number {
    if (groupNames.has(lower(name))) throw conflict('Duplicate name', route);
    for (const m of memberIds) if (!users.has(m)) throw conflict(`Unable to find user with id ${m}`, route);
    const id = nextGroupId++;
    groups.set(id, { id, name, isSmart, memberIds: new Set(memberIds) });
    groupNames.set(lower(name), id);
    return id;
  }

  function removeUser(id: number): void {
    const user = users.get(id);
    if (!user) return;
    users.delete(id);
    userNames.delete(lower(user.name));
    // Jamf drops a deleted user from every static membership.
    for (const g of groups.values()) g.memberIds.delete(id);
  }

  const fake: InMemoryJamf = {
    users,
    groups,

    async serverInfo() {
      if (!infoFetched) {
        infoFetched = true;
        count(R.version);
      }
      return { ...info };
    },

    async getUser(id) {
      if (!isJamfId(id)) return null;
      count(`GET ${R.userById}`);
      const u = users.get(id);
      return u ? toJamfUser(u, true) : null;
    },

    async getUserByName(name) {
      if (name === '') return null;
      if (name.includes('/')) {
        // The client resolves names holding `/` through the list (jamf-pro-api.md §7.2).
        count(R.users);
        const id = userNames.get(lower(name));
        if (id === undefined) return null;
        return fake.getUser(id);
      }
      count(R.userByName);
      const id = userNames.get(lower(name));
      const u = id === undefined ? undefined : users.get(id);
      return u ? toJamfUser(u, true) : null;
    },

    async findUsersByEmail(email) {
      if (email === '') return [];
      count(R.userByEmail);
      const wanted = lower(email.trim());
      return [...users.values()]
        .filter((u) => u.email !== '' && lower(u.email.trim()) === wanted)
        .sort((a, b) => a.id - b.id)
        .map((u) => toJamfUser(u, true));
    },

    async listUsers(): Promise<JamfUserSummary[]> {
      count(R.users);
      return [...users.values()].sort(byName).map((u) => ({ id: u.id, name: u.name }));
    },

    async pageUsers(query: JamfUserPageQuery): Promise<JamfUserPage> {
      if (!Number.isInteger(query.page) || query.page < 0 || !Number.isInteger(query.pageSize) || query.pageSize < 1 || query.pageSize > 1000) {
        throw new JamfError('bad_request', 'page must be ≥ 0 and pageSize within 1..1000', undefined, R.apiUsers);
      }
      count(R.apiUsers);
      if (!info.hasUsersApi) throw new JamfError('not_found', 'NOT_FOUND: Not Found', 404, R.apiUsers);
      let all = [...users.values()];
      if (query.filter) {
        let predicate;
        try {
          predicate = parseRsql(query.filter, RSQL_FIELDS);
        } catch (err) {
          if (err instanceof RsqlError) throw new JamfError('bad_request', `INVALID_RSQL_FILTER: ${err.message}`, 400, R.apiUsers);
          throw err;
        }
        all = all.filter((u) =>
          predicate({
            id: String(u.id),
            username: u.name,
            realname: u.fullName,
            email: u.email,
            phone: u.phoneNumber,
            position: u.position,
            managedAppleId: u.managedAppleId,
          }),
        );
      }
      // Map insertion order is id order (ids only grow), so no sort is needed for `id:asc`.
      const start = query.page * query.pageSize;
      // `/api/v1/users` carries no groups (types.ts JamfUser.groups).
      return { totalCount: all.length, users: all.slice(start, start + query.pageSize).map((u) => toJamfUser(u, false)) };
    },

    async createUser(user) {
      const route = `POST /JSSResource/users/id/0`;
      if (user.name.trim() === '') throw new JamfError('bad_request', 'a Jamf user needs a name', undefined, route);
      count(R.userCreate);
      return insertUser(user, route);
    },

    async updateUser(id, write) {
      const route = `PUT ${R.userById}`;
      if (!isJamfId(id)) throw new JamfError('not_found', `no Jamf object has the id ${String(id)}`, undefined, route);
      if (Object.values(write).every((v) => v === undefined)) return;
      count(route);
      const current = users.get(id);
      if (!current) throw notFound(route);
      const next = { ...current };
      if (write.name !== undefined) {
        if (write.name === '') throw conflict('Problem with user name', route);
        const holder = userNames.get(lower(write.name));
        if (holder !== undefined && holder !== id) throw conflict('Duplicate name', route);
        next.name = write.name;
      }
      if (write.fullName !== undefined) next.fullName = write.fullName;
      if (write.email !== undefined) next.email = write.email;
      if (write.phoneNumber !== undefined) next.phoneNumber = write.phoneNumber;
      if (write.position !== undefined) next.position = write.position;
      userNames.delete(lower(current.name));
      userNames.set(lower(next.name), id);
      users.set(id, next);
    },

    async deleteUser(id) {
      const route = `DELETE ${R.userById}`;
      if (!isJamfId(id)) throw new JamfError('not_found', `no Jamf object has the id ${String(id)}`, undefined, route);
      count(route);
      if (!users.has(id)) throw notFound(route);
      removeUser(id);
    },

    async listGroups(): Promise<JamfGroupSummary[]> {
      count(R.groups);
      return [...groups.values()].sort((a, b) => a.id - b.id).map((g) => ({ id: g.id, name: g.name, isSmart: g.isSmart }));
    },

    async getGroup(id): Promise<JamfGroup | null> {
      if (!isJamfId(id)) return null;
      count(`GET ${R.groupById}`);
      const g = groups.get(id);
      if (!g) return null;
      const members = [...g.memberIds]
        .sort((a, b) => a - b)
        .flatMap((m) => {
          const u = users.get(m);
          return u ? [{ id: u.id, username: u.name }] : [];
        });
      return { id: g.id, name: g.name, isSmart: g.isSmart, members };
    },

    async createGroup(group: JamfGroupCreate) {
      const route = `POST /JSSResource/usergroups/id/0`;
      if (group.name.trim() === '') throw new JamfError('bad_request', 'a Jamf group needs a name', undefined, route);
      count(R.groupCreate);
      return insertGroup(group.name, false, [...new Set(group.memberIds)], route);
    },

    async updateGroup(id, update: JamfGroupUpdate) {
      const route = `PUT ${R.groupById}`;
      if (!isJamfId(id)) throw new JamfError('not_found', `no Jamf object has the id ${String(id)}`, undefined, route);
      const add = update.addIds ?? [];
      const remove = update.removeIds ?? [];
      if (update.replaceIds !== undefined && (add.length > 0 || remove.length > 0)) {
        throw new JamfError('bad_request', 'replaceIds cannot be combined with addIds/removeIds', undefined, route);
      }
      // The client sends nothing for an update without a name or a membership change.
      if (update.name === undefined && update.replaceIds === undefined && add.length === 0 && remove.length === 0) return;
      count(route);
      const group = groups.get(id);
      if (!group) throw notFound(route);

      // Applied to a copy and stored only if nothing threw: all or nothing, as Jamf (simulator group-write.ts).
      let name = group.name;
      if (update.name !== undefined) {
        if (update.name === '') throw conflict('Problem with name', route);
        const holder = groupNames.get(lower(update.name));
        if (holder !== undefined && holder !== id) throw conflict('Duplicate name', route);
        name = update.name;
      }
      const editsMembers = update.replaceIds !== undefined || add.length > 0 || remove.length > 0;
      if (group.isSmart && editsMembers) throw conflict('Membership of a smart group cannot be edited', route);
      const known = (m: number) => {
        if (!users.has(m)) throw conflict(`Unable to find user with id ${m}`, route);
        return m;
      };
      let members = group.memberIds;
      if (editsMembers) {
        members = update.replaceIds !== undefined ? new Set(update.replaceIds.map(known)) : new Set(group.memberIds);
        for (const m of add) members.add(known(m));
        for (const m of new Set(remove)) {
          if (!members.delete(known(m))) throw conflict(`User (ID:${m}) is not a member of this group`, route);
        }
      }
      groupNames.delete(lower(group.name));
      groupNames.set(lower(name), id);
      groups.set(id, { ...group, name, memberIds: members });
    },

    async deleteGroup(id) {
      const route = `DELETE ${R.groupById}`;
      if (!isJamfId(id)) throw new JamfError('not_found', `no Jamf object has the id ${String(id)}`, undefined, route);
      count(route);
      const group = groups.get(id);
      if (!group) throw notFound(route);
      groups.delete(id);
      groupNames.delete(lower(group.name));
    },

    addUser(u) {
      return insertUser(u, 'addUser');
    },

    addGroup(g) {
      return insertGroup(g.name, g.isSmart ?? false, g.memberIds ?? [], 'addGroup');
    },

    seedUsers(n) {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) {
        const id = nextUserId;
        const name = `user${id}`;
        ids.push(
          insertUser(
            { name, fullName: `User ${id}`, email: `${name}@example.com`, phoneNumber: '', position: 'Engineer' },
            'seedUsers',
          ),
        );
      }
      return ids;
    },

    calls: () => Object.fromEntries(counters),
    totalCalls: (filter = () => true) => [...counters].reduce((sum, [key, n]) => (filter(key) ? sum + n : sum), 0),
    resetCalls: () => counters.clear(),
    setServerInfo(patch) {
      info = { ...info, ...patch };
      if (patch.version !== undefined && patch.hasUsersApi === undefined) info.hasUsersApi = hasUsersApi(patch.version);
    },
  };
  return fake;
}
