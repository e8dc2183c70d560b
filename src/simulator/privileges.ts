import { SimError, type ApiKind } from './errors.js';
import type { TokenGrant } from './tokens.js';
import { SERVER_PRIVILEGES } from '../check/privileges.js';

/** API-role privilege names (jamf-pro-api.md §6). */
export const PRIVILEGES = {
  createUser: 'Create User',
  readUser: 'Read User',
  updateUser: 'Update User',
  deleteUser: 'Delete User',
} as const;

export type GroupAction = 'Create' | 'Read' | 'Update' | 'Delete';

/** Classic `/usergroups` needs the Static or Smart privilege depending on the group's type (§6, [U]). */
export function groupPrivilege(action: GroupAction, isSmart: boolean): string {
  return `${action} ${isSmart ? 'Smart' : 'Static'} User Groups`;
}

/** What the simulated API client holds by default: exactly what a SCIM server needs (§6). */
export const DEFAULT_PRIVILEGES = [...SERVER_PRIVILEGES];

/**
 * Missing privilege. Classic: 401 status page whose message is not `INVALID_TOKEN`, which is how
 * ruby-jss tells "not authorized" from an expired token (§2.10, [U]). Jamf Pro API: 403 ApiError.
 */
export function notAuthorized(api: ApiKind): SimError {
  return api === 'classic'
    ? new SimError(401, 'The authentication provided is not authorized')
    : new SimError(403, 'Forbidden', { code: 'INVALID_PRIVILEGE' });
}

/**
 * Client-credential tokens carry the configured privileges; user (Basic-derived) tokens act as the
 * admin account (full access unless `accountPrivileges` limits it), since the privilege knob
 * describes the API client.
 */
export function hasPrivilege(grant: TokenGrant | undefined, privileges: readonly string[], ...anyOf: string[]): boolean {
  // Clients made through /api/v1/api-integrations hold their roles' privileges; a user token, its
  // account's (the `accountPrivileges` knob).
  const own = grant?.privileges?.();
  if (own) return anyOf.some((p) => own.includes(p));
  if (grant?.kind === 'user') return true;
  return anyOf.some((p) => privileges.includes(p));
}
