/**
 * The API role privilege each call needs (jamf-pro-api.md §6): Classic `/users` and the Jamf Pro
 * API `/v1/users` need the User object privileges; Classic `/usergroups` the Static User Groups
 * ones, since this server only manages static groups.
 */
import type { HttpMethod } from './http-core.js';

export interface RequiredPrivilege {
  name: string;
  /** When the call may need another privilege instead, what to tell the administrator. */
  unless?: string;
}

const ACTION: Record<HttpMethod, string> = { GET: 'Read', POST: 'Create', PUT: 'Update', DELETE: 'Delete' };

const USERS = /^\/(JSSResource\/users|api\/v1\/users)(\/|$)/;
const GROUPS = /^\/JSSResource\/usergroups(\/|$)/;
const ONE_GROUP = /^\/JSSResource\/usergroups\/(id|name)\//;

/** undefined for calls no object privilege guards (the token and version routes). */
export function privilegeFor(method: HttpMethod, route: string): RequiredPrivilege | undefined {
  if (USERS.test(route)) return { name: `${ACTION[method]} User` };
  if (!GROUPS.test(route)) return undefined;
  const name = `${ACTION[method]} Static User Groups`;
  // Jamf picks the group privilege by the group's type (§6, [U]): a smart group read by id is
  // refused to a role made for static groups, which is no reason to add anything to it.
  return method === 'GET' && ONE_GROUP.test(route) ? { name, unless: 'unless that group is a smart group' } : { name };
}
