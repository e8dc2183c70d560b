/**
 * A SCIM User as an IdP reads it: built from the Jamf record and what the store remembers of
 * the IdP's writes (design.md §3), or from the tombstone of a user not in Jamf.
 */
import type { JamfUser } from '../jamf/types.js';
import type { UserRecord } from './ports.js';
import {
  ENTERPRISE_SCHEMA,
  UNASSIGNED_NAME,
  USER_SCHEMA,
  deriveNameParts,
  isObject,
  sameInJamf,
  str,
  type MultiValue,
  type ScimObject,
} from './user-mapping.js';

const sameText = (a: string | undefined, b: string) => sameInJamf(a?.toLowerCase(), b.toLowerCase());


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

