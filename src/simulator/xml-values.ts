import { NO_REF } from './store.js';
import type { SimRef } from './types.js';
import { text, type XmlObject } from './xml.js';

/** Classic booleans are `true`/`false` text. */
export const parseBool = (value: string | undefined): boolean | undefined =>
  value === undefined ? undefined : value.trim().toLowerCase() === 'true';

/** A positive integer id, or undefined (`0`, `-1`, text and blanks included). */
export function parseId(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const id = Number(value);
  return id > 0 ? id : undefined;
}

/**
 * `<ldap_server>` / group `<site>` references: id -1 (or none) means "None" and clears the link
 * (§2.6). These are not checked against a registry (user sites are, user-write.ts), so a missing
 * name is made up from the id.
 */
export function parseRef(obj: XmlObject, kind: string): SimRef {
  const id = parseId(text(obj, 'id'));
  if (id === undefined) return { ...NO_REF };
  return { id, name: text(obj, 'name') || `${kind} ${id}` };
}
