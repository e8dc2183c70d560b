import type { JamfUser, JamfUserWrite } from '../jamf/types.js';
import type { UserRecord } from './ports.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export type ScimObject = Record<string, unknown>;

interface MultiValue {
  value?: unknown;
  type?: unknown;
  primary?: unknown;
}

const isObject = (v: unknown): v is ScimObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

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

const sameText = (a: string | undefined, b: string) => sameInJamf(a?.toLowerCase(), b.toLowerCase());

/**
 * The store's mark for a `name` the IdP removed (PATCH remove, PUT without it): unassigned
 * (RFC 7643 §2.5) and not re-derived from Jamf's full_name, which the server itself wrote from
 * displayName. Without it an absent name would read as "never written" and be derived. It is
 * never returned.
 */
const UNASSIGNED_NAME = null;

/** `primaryValue` in one pass with no copies: it runs twice for every user a list maps. */
function storedPrimary(values: unknown): string | undefined {
  if (!Array.isArray(values)) return undefined;
  let first: MultiValue | undefined;
  for (const v of values) {
    if (!isObject(v)) continue;
    if ((v as MultiValue).primary === true) return str((v as MultiValue).value);
    first ??= v as MultiValue;
  }
  return first === undefined ? undefined : str(first.value);
}

/**
 * Attributes kept from the store for a user in Jamf: the IdP's own values while Jamf still
 * agrees. `out` holds a copy of `stored` and is changed in place.
 */
function mergeJamfFields(out: ScimObject, stored: ScimObject, jamf: JamfUser, writtenFullName: string | null): ScimObject {
  // `?? ''` is what sameInJamf makes of an absent value, and keeps it on its fast path.
  if (!sameInJamf(str(stored.userName) ?? '', jamf.name)) out.userName = jamf.name;

  const storedName = isObject(stored.name) ? stored.name : undefined;
  const jamfUnchanged = writtenFullName !== null && sameInJamf(writtenFullName, jamf.fullName);
  if (jamfUnchanged && storedName !== undefined) {
    out.name = { ...storedName, formatted: str(storedName.formatted) ?? writtenFullName };
  } else if (jamfUnchanged && stored.name === UNASSIGNED_NAME) {
    delete out.name;
  } else if (jamf.fullName !== '') {
    // An admin changed full_name in Jamf (or the IdP never wrote it): Jamf wins.
    out.name = { formatted: jamf.fullName, ...deriveNameParts(jamf.fullName) };
    out.displayName = jamf.fullName;
  } else {
    delete out.name;
  }

  if (!sameText(storedPrimary(stored.emails) ?? '', jamf.email)) {
    if (jamf.email === '') delete out.emails;
    else out.emails = [{ value: jamf.email, type: 'work', primary: true }];
  }
  if (!sameInJamf(storedPrimary(stored.phoneNumbers) ?? '', jamf.phoneNumber)) {
    if (jamf.phoneNumber === '') delete out.phoneNumbers;
    else out.phoneNumbers = [{ value: jamf.phoneNumber, type: 'work', primary: true }];
  }
  if (!sameInJamf(str(stored.title) ?? '', jamf.position)) {
    if (jamf.position === '') delete out.title;
    else out.title = jamf.position;
  }
  return out;
}

export interface ResourceContext {
  /** Absolute URL of `/scim/v2`, for `meta.location` and `$ref`. */
  baseUrl: string;
}

function schemasOf(attrs: ScimObject): string[] {
  const schemas = [USER_SCHEMA];
  if (Array.isArray(attrs.schemas)) for (const s of attrs.schemas) if (typeof s === 'string' && !schemas.includes(s)) schemas.push(s);
  if (isObject(attrs[ENTERPRISE_SCHEMA]) && !schemas.includes(ENTERPRISE_SCHEMA)) schemas.push(ENTERPRISE_SCHEMA);
  return schemas;
}

/**
 * `{ schemas, id, ...attrs }` without `attrs.schemas`, built by assignment: a spread after a
 * rest copy was two copies of every user, the larger part of mapping a 100-user page.
 */
function resourceOf(attrs: ScimObject, id: string): ScimObject {
  const resource: ScimObject = { schemas: schemasOf(attrs), id };
  for (const key of Object.keys(attrs)) {
    if (key === 'schemas') continue;
    // Assigning `__proto__` would set the prototype; a spread defined it as a key.
    if (key === '__proto__') Object.defineProperty(resource, key, { value: attrs[key], writable: true, enumerable: true, configurable: true });
    else resource[key] = attrs[key];
  }
  return resource;
}

function meta(ctx: ResourceContext, id: string, record: UserRecord | undefined): ScimObject {
  const m: ScimObject = { resourceType: 'User', location: `${ctx.baseUrl}/Users/${encodeURIComponent(id)}` };
  if (record) {
    m.created = record.created;
    m.lastModified = record.lastModified;
  }
  return m;
}

/** A user present in Jamf, with what the store remembers of it. */
export function userFromJamf(jamf: JamfUser, record: UserRecord | undefined, ctx: ResourceContext, opts: { withGroups: boolean }): ScimObject {
  const stored = record?.attributes ?? {};
  const id = record?.scimId ?? String(jamf.id);
  // mergeJamfFields leaves `schemas` and the enterprise extension as stored.
  const resource = mergeJamfFields(resourceOf(stored, id), stored, jamf, record?.writtenFullName ?? null);
  if (resource.name === UNASSIGNED_NAME) delete resource.name;
  resource.active = true;
  if (record?.externalId) resource.externalId = record.externalId;
  if (opts.withGroups) {
    const groups: ScimObject[] = [];
    for (const g of jamf.groups) {
      if (!g.isSmart) groups.push({ value: String(g.id), display: g.name, $ref: `${ctx.baseUrl}/Groups/${g.id}`, type: 'direct' });
    }
    resource.groups = groups;
  }
  resource.meta = meta(ctx, id, record);
  return resource;
}

/** A user that is not in Jamf: deactivated (or mid-lifecycle), read from its tombstone. */
export function userFromTombstone(record: UserRecord, ctx: ResourceContext, groupNames: ReadonlyMap<number, string>): ScimObject {
  const resource = resourceOf(record.attributes, record.scimId);
  if (resource.name === UNASSIGNED_NAME) delete resource.name;
  resource.userName = record.userName;
  resource.active = false;
  if (record.externalId) resource.externalId = record.externalId;
  resource.groups = record.groupIds.map((gid) => {
    const g: ScimObject = { value: String(gid), $ref: `${ctx.baseUrl}/Groups/${gid}`, type: 'direct' };
    const display = groupNames.get(gid);
    if (display !== undefined) g.display = display;
    return g;
  });
  resource.meta = meta(ctx, record.scimId, record);
  return resource;
}

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
