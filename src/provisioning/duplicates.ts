/**
 * Whether Jamf refused a name because it is taken. Decided by looking the name up, never by the
 * wording of Jamf's 409: it is not documented for users and user groups ("Error: Duplicate name"
 * is seen only for other object types, jamf-pro-api.md §11), and a 409 can also mean a site or
 * extension attribute that no longer exists. A lookup that fails throws: nothing is decided then.
 */
import { isJamfError, JamfDuplicateError } from '../jamf/errors.js';
import { nameKey } from './name-claims.js';
import type { JamfDirectory } from './ports.js';

/** `self`: the Jamf id of the user being renamed, which may hold the name in another case. */
export async function userNameTaken(jamf: Pick<JamfDirectory, 'getUserByName'>, err: unknown, name: string, self?: number): Promise<boolean> {
  if (err instanceof JamfDuplicateError) return true;
  if (!isJamfError(err, 'conflict')) return false;
  const holder = await jamf.getUserByName(name);
  return holder !== null && holder.id !== self;
}

/** Any group counts: Jamf also refuses a static group the name of a smart one. */
export async function groupNameTaken(jamf: Pick<JamfDirectory, 'listGroups'>, err: unknown, name: string, self?: number): Promise<boolean> {
  if (err instanceof JamfDuplicateError) return true;
  if (!isJamfError(err, 'conflict')) return false;
  const key = nameKey(name);
  return (await jamf.listGroups()).some((g) => nameKey(g.name) === key && g.id !== self);
}
