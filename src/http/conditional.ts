/**
 * ETags on the wire (RFC 7644 §3.14, RFC 7232): the `ETag` header and `meta.version` of every
 * resource response, 304 for a matching `If-None-Match`, 412 for a stale `If-Match`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimError, isVersionable, resourceVersion, tagMatches, withVersion, type ResourceTypeName } from '../scim/index.js';
import type { ScimObject } from '../provisioning/user-mapping.js';

function header(request: FastifyRequest, name: 'if-match' | 'if-none-match'): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Whether the request carries `If-Match` (then a write reads the resource first to compare). */
export const hasIfMatch = (request: FastifyRequest): boolean => header(request, 'if-match') !== undefined;

/**
 * The resource with `meta.version` set, and its version. A resource a list left incomplete
 * (`complete` false, or see `isVersionable`) goes out without one rather than with a wrong one.
 */
export function versioned(resource: ScimObject, type: ResourceTypeName, complete = true): { resource: ScimObject; version?: string } {
  if (!complete || !isVersionable(resource, type)) return { resource };
  const version = resourceVersion(resource);
  return { resource: withVersion(resource, version), version };
}

/** 412 unless `If-Match` (when sent) names the version of `current` (RFC 7232 §3.1, §4.2). */
export function assertIfMatch(request: FastifyRequest, current: ScimObject): void {
  const wanted = header(request, 'if-match');
  if (wanted === undefined || tagMatches(wanted, resourceVersion(current))) return;
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
