/** The Classic `<user>` record (jamf-pro-api.md §2.3) in and out: what is read, and what a write sends. */
import { JamfError } from './errors.js';
import type { JamfRef, JamfUser, JamfUserExtras, JamfUserWrite } from './types.js';
import { isObject, listOf, parseXml, rootElement, text, toInt, type XmlObject } from './xml-codec.js';

/** Only the fields given; `''` becomes an empty element, which clears the field (§2.6). */
export function userWriteXml(user: JamfUserWrite): XmlObject {
  const body: XmlObject = {};
  if (user.name !== undefined) body['name'] = user.name;
  if (user.fullName !== undefined) body['full_name'] = user.fullName;
  if (user.email !== undefined) {
    // Both fields, with the same value, as Jamf returns them (§2.5, §7.6).
    body['email'] = user.email;
    body['email_address'] = user.email;
  }
  if (user.phoneNumber !== undefined) body['phone_number'] = user.phoneNumber;
  if (user.position !== undefined) body['position'] = user.position;
  if (user.managedAppleId !== undefined) body['managed_apple_id'] = user.managedAppleId;
  if (user.enableCustomPhotoUrl !== undefined) body['enable_custom_photo_url'] = String(user.enableCustomPhotoUrl);
  if (user.customPhotoUrl !== undefined) body['custom_photo_url'] = user.customPhotoUrl;
  if (user.ldapServerId !== undefined) body['ldap_server'] = { id: user.ldapServerId };
  // `<sites>` with a `-1` site clears the list (§2.6, MUT).
  if (user.siteIds !== undefined) body['sites'] = { site: (user.siteIds.length > 0 ? user.siteIds : [-1]).map((id) => ({ id })) };
  if (user.extensionAttributes !== undefined && user.extensionAttributes.length > 0) {
    body['extension_attributes'] = { extension_attribute: user.extensionAttributes.map((ea) => ({ id: ea.id, value: ea.value })) };
  }
  return body;
}

function decodeRef(value: unknown): JamfRef | null {
  if (!isObject(value)) return null;
  const id = toInt(value['id']);
  return id === undefined || id < 1 ? null : { id, name: text(value['name']) };
}

/** The writable elements SCIM does not map, as the record holds them (§2.3). */
function decodeExtras(record: XmlObject): JamfUserExtras {
  return {
    sites: listOf(record['sites'], 'site').flatMap((s) => decodeRef(s) ?? []),
    extensionAttributes: listOf(record['extension_attributes'], 'extension_attribute').flatMap((ea) => {
      const ref = decodeRef(ea);
      return ref === null ? [] : [{ ...ref, value: text(ea['value']) }];
    }),
    ldapServer: decodeRef(record['ldap_server']),
    enableCustomPhotoUrl: text(record['enable_custom_photo_url']).toLowerCase() === 'true',
    customPhotoUrl: text(record['custom_photo_url']),
  };
}

/** A `<user>` record (§2.3). */
export function decodeUser(record: XmlObject, route: string): JamfUser {
  const id = toInt(record['id']);
  if (id === undefined) throw new JamfError('server', 'Jamf Pro returned a user record without an id', undefined, route);
  return {
    id,
    name: text(record['name']),
    fullName: text(record['full_name']),
    email: text(record['email']) || text(record['email_address']),
    phoneNumber: text(record['phone_number']),
    position: text(record['position']),
    managedAppleId: text(record['managed_apple_id']),
    groups: listOf(record['user_groups'], 'user_group').flatMap((g) => {
      const groupId = toInt(g['id']);
      return groupId === undefined ? [] : [{ id: groupId, name: text(g['name']), isSmart: text(g['is_smart']).toLowerCase() === 'true' }];
    }),
    extras: decodeExtras(record),
  };
}

export function decodeUserBody(body: string, route: string): JamfUser {
  const root = rootElement(parseXml(body));
  if (root === undefined) throw new JamfError('server', 'Jamf Pro returned an empty user record', undefined, route);
  return decodeUser(root, route);
}

