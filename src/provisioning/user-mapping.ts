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
  const parts = [str(name.givenName), str(name.familyName)].map((p) => p?.trim()).filter((p): p is string => !!p);
  if (parts.length > 0) return parts.join(' ');
  return str(user.displayName)?.trim() ?? '';
}

/** The Jamf fields a SCIM user maps to (design.md §3); every field is written so PUT clears what the IdP dropped. */
export function toJamfWrite(user: ScimObject): Required<JamfUserWrite> {
  return {
    name: str(user.userName) ?? '',
    fullName: composeFullName(user),
    email: primaryValue(user.emails) ?? '',
    phoneNumber: primaryValue(user.phoneNumbers) ?? '',
    position: str(user.title) ?? '',
  };
}

/** Only the fields that differ from what Jamf holds, so an unchanged PATCH costs no write. */
export function jamfWriteDiff(next: Required<JamfUserWrite>, current: JamfUser): JamfUserWrite {
  const diff: JamfUserWrite = {};
  if (next.name !== current.name) diff.name = next.name;
  if (next.fullName !== current.fullName) diff.fullName = next.fullName;
  if (next.email !== current.email) diff.email = next.email;
  if (next.phoneNumber !== current.phoneNumber) diff.phoneNumber = next.phoneNumber;
  if (next.position !== current.position) diff.position = next.position;
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

const sameText = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

/** Attributes kept from the store for a user in Jamf: the IdP's own values while Jamf still agrees. */
function mergeJamfFields(stored: ScimObject, jamf: JamfUser, writtenFullName: string | null): ScimObject {
  const out: ScimObject = { ...stored };
  out.userName = jamf.name;

  const storedName = isObject(stored.name) ? stored.name : undefined;
  const nameUnchanged = storedName !== undefined && writtenFullName !== null && writtenFullName === jamf.fullName;
  if (nameUnchanged) {
    out.name = { ...storedName, formatted: jamf.fullName };
  } else if (jamf.fullName !== '') {
    // An admin changed full_name in Jamf (or the IdP never wrote it): Jamf wins.
    out.name = { formatted: jamf.fullName, ...deriveNameParts(jamf.fullName) };
    out.displayName = jamf.fullName;
  } else {
    delete out.name;
  }

  if (!sameText(primaryValue(stored.emails), jamf.email)) {
    if (jamf.email === '') delete out.emails;
    else out.emails = [{ value: jamf.email, type: 'work', primary: true }];
  }
  if (primaryValue(stored.phoneNumbers) !== jamf.phoneNumber && !(primaryValue(stored.phoneNumbers) === undefined && jamf.phoneNumber === '')) {
    if (jamf.phoneNumber === '') delete out.phoneNumbers;
    else out.phoneNumbers = [{ value: jamf.phoneNumber, type: 'work', primary: true }];
  }
  if ((str(stored.title) ?? '') !== jamf.position) {
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
  const schemas = new Set<string>([USER_SCHEMA]);
  if (Array.isArray(attrs.schemas)) for (const s of attrs.schemas) if (typeof s === 'string') schemas.add(s);
  if (isObject(attrs[ENTERPRISE_SCHEMA])) schemas.add(ENTERPRISE_SCHEMA);
  return [...schemas];
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
  const attrs = mergeJamfFields(stored, jamf, record?.writtenFullName ?? null);
  const id = record?.scimId ?? String(jamf.id);
  const { schemas: _schemas, ...rest } = attrs;
  const resource: ScimObject = { schemas: schemasOf(attrs), id, ...rest, active: true };
  if (record?.externalId) resource.externalId = record.externalId;
  if (opts.withGroups) {
    resource.groups = jamf.groups
      .filter((g) => !g.isSmart)
      .map((g) => ({ value: String(g.id), display: g.name, $ref: `${ctx.baseUrl}/Groups/${g.id}`, type: 'direct' }));
  }
  resource.meta = meta(ctx, id, record);
  return resource;
}

/** A user that is not in Jamf: deactivated (or mid-lifecycle), read from its tombstone. */
export function userFromTombstone(record: UserRecord, ctx: ResourceContext, groupNames: ReadonlyMap<number, string>): ScimObject {
  const attrs = record.attributes;
  const { schemas: _schemas, ...rest } = attrs;
  const resource: ScimObject = { schemas: schemasOf(attrs), id: record.scimId, ...rest, userName: record.userName, active: false };
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
