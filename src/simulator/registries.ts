import { SimError } from './errors.js';
import { NO_REF } from './store.js';
import type { SimExtensionAttribute, SimExtensionAttributeType, SimRef, SimulatorState, SimUser } from './types.js';

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Jamf object names are unique per type (the Classic API answers 409 "Duplicate name" for other
 * objects, JSSImporter#78); sites and extension attributes follow that rule here.
 */
function requireFreeName(names: Iterable<string>, name: string): void {
  if (name.trim() === '') throw new SimError(400, 'A name is required', { code: 'INVALID_FIELD', field: 'name' });
  for (const taken of names) {
    if (same(taken, name)) throw new SimError(409, `Duplicate name: ${name}`, { code: 'DUPLICATE_FIELD', field: 'name' });
  }
}

const unknownId = (kind: string, id: number): SimError => new SimError(404, `Unknown ${kind} id: ${id}`, { code: 'NOT_FOUND', field: 'id' });

/** Site names are matched case-insensitively, like usernames (§2.9, [U]). */
export function findSiteByName(state: SimulatorState, name: string): SimRef | undefined {
  for (const [id, siteName] of state.sites) if (same(siteName, name)) return { id, name: siteName };
  return undefined;
}

export function addSite(state: SimulatorState, name: string): number {
  requireFreeName(state.sites.values(), name);
  const id = state.nextSiteId++;
  state.sites.set(id, name);
  return id;
}

/**
 * Jamf takes a deleted site off the objects that had it (users may have several, §2.3); a group's
 * site falls back to None. Records are replaced, never edited in place, so a write that read the
 * record earlier (concurrent-writes.ts) still sees its own snapshot.
 */
export function deleteSite(state: SimulatorState, id: number): void {
  if (!state.sites.delete(id)) throw unknownId('site', id);
  for (const user of state.users.values()) {
    if (user.sites.some((s) => s.id === id)) state.users.set(user.id, { ...user, sites: user.sites.filter((s) => s.id !== id) });
  }
  for (const group of state.groups.values()) {
    if (group.site.id === id) state.groups.set(group.id, { ...group, site: { ...NO_REF } });
  }
}

export function addUserExtensionAttribute(state: SimulatorState, def: { name: string; type?: SimExtensionAttributeType }): number {
  requireFreeName([...state.userExtensionAttributes.values()].map((d) => d.name), def.name);
  const id = state.nextUserExtensionAttributeId++;
  state.userExtensionAttributes.set(id, { name: def.name, type: def.type ?? 'String' });
  return id;
}

/** Deleting an extension attribute deletes its values with it: no user shows it any more. */
export function deleteUserExtensionAttribute(state: SimulatorState, id: number): void {
  if (!state.userExtensionAttributes.delete(id)) throw unknownId('user extension attribute', id);
  for (const user of state.users.values()) {
    if (user.extension_attributes.some((ea) => ea.id === id)) {
      state.users.set(user.id, { ...user, extension_attributes: user.extension_attributes.filter((ea) => ea.id !== id) });
    }
  }
}

/** A user's sites as rendered: names from the registry; an unregistered id keeps the name it was written with. */
export function userSites(state: SimulatorState, user: SimUser): SimRef[] {
  return user.sites.map((s) => ({ id: s.id, name: state.sites.get(s.id) ?? s.name }));
}

/** A user's extension attribute values as rendered: name and type from the registry when it has the id. */
export function userExtensionAttributes(state: SimulatorState, user: SimUser): SimExtensionAttribute[] {
  return user.extension_attributes.map((ea) => {
    const def = state.userExtensionAttributes.get(ea.id);
    return { id: ea.id, name: def?.name ?? ea.name, type: def?.type ?? ea.type, value: ea.value };
  });
}
