import { blankUser, findUserByName, insertUser, NO_REF } from './store.js';
import type { AddUserSpec, SimExtensionAttribute, SimulatorState } from './types.js';

/**
 * `Simulator.addUser`: a test's direct way to a rich Jamf user. Unlike a lenient Classic write, it
 * refuses what Jamf could not hold: a duplicate username, or a site or extension attribute id
 * missing from the registries.
 */
export function addUserFromSpec(state: SimulatorState, u: AddUserSpec): number {
  if (findUserByName(state, u.name)) throw new Error(`Duplicate name: ${u.name}`);
  const siteIds = [...new Set(u.sites ?? [])];
  const unknownSites = siteIds.filter((id) => !state.sites.has(id));
  if (unknownSites.length > 0) throw new Error(`Unknown site ids: ${unknownSites.join(', ')}`);
  const eas: SimExtensionAttribute[] = [];
  for (const { id, value } of u.extensionAttributes ?? []) {
    const def = state.userExtensionAttributes.get(id);
    if (!def) throw new Error(`Unknown user extension attribute id: ${id}`);
    if (eas.some((ea) => ea.id === id)) throw new Error(`User extension attribute id given twice: ${id}`);
    eas.push({ id, name: def.name, type: def.type, value });
  }
  const email = u.email ?? '';
  const ldap = u.ldapServerId;
  return insertUser(state, (id) => ({
    ...blankUser(id, u.name),
    full_name: u.fullName ?? '',
    email,
    email_address: email,
    phone_number: u.phoneNumber ?? '',
    position: u.position ?? '',
    managed_apple_id: u.managedAppleId ?? '',
    // No LDAP registry (jamf-pro-api.md §2.3 shows only id and name); -1 means not LDAP-linked.
    ldap_server: ldap === undefined || ldap <= 0 ? { ...NO_REF } : { id: ldap, name: `LDAP Server ${ldap}` },
    sites: siteIds.map((siteId) => ({ id: siteId, name: state.sites.get(siteId) ?? '' })),
    extension_attributes: eas,
  })).id;
}
