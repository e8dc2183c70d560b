import { blankUser, deviceKey, findUserByName, insertUser } from './store.js';
import type { DeviceAssignment, DeviceAssignmentResult, SimDevice, SimDeviceKind, SimRef, SimulatorState, SimUser } from './types.js';

const DEFAULT_NAME: Record<SimDeviceKind, string> = { computer: 'Computer', mobile_device: 'Mobile Device' };

function addDevice(state: SimulatorState, kind: SimDeviceKind, name: string | undefined): SimDevice {
  const id = state.nextDeviceId[kind]++;
  const device: SimDevice = { kind, id, name: name || `${DEFAULT_NAME[kind]} ${id}`, userId: undefined };
  state.devices.set(deviceKey(kind, id), device);
  return device;
}

/**
 * Jamf creates an end user by itself when a device's User and Location names a username no user
 * has: the admin guide's "User Assignments" page (Jamf Pro 10.0.0,
 * http://docs.jamf.com/10.0.0/jamf-pro/administrator-guide/User_Assignments.html) says entering
 * information about a new user there assigns and creates it (jamf-pro-api.md §11). Such a user
 * carries only what the device gave: the username, optionally a full name and email. Choosing an
 * existing user fills the device's fields from the user (same page), so an existing user is linked
 * unchanged.
 */
export function assignDevice(state: SimulatorState, a: DeviceAssignment): DeviceAssignmentResult {
  if (a.username.trim() === '') throw new Error('A device assignment needs a username');
  const kind = a.kind ?? 'computer';
  const existing = findUserByName(state, a.username);
  const email = a.email ?? '';
  const user =
    existing ??
    insertUser(state, (id) => ({ ...blankUser(id, a.username), full_name: a.realname ?? '', email, email_address: email }));
  // Device names are not unique in Jamf; here a name identifies the device, so a test can have
  // "the same Mac" report a username again after its user was deleted.
  const named = a.deviceName ? [...state.devices.values()].find((d) => d.kind === kind && d.name === a.deviceName) : undefined;
  const device = named ?? addDevice(state, kind, a.deviceName);
  device.userId = user.id;
  return { userId: user.id, created: existing === undefined, deviceId: device.id };
}

/** The devices a user's `<links>` lists (§2.3), by id; links are read-only on writes (§2.5). */
export function deviceLinks(state: SimulatorState, user: SimUser, kind: SimDeviceKind): SimRef[] {
  const links: SimRef[] = [];
  for (const device of state.devices.values()) {
    if (device.kind === kind && device.userId === user.id) links.push({ id: device.id, name: device.name });
  }
  return links.sort((x, y) => x.id - y.id);
}
