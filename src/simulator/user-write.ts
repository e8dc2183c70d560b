import { conflict } from './errors.js';
import { findSiteByName } from './registries.js';
import { findUserByName } from './store.js';
import type { Knobs, SimExtensionAttribute, SimRef, SimUser, SimulatorState } from './types.js';
import { child, children, text, type XmlObject } from './xml.js';
import { parseBool, parseId, parseRef } from './xml-values.js';

const TEXT_FIELDS = ['full_name', 'phone_number', 'position', 'managed_apple_id', 'custom_photo_url'] as const;

/** The knobs a user write obeys. */
export type UserWriteRules = Pick<Knobs, 'unknownReferences' | 'duplicateNameMessage'>;

/**
 * Applies a Classic `<user>` body to a copy of `user` (partial update, §2.6): omitted elements stay,
 * empty ones clear. `links` is read-only and ignored (§2.5). The caller stores the copy only if
 * nothing threw, so a refused body applies nothing.
 */
export function applyUserBody(state: SimulatorState, user: SimUser, body: XmlObject, rules: UserWriteRules): SimUser {
  const next: SimUser = { ...user, sites: [...user.sites], extension_attributes: [...user.extension_attributes] };

  const name = text(body, 'name');
  if (name !== undefined) {
    // Classic refuses blank usernames; a 409 `Error: …` page like its other validation failures ([U]).
    if (name === '') throw conflict('Problem with user name');
    const holder = findUserByName(state, name);
    // The wording for users is not public (jamf-pro-api.md §11), hence the knob.
    if (holder && holder.id !== user.id) throw conflict(rules.duplicateNameMessage);
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
  if (sites) {
    const refs = children(sites, 'site').flatMap((s) => resolveSite(state, s, rules));
    next.sites = refs.filter((ref, i) => refs.findIndex((r) => r.id === ref.id) === i);
  }

  const eas = child(body, 'extension_attributes');
  if (eas) {
    for (const ea of children(eas, 'extension_attribute')) writeExtensionAttribute(state, next.extension_attributes, ea, rules);
  }
  return next;
}

/**
 * A `<site>` by `<id>` (or, without one, by `<name>`, as MUT writes them, §2.6); id -1 or name
 * None means no site. An unknown site is taken as given or refused, as `unknownReferences` says;
 * Jamf's answer is not public [U], the refusal's wording is the simulator's.
 */
function resolveSite(state: SimulatorState, site: XmlObject, rules: UserWriteRules): SimRef[] {
  const rawId = text(site, 'id')?.trim() ?? '';
  const name = text(site, 'name')?.trim() ?? '';
  const id = parseId(rawId);
  if (id !== undefined) {
    const known = state.sites.get(id);
    if (known !== undefined) return [{ id, name: known }];
    if (rules.unknownReferences === 'refuse') throw conflict('Problem with site');
    return [{ id, name: name || `Site ${id}` }];
  }
  if (rawId !== '' || name === '' || name.toLowerCase() === 'none') return [];
  const named = findSiteByName(state, name);
  if (named) return [named];
  if (rules.unknownReferences === 'refuse') throw conflict('Problem with site');
  // Lenient: with no id to store, an unknown site named only by name is dropped.
  return [];
}

/**
 * Only the listed EAs are written, addressed by id (or by the name of one the user has); `<value/>`
 * clears (§2.6). An id the registry lacks is taken as given or refused, as `unknownReferences` says
 * ([U]: Jamf's answer is not public).
 */
function writeExtensionAttribute(state: SimulatorState, list: SimExtensionAttribute[], ea: XmlObject, rules: UserWriteRules): void {
  const id = parseId(text(ea, 'id'));
  const name = text(ea, 'name');
  const value = text(ea, 'value') ?? '';
  const nameOf = (e: SimExtensionAttribute): string => state.userExtensionAttributes.get(e.id)?.name ?? e.name;
  const index = list.findIndex((e) => (id !== undefined ? e.id === id : nameOf(e) === name));
  const existing = list[index];
  if (id === undefined) {
    if (!existing) throw conflict('Problem with extension attribute');
    list[index] = { ...existing, value };
    return;
  }
  const def = state.userExtensionAttributes.get(id);
  if (!def && rules.unknownReferences === 'refuse') throw conflict('Problem with extension attribute');
  const entry: SimExtensionAttribute = {
    id,
    name: def?.name ?? existing?.name ?? (name || `Extension Attribute ${id}`),
    type: def?.type ?? existing?.type ?? 'String',
    value,
  };
  if (existing) list[index] = entry;
  else list.push(entry);
}
