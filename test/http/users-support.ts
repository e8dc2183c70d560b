import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { SimUser } from '../../src/simulator/index.js';
import type { TestServer } from '../helper.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export const patchBody = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

/** The create body Okta sends (idp-behaviour A1.1), password placeholder and empty groups included. */
export function oktaCreateBody(userName: string, given = 'Ada', family = 'Lovelace'): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: given, familyName: family },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `${given} ${family}`,
    locale: 'en-US',
    externalId: `00u${userName.length}okta`,
    groups: [],
    password: 'okta-placeholder-Pw1!',
    active: true,
  };
}

/** Creates a user through SCIM and returns its id; fails the test on anything but 201. */
export async function createUser(t: TestServer, body: Record<string, unknown>): Promise<string> {
  const res = await t.scim('POST', '/scim/v2/Users', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** The Jamf user with this username (case-insensitive, as Jamf matches), from the simulator. */
export function jamfUserByName(t: TestServer, name: string): SimUser | undefined {
  const lower = name.toLowerCase();
  return [...t.sim.state.users.values()].find((u) => u.name.toLowerCase() === lower);
}

export function jamfUsersNamed(t: TestServer, name: string): SimUser[] {
  const lower = name.toLowerCase();
  return [...t.sim.state.users.values()].filter((u) => u.name.toLowerCase() === lower);
}

/** Names of the static groups the Jamf user is a member of, sorted. */
export function staticGroupsOf(t: TestServer, jamfId: number | undefined): string[] {
  if (jamfId === undefined) return [];
  return [...t.sim.state.groups.values()]
    .filter((g) => !g.is_smart && g.memberIds.has(jamfId))
    .map((g) => g.name)
    .sort();
}

/** Every row of the state store's users table, read directly (the store API has no "list all"). */
export function storeUserRows(t: TestServer): Array<Record<string, unknown>> {
  const db = new Database(t.statePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM users ORDER BY scim_id').all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

/** Jamf users and groups plus the store's rows, to prove a refused request changed nothing. */
export function snapshot(t: TestServer): string {
  const users = [...t.sim.state.users.values()].sort((a, b) => a.id - b.id);
  const groups = [...t.sim.state.groups.values()]
    .sort((a, b) => a.id - b.id)
    .map((g) => ({ ...g, memberIds: [...g.memberIds].sort((a, b) => a - b) }));
  return JSON.stringify({ users, groups, store: storeUserRows(t) });
}

export function expectScimError(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, scimType?: string): void {
  expect(res.headers['content-type']).toBe(SCIM_CONTENT_TYPE);
  const body = res.json() as Record<string, unknown>;
  expect(res.statusCode, JSON.stringify(body)).toBe(status);
  expect(body.schemas).toEqual([ERROR_SCHEMA]);
  // RFC 7644 §3.12: status is a string.
  expect(body.status).toBe(String(status));
  expect(typeof body.detail).toBe('string');
  if (scimType !== undefined) expect(body.scimType).toBe(scimType);
}

export const q = (filter: string): string => encodeURIComponent(filter);
