/**
 * ETags on the wire (RFC 7644 §3.14, RFC 7232): the `ETag` header and `meta.version` of every
 * resource response, 304 for a matching `If-None-Match`, 412 for a stale `If-Match`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimError, isVersionable, resourceVersion, tagMatches, withVersion, type ResourceTypeName } from '../scim/index.js';
import type { ScimObject } from '../provisioning/user-mapping.js';
import { Lru } from '../scim/lru.js';

function header(request: FastifyRequest, name: 'if-match' | 'if-none-match'): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Whether the request carries `If-Match` (then a write reads the resource first to compare). */
export const hasIfMatch = (request: FastifyRequest): boolean => header(request, 'if-match') !== undefined;

/**
 * Versions by the JSON text of the resource they were computed from. The text fixes the
 * version (it is a hash of that content, src/scim/etag.ts), so an entry can never be stale: a
 * resource that changed in any way an IdP sees has other text and misses. Serialising is a
 * fifth of computing a version, and IdPs read the same unchanged users over and over (Entra's
 * sync cycles, Okta's imports and its `userName eq` before each push).
 */
const versions = new Lru<string>(2000);
/** A bigger resource (a user in dozens of groups) is not kept: at most 2000 × 4 K characters. */
const MAX_REMEMBERED_TEXT = 4096;

/** `resourceVersion(resource)`, remembered (see `versions`). */
export function versionOf(resource: ScimObject): string {
  const text = JSON.stringify(resource);
  let version = versions.get(text);
  if (version === undefined) {
    version = resourceVersion(resource);
    if (text.length <= MAX_REMEMBERED_TEXT) versions.set(text, version);
  }
  return version;
}

/**
 * The resource with `meta.version` set, and its version. A resource a list left incomplete
 * (`complete` false, or see `isVersionable`) goes out without one rather than with a wrong one.
 */
export function versioned(resource: ScimObject, type: ResourceTypeName, complete = true): { resource: ScimObject; version?: string } {
  if (!complete || !isVersionable(resource, type)) return { resource };
  const version = versionOf(resource);
  return { resource: withVersion(resource, version), version };
}

/** 412 unless `If-Match` (when sent) names the version of `current` (RFC 7232 §3.1, §4.2). */
export function assertIfMatch(request: FastifyRequest, current: ScimObject): void {
  const wanted = header(request, 'if-match');
  if (wanted === undefined || tagMatches(wanted, versionOf(current))) return;
  // RFC 7644 §3.14: 412 Precondition Failed; Table 9 has no scimType for it.
  throw new ScimError(412, 'Failed to update: the resource changed since the version named in If-Match was read');
}

/**
 * Answers 304 with the ETag and no body when `If-None-Match` names `version` (RFC 7232 §3.2,
 * §4.1, weak comparison); returns whether it did.
 */
export function sentNotModified(request: FastifyRequest, reply: FastifyReply, version: string | undefined): boolean {
  const wanted = header(request, 'if-none-match');
  if (wanted === undefined || version === undefined || !tagMatches(wanted, version)) return false;
  reply.header('etag', version).code(304).send();
  return true;
}
