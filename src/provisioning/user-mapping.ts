import type { JamfUser, JamfUserWrite } from '../jamf/types.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export type ScimObject = Record<string, unknown>;

export interface MultiValue {
  value?: unknown;
  type?: unknown;
  primary?: unknown;
}

export const isObject = (v: unknown): v is ScimObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** RFC 7643 §2.4: the primary value, else the first one. */
export function primaryValue(values: unknown): string | undefined {
  if (!Array.isArray(values)) return undefined;
  const items = values.filter(isObject) as MultiValue[];
  const chosen = items.find((v) => v.primary === true) ?? items[0];
  return chosen === undefined ? undefined : str(chosen.value);
}

/** design.md §3: `formatted`, else `givenName familyName`, else `displayName`. */
export function composeFullName(user: ScimObject): string {
  const name = isObject(user.name) ? user.name : {};
  const formatted = str(name.formatted)?.trim();
  if (formatted) return formatted;
  const parts = composeParts(name);
  if (parts !== '') return parts;
  return str(user.displayName)?.trim() ?? '';
}

/** `givenName familyName`, the full name the parts alone compose. */
function composeParts(name: ScimObject): string {
  return [str(name.givenName), str(name.familyName)]
    .map((p) => p?.trim())
    .filter((p): p is string => !!p)
    .join(' ');
}

/**
 * Characters XML 1.0 (§2.2 `Char`) cannot carry. The SCIM layer refuses them, and CR, in every
 * attribute written here (src/scim/text-rules.ts), for creates, updates and tombstone changes
 * alike, so a value arriving now passes through unchanged. The strip stays for values a version
 * before those checks stored in a tombstone: their reactivation still reaches Jamf instead of
 * failing on every attempt. userName is never cleaned: silently changing a login name would
 * create a different user.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function jamfSafe(value: string): string {
  return value.replace(NOT_XML_CHAR, '');
}

const LINE_ENDS = /\r\n?/g;

/**
 * Whether Jamf holding `held` means it holds `sent`. Jamf trims surrounding whitespace (the
 * SCIM layer refuses it only in userName, group names and e-mail addresses), so a title or name
 * part sent with spaces around it is kept in the store and returned as sent rather than
 * "changed in Jamf". Line ends and the characters jamfSafe strips are compared normalised for
 * values stored before the SCIM layer refused them.
 */
export function sameInJamf(sent: string | undefined, held: string): boolean {
  // The common case, and four regex passes less per field and request.
  if (sent === held) return true;
  const norm = (v: string) => jamfSafe(v).replace(LINE_ENDS, '\n').trim();
  return norm(sent ?? '') === norm(held);
}

/** The Jamf fields SCIM maps (design.md §3). */
export type MappedJamfWrite = Required<Pick<JamfUserWrite, 'name' | 'fullName' | 'email' | 'phoneNumber' | 'position'>>;

/** The Jamf fields a SCIM user maps to (design.md §3); every field is written so PUT clears what the IdP dropped. */
export function toJamfWrite(user: ScimObject): MappedJamfWrite {
  return {
    name: str(user.userName) ?? '',
    fullName: jamfSafe(composeFullName(user)),
    email: jamfSafe(primaryValue(user.emails) ?? ''),
    phoneNumber: jamfSafe(primaryValue(user.phoneNumbers) ?? ''),
    position: jamfSafe(str(user.title) ?? ''),
  };
}

/** Only the fields Jamf does not already hold, so an unchanged PATCH costs no write. */
export function jamfWriteDiff(next: MappedJamfWrite, current: JamfUser): JamfUserWrite {
  const diff: JamfUserWrite = {};
  if (!sameInJamf(next.name, current.name)) diff.name = next.name;
  if (!sameInJamf(next.fullName, current.fullName)) diff.fullName = next.fullName;
  if (!sameInJamf(next.email, current.email)) diff.email = next.email;
  if (!sameInJamf(next.phoneNumber, current.phoneNumber)) diff.phoneNumber = next.phoneNumber;
  if (!sameInJamf(next.position, current.position)) diff.position = next.position;
  return diff;
}

/** Split at the last space (design.md §3) for users whose name parts Jamf does not hold. */
export function deriveNameParts(fullName: string): { givenName?: string; familyName?: string } {
  const trimmed = fullName.trim();
  if (trimmed === '') return {};
  const at = trimmed.lastIndexOf(' ');
  if (at < 0) return { givenName: trimmed };
  return { givenName: trimmed.slice(0, at), familyName: trimmed.slice(at + 1) };
}

/**
 * The store's mark for a `name` the IdP removed (PATCH remove, PUT without it): unassigned
 * (RFC 7643 §2.5) and not re-derived from Jamf's full_name, which the server itself wrote from
 * displayName. Without it an absent name would read as "never written" and be derived. It is
 * never returned.
 */
export const UNASSIGNED_NAME = null;

/** What the store keeps of a SCIM user: everything the IdP sent except server-owned attributes. */
export function storedAttributes(user: ScimObject): ScimObject {
  const { id: _id, meta: _meta, groups: _groups, active: _active, password: _password, externalId: _externalId, ...rest } = user;
  return rest;
}

/**
 * What the store keeps after `next` was made from `current`, the resource as returned. The
 * `formatted` name the server composed or derived for that response is not the IdP's: unless
 * the change touched it, it is dropped, so that it never outranks the parts the IdP writes
 * later. Without this a PATCH of name.givenName would compose Jamf's full_name from the stale
 * derived `formatted`. The same holds for a stored `formatted` that was only the composition of
 * the previous parts: Jamf's full_name follows the new parts, while a `formatted` the IdP set
 * to something else is kept (design.md §3 composition order). Derived parts and displayName
 * are kept: they compose the same full_name, and a value equal to a derived one may be the
 * IdP's own (a PUT's givenName beside a new familyName, or a PUT repeated after Jamf already
 * applied it). A name the request removed is marked unassigned, so it is not derived again.
 */
export function idpAttributes(next: ScimObject, current: ScimObject, stored: ScimObject): ScimObject {
  const out = storedAttributes(next);
  const storedName = isObject(stored.name) ? stored.name : {};
  const currentName = isObject(current.name) ? current.name : {};
  if (isObject(out.name)) {
    const name: ScimObject = { ...out.name };
    const parts = ['formatted', 'givenName', 'familyName'] as const;
    if (parts.every((k) => name[k] === currentName[k])) {
      // The request left the name alone: parts the IdP never wrote were derived from Jamf's
      // full_name and must not outrank a new displayName (design.md §3 composition order).
      for (const k of parts) if (storedName[k] === undefined) delete name[k];
    } else if (name.formatted !== undefined && name.formatted === currentName.formatted) {
      const composed = storedName.formatted === undefined || sameInJamf(str(storedName.formatted), composeParts(currentName));
      if (composed) delete name.formatted;
    }
    if (Object.keys(name).length > 0) out.name = name;
    else delete out.name;
  } else {
    markRemovedName(out, next, current, stored);
  }
  return out;
}

/**
 * What a tombstone keeps: everything the user showed (derived name parts included, as its Jamf
 * record is about to be deleted or already is), and the mark of a name the request removed, so
 * that the reactivation does not derive it again from the full_name written from displayName.
 */
export function tombstoneAttributes(next: ScimObject, current: ScimObject, stored: ScimObject): ScimObject {
  const out = storedAttributes(next);
  if (!isObject(out.name)) markRemovedName(out, next, current, stored);
  return out;
}

function markRemovedName(out: ScimObject, next: ScimObject, current: ScimObject, stored: ScimObject): void {
  if (!isObject(next.name) && (isObject(current.name) || stored.name === UNASSIGNED_NAME)) out.name = UNASSIGNED_NAME;
}
