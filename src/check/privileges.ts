/**
 * The Jamf API role privileges this server needs (jamf-pro-api.md §6): users and static user
 * groups in full. The connection check tries each, the setup wizard grants them.
 */
export const SERVER_PRIVILEGES: readonly string[] = [
  'Create User',
  'Read User',
  'Update User',
  'Delete User',
  'Create Static User Groups',
  'Read Static User Groups',
  'Update Static User Groups',
  'Delete Static User Groups',
];

/** Optional: lets a request for a smart group's id be told apart without the group list. */
export const OPTIONAL_PRIVILEGES: readonly string[] = ['Read Smart User Groups'];
