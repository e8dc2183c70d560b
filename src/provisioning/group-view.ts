import type { JamfGroup } from '../jamf/types.js';
import type { GroupRecord, StateStore } from './ports.js';
import type { ScimObject } from './user-mapping.js';
import type { ResourceContext } from './user-view.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * A member as RFC 7643 §4.2 defines it: `value` and `$ref` name the user, `display` is the
 * userName the server holds for it. A Jamf static user group holds only users, so `type` is
 * always known to be "User" (members of another type are refused on write).
 */
export function memberRef(value: string, display: string | undefined, ctx: ResourceContext): ScimObject {
  const ref: ScimObject = { value };
  if (display !== undefined) ref.display = display;
  ref.$ref = `${ctx.baseUrl}/Users/${encodeURIComponent(value)}`;
  ref.type = 'User';
  return ref;
}

/** A Jamf group's members as SCIM user ids, deactivated members (tombstones) included. */
export async function groupMembers(store: StateStore, group: JamfGroup, ctx: ResourceContext): Promise<ScimObject[]> {
  const rows = await store.getUsersByJamfIds(group.members.map((m) => m.id));
  const out = new Map<string, ScimObject>();
  for (const m of group.members) {
    const value = rows.get(m.id)?.scimId ?? String(m.id);
    out.set(value, memberRef(value, m.username, ctx));
  }
  // Deactivated members are still members to the IdP; they return to the Jamf group on reactivation.
  // A user mid-(de)activation can be in both lists; it is listed once.
  for (const t of await store.tombstonesInGroup(group.id)) {
    if (!out.has(t.scimId)) out.set(t.scimId, memberRef(t.scimId, t.userName, ctx));
  }
  return [...out.values()];
}

export function groupResource(
  group: { id: number; name: string },
  record: GroupRecord | undefined,
  ctx: ResourceContext,
  memberList: ScimObject[] | undefined,
): ScimObject {
  const id = String(group.id);
  const resource: ScimObject = { schemas: [GROUP_SCHEMA], id, displayName: group.name };
  if (record?.externalId) resource.externalId = record.externalId;
  // A group without members has `members` unassigned, so it is omitted (RFC 7643 §2.5).
  if (memberList !== undefined && memberList.length > 0) resource.members = memberList;
  const meta: ScimObject = { resourceType: 'Group', location: `${ctx.baseUrl}/Groups/${id}` };
  if (record) {
    meta.created = record.created;
    meta.lastModified = record.lastModified;
  }
  resource.meta = meta;
  return resource;
}
