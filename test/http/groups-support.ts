import { expect } from 'vitest';
import type { TestServer } from '../helper.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
/** Entra adds this schema URN to every group it creates (idp-behaviour A2.1). */
export const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Jamf call keys as `sim.counters()` names them. */
export const JAMF = {
  listGroups: 'GET /JSSResource/usergroups',
  getGroup: 'GET /JSSResource/usergroups/id/:id',
  createGroup: 'POST /JSSResource/usergroups/id/:id',
  putGroup: 'PUT /JSSResource/usergroups/id/:id',
  deleteGroup: 'DELETE /JSSResource/usergroups/id/:id',
  getUser: 'GET /JSSResource/users/id/:id',
  postUser: 'POST /JSSResource/users/id/:id',
  deleteUser: 'DELETE /JSSResource/users/id/:id',
} as const;

export const patchBody = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

export const groupBody = (displayName: string, extra: Record<string, unknown> = {}) => ({ schemas: [GROUP_SCHEMA], displayName, ...extra });

/** A filter as an IdP URL-encodes it. */
export const q = (filter: string) => encodeURIComponent(filter);

/** Creates a user through SCIM (so the store knows it, as after a real IdP create); returns its id. */
export async function createUser(t: TestServer, userName: string): Promise<string> {
  const res = await t.scim('POST', '/scim/v2/Users', {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: userName.split('@')[0], familyName: 'Tester' },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

export async function createGroup(t: TestServer, displayName: string, memberIds: string[] = [], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.scim('POST', '/scim/v2/Groups', groupBody(displayName, { members: memberIds.map((value) => ({ value })), ...extra }));
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

export async function setActive(t: TestServer, userId: string, active: boolean): Promise<void> {
  const res = await t.scim('PATCH', `/scim/v2/Users/${userId}`, patchBody({ op: 'replace', value: { active } }));
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().active).toBe(active);
}

/** The Jamf group as an admin sees it in Jamf Pro: name and member usernames (sorted); undefined when gone. */
export function jamfGroup(t: TestServer, id: string | number): { name: string; isSmart: boolean; members: string[] } | undefined {
  const g = t.sim.state.groups.get(Number(id));
  if (!g) return undefined;
  const members = [...g.memberIds].map((m) => t.sim.state.users.get(m)?.name ?? `#${m}`).sort();
  return { name: g.name, isSmart: g.is_smart, members };
}

/** The Jamf id of the user with this username. */
export function jamfIdOf(t: TestServer, userName: string): number {
  const user = [...t.sim.state.users.values()].find((u) => u.name.toLowerCase() === userName.toLowerCase());
  if (!user) throw new Error(`no Jamf user ${userName}`);
  return user.id;
}

/** Every Jamf user and group, to prove a refused request changed nothing in Jamf. */
export function jamfSnapshot(t: TestServer): string {
  const groups = [...t.sim.state.groups.values()]
    .sort((a, b) => a.id - b.id)
    .map((g) => ({ ...g, memberIds: [...g.memberIds].sort((a, b) => a - b) }));
  const users = [...t.sim.state.users.values()].sort((a, b) => a.id - b.id);
  return JSON.stringify({ groups, users });
}

export function expectScimError(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, scimType?: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe(SCIM_CONTENT_TYPE);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body.schemas).toEqual([ERROR_SCHEMA]);
  expect(body.status).toBe(String(status));
  if (scimType === undefined) expect(body).not.toHaveProperty('scimType');
  else expect(body.scimType).toBe(scimType);
  return body;
}

/** 204 with no body: what both IdPs accept for a group PATCH (idp-behaviour A2.1). */
export function expectNoContent(res: { statusCode: number; body: string }): void {
  expect(res.statusCode, res.body).toBe(204);
  expect(res.body).toBe('');
}
