export { createJamfClient, type JamfClient, type JamfClientOptions } from './client.js';
export { JamfError, JamfPrivilegeError, isJamfError, type JamfErrorKind } from './errors.js';
export type { CallEvent } from './http-core.js';
export type { MissingPrivilege } from './privilege-refusals.js';
export type * from './types.js';
