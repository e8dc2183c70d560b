/** SCIM PATCH (RFC 7644 §3.5.2) in the dialects Okta and Entra speak. */
export { opLabel, parsePatchBody } from './patch-body.js';
export type { PatchOpName, PatchOperation } from './patch-body.js';
export { parsePatchPath } from './patch-path.js';
export type { PatchPath } from './patch-path.js';
export { applyPreparedUserPatch, applyUserPatch, validateUserPatch } from './user-patch.js';
export type { PatchContext, PreparedUserPatch } from './user-patch.js';
export { reduceGroupPatch } from './group-patch.js';
export type { GroupPatchDelta } from './group-patch.js';
