import { conflict } from './errors.js';
import { findUserByName } from './store.js';
import type { SimExtensionAttribute, SimUser, SimulatorState } from './types.js';
import { child, children, text, type XmlObject } from './xml.js';
import { parseBool, parseId, parseRef } from './xml-values.js';

const TEXT_FIELDS = ['full_name', 'phone_number', 'position', 'managed_apple_id', 'custom_photo_url'] as const;

/**
 * Applies a Classic `<user>` body to a copy of `user` (partial update, §2.6): omitted elements stay,
 * empty ones clear. `links` is read-only and ignored (§2.5).
 */
export function applyUserBody(state: SimulatorState, user: SimUser, body: XmlObject): SimUser {
  const next: SimUser = { ...user, sites: [...user.sites], extension_attributes: [...user.extension_attributes] };

  const name = text(body, 'name');
  if (name !== undefined) {
    // Classic refuses blank usernames; a 409 `Error: …` page like its other validation failures ([U]).
    if (name === '') throw conflict('Problem with user name');
    const holder = findUserByName(state, name);
    if (holder && holder.id !== user.id) throw conflict('Duplicate name');
    next.name = name;
  }

  for (const field of TEXT_FIELDS) {
    const value = text(body, field);
    if (value !== undefined) next[field] = value;
  }

  // Both elements exist with one value (§2.3); writing either sets both. `<email>` wins if they differ.
  const email = text(body, 'email') ?? text(body, 'email_address');
  if (email !== undefined) {
    next.email = email;
    next.email_address = email;
  }

  const photo = parseBool(text(body, 'enable_custom_photo_url'));
  if (photo !== undefined) next.enable_custom_photo_url = photo;

  const ldap = child(body, 'ldap_server');
  if (ldap) next.ldap_server = parseRef(ldap, 'LDAP Server');

  // `<sites>` replaces the whole list ([U], likely); a `-1` site contributes nothing, so it clears.
  const sites = child(body, 'sites');
  if (sites) next.sites = children(sites, 'site').map((s) => parseRef(s, 'Site')).filter((s) => s.id > 0);

  const eas = child(body, 'extension_attributes');
  if (eas) {
    for (const ea of children(eas, 'extension_attribute')) writeExtensionAttribute(next.extension_attributes, ea);
  }
  return next;
}

/** Only the listed EAs are written, addressed by id (or by the name of one the user has); `<value/>` clears (§2.6). */
function writeExtensionAttribute(list: SimExtensionAttribute[], ea: XmlObject): void {
  const id = parseId(text(ea, 'id'));
  const name = text(ea, 'name');
  const index = list.findIndex((e) => (id !== undefined ? e.id === id : e.name === name));
  const value = text(ea, 'value') ?? '';
  const existing = list[index];
  if (existing) list[index] = { ...existing, value };
  else if (id !== undefined) list.push({ id, name: name || `Extension Attribute ${id}`, type: 'String', value });
  else throw conflict('Problem with extension attribute');
}
