/**
 * The SCIM 2.0 protocol layer (design §2): schemas, discovery documents, filters, PATCH
 * normalisation, list paging and projection, body parsing, and the one SCIM error type.
 * Pure protocol: it knows nothing of HTTP frameworks, Jamf or storage.
 */
export * from './urns.js';
export * from './errors.js';
export * from './types.js';
export * from './schemas.js';
export * from './discovery.js';
export * from './filter.js';
export * from './patch.js';
export * from './list.js';
export * from './projection.js';
export { parseUserBody, readManagerId, nameProblem, MAX_NAME_LENGTH } from './user-resource.js';
export { parseGroupBody } from './group-resource.js';
export { coerceBoolean } from './canonicalise.js';
export { resolveAttribute, canonicalPath } from './attributes.js';
export type { ResolvedAttribute } from './attributes.js';
export { isPlainObject, assertSafeJson, MAX_JSON_DEPTH } from './json.js';
export type { JsonObject } from './json.js';
export { isVersionable, resourceVersion, tagMatches, withVersion } from './etag.js';
