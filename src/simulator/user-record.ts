import { deviceLinks } from './devices.js';
import { userExtensionAttributes, userSites } from './registries.js';
import { groupsOfUser } from './store.js';
import type { SimUser, SimulatorState } from './types.js';

/** `<x/>` for an empty list, the way Classic renders empty containers (§2.3). */
const xmlList = (element: string, items: unknown[]): unknown => (items.length > 0 ? { [element]: items } : '');

const groupRefs = (state: SimulatorState, user: SimUser) =>
  groupsOfUser(state, user).map((g) => ({ id: g.id, name: g.name, is_smart: g.is_smart }));

function scalarFields(user: SimUser) {
  return {
    id: user.id,
    name: user.name,
    full_name: user.full_name,
    email: user.email,
    email_address: user.email_address,
    phone_number: user.phone_number,
    position: user.position,
    managed_apple_id: user.managed_apple_id,
    enable_custom_photo_url: user.enable_custom_photo_url,
    custom_photo_url: user.custom_photo_url,
    ldap_server: { ...user.ldap_server },
  };
}

/**
 * The XML user record, element order as in jamf-pro-api.md §2.3. Site and extension attribute names
 * come from the registries; `links` lists the user's computers and mobile devices (devices.ts), and
 * peripherals and VPP assignments are always empty.
 */
export function userXml(state: SimulatorState, user: SimUser): unknown {
  const groups = groupRefs(state, user);
  return {
    ...scalarFields(user),
    extension_attributes: xmlList('extension_attribute', userExtensionAttributes(state, user)),
    sites: xmlList('site', userSites(state, user)),
    links: {
      computers: xmlList('computer', deviceLinks(state, user, 'computer')),
      peripherals: '',
      mobile_devices: xmlList('mobile_device', deviceLinks(state, user, 'mobile_device')),
      vpp_assignments: '',
      total_vpp_code_count: 0,
    },
    user_groups: { size: groups.length, ...(groups.length > 0 ? { user_group: groups } : {}) },
  };
}

/**
 * The Classic JSON rendering (§2.4), defect included: `user_groups` carries the size but only the
 * last group (ruby-jss re-reads XML because of it), so clients must read memberships from XML.
 */
export function userJson(state: SimulatorState, user: SimUser): unknown {
  const groups = groupRefs(state, user);
  const last = groups.at(-1);
  return {
    ...scalarFields(user),
    extension_attributes: userExtensionAttributes(state, user),
    sites: userSites(state, user),
    // Device lists intact, as in the XSOAR samples (§2.4; the older one-device defect is [U]).
    links: {
      computers: deviceLinks(state, user, 'computer'),
      mobile_devices: deviceLinks(state, user, 'mobile_device'),
      peripherals: [],
      total_vpp_code_count: 0,
      vpp_assignments: [],
    },
    user_groups: { size: groups.length, ...(last ? { user_group: last } : {}) },
  };
}

/** Jamf Pro API `User` (§3.1): string id, different field names, no sites/EAs/groups. */
export function proUser(user: SimUser) {
  return {
    id: String(user.id),
    username: user.name,
    realname: user.full_name,
    email: user.email,
    phone: user.phone_number,
    position: user.position,
    enableCustomPhotoUrl: user.enable_custom_photo_url,
    customPhotoUrl: user.custom_photo_url,
    managedAppleId: user.managed_apple_id,
  };
}
