import { sameName } from '../scim/name-fold.js';
import { createApiAccess } from './api-access.js';
import { NamedRecords } from './records.js';
import { matchesCriteria } from './smart-groups.js';
import type { SimDeviceKind, SimGroup, SimRef, SimulatorState, SimUser } from './types.js';

export const NO_REF: Readonly<SimRef> = Object.freeze({ id: -1, name: 'None' });

export function createState(): SimulatorState {
  return {
    users: new NamedRecords(),
    groups: new NamedRecords(),
    nextUserId: 1,
    nextGroupId: 1,
    sites: new Map(),
    nextSiteId: 1,
    userExtensionAttributes: new Map(),
    nextUserExtensionAttributeId: 1,
    devices: new Map(),
    nextDeviceId: { computer: 1, mobile_device: 1 },
    apiAccess: createApiAccess(),
  };
}

export const deviceKey = (kind: SimDeviceKind, id: number): string => `${kind}:${id}`;

/** Jamf's collation folds case beyond ASCII (`É`/`é`, `Σ`/`ς`): the same rule as the server's. */
const same = sameName;

/** Usernames and `/name/` lookups are case-insensitive (jamf-pro-api.md §2.9). */
export function findUserByName(state: SimulatorState, name: string): SimUser | undefined {
  return state.users.findByName(name);
}

/** Group names are unique case-insensitively across smart and static groups (§4, [U]). */
export function findGroupByName(state: SimulatorState, name: string): SimGroup | undefined {
  return state.groups.findByName(name);
}

/** Email is not unique (§2.9) and matched case-insensitively (§2.8). */
export function findUsersByEmail(state: SimulatorState, email: string): SimUser[] {
  return [...state.users.values()].filter((u) => u.email !== '' && same(u.email, email));
}

export function blankUser(id: number, name: string): SimUser {
  return {
    id,
    name,
    full_name: '',
    email: '',
    email_address: '',
    phone_number: '',
    position: '',
    managed_apple_id: '',
    enable_custom_photo_url: false,
    custom_photo_url: '',
    ldap_server: { ...NO_REF },
    extension_attributes: [],
    sites: [],
  };
}

export function blankGroup(id: number, name: string, isSmart: boolean): SimGroup {
  return { id, name, is_smart: isSmart, is_notify_on_change: false, site: { ...NO_REF }, criteria: [], memberIds: new Set() };
}

/** Stores a user built by `build` under the next id. */
export function insertUser(state: SimulatorState, build: (id: number) => SimUser): SimUser {
  const user = build(state.nextUserId++);
  state.users.set(user.id, user);
  return user;
}

export function insertGroup(state: SimulatorState, build: (id: number) => SimGroup): SimGroup {
  const group = build(state.nextGroupId++);
  state.groups.set(group.id, group);
  return group;
}

/**
 * Deleting a user also drops it from every static membership, as Jamf does, and works whatever
 * devices it has (§2.7). Its devices stay in the inventory without a user; whether Jamf keeps the
 * username on them is [U].
 */
export function deleteUser(state: SimulatorState, id: number): void {
  state.users.delete(id);
  for (const group of state.groups.values()) group.memberIds.delete(id);
  for (const device of state.devices.values()) if (device.userId === id) device.userId = undefined;
}

/** Smart groups with criteria compute their members; others list their stored ids. */
export function groupMembers(state: SimulatorState, group: SimGroup): SimUser[] {
  if (group.is_smart && group.criteria.length > 0) return [...state.users.values()].filter((u) => isMember(group, u));
  return [...group.memberIds]
    .sort((a, b) => a - b)
    .flatMap((id) => {
      const user = state.users.get(id);
      return user ? [user] : [];
    });
}

/** A user's `user_groups` (§2.3) is derived from the groups, never stored on the user. */
export function groupsOfUser(state: SimulatorState, user: SimUser): SimGroup[] {
  return [...state.groups.values()].filter((g) => isMember(g, user));
}

function isMember(group: SimGroup, user: SimUser): boolean {
  return group.is_smart && group.criteria.length > 0 ? matchesCriteria(group.criteria, user) : group.memberIds.has(user.id);
}
