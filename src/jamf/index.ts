export { createJamfClient, type JamfClient, type JamfClientOptions } from './client.js';
export { JamfError, isJamfError, type JamfErrorKind } from './errors.js';
export type { CallEvent } from './http-core.js';
export type * from './types.js';
