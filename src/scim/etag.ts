/**
 * Resource versions (RFC 7644 §3.14) and the conditional headers of RFC 7232 §3.1–3.2.
 *
 * The version is a hash of what the resource shows, so it moves with any change, also one an
 * administrator makes in Jamf Pro (Jamf keeps no revision counter or timestamp to use instead).
 * It is computed from the complete representation, before `attributes`/`excludedAttributes`,
 * so a projection never changes it. Tags are weak (`W/"…"`): the version names the resource's
 * content, not a byte-exact body (RFC 7232 §2.1; RFC 7644 §3.14 shows weak tags).
 */
import { hash } from 'node:crypto';
import type { ResourceTypeName } from './schemas.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The part of a resource its version covers. Left out: `meta.version` itself, and `meta.location`
 * and `$ref`, which name the URL the server was reached at rather than the resource's state. A
 * deactivated user's groups count by id only: its tombstone knows no group names, and reading
 * them would cost a Jamf call on every PUT/PATCH of an inactive user.
 */
function basis(value: unknown, inactiveUser: boolean, depth: number): unknown {
  if (Array.isArray(value)) {
    // Multi-valued attributes are unordered (RFC 7643 §2.4): Jamf's order must not move the version.
    return value.map((v) => JSON.stringify(basis(v, inactiveUser, depth + 1))).sort();
  }
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const key of Object.keys(value).sort()) {
    if (key === '$ref') continue;
    let v = value[key];
    if (depth === 0 && key === 'meta' && isObject(v)) {
      const { version: _version, location: _location, ...meta } = v;
      v = meta;
    }
    if (depth === 0 && key === 'groups' && inactiveUser && Array.isArray(v)) {
      v = v.map((g) => (isObject(g) ? { value: g.value } : g));
    }
    out[key] = basis(v, inactiveUser, depth + 1);
  }
  return out;
}

/**
 * Whether a user resource is complete enough to be versioned: an active user listed from Jamf's
 * paged Users API has no `groups`, and its hash would not be the user's version. (A group is
 * incomplete only when the client excluded `members`, which the caller knows.)
 */
export function isVersionable(resource: Json, type: ResourceTypeName): boolean {
  return type === 'Group' || resource.active === false || Array.isArray(resource.groups);
}

/** The weak entity tag of a resource (the value of `meta.version` and of `ETag`). */
export function resourceVersion(resource: Json): string {
  const inactiveUser = resource.active === false;
  // The first 18 bytes of the digest are its first 24 base64url characters. The one-shot `hash`
  // costs a third of a Hash object's create/update/digest on these short inputs.
  return `W/"${hash('sha256', JSON.stringify(basis(resource, inactiveUser, 0)), 'base64url').slice(0, 24)}"`;
}

/** A copy of `resource` with `meta.version` set. */
export function withVersion(resource: Json, version: string): Json {
  const meta = isObject(resource.meta) ? resource.meta : {};
  return { ...resource, meta: { ...meta, version } };
}

/** The opaque part of an entity tag, for weak comparison (RFC 7232 §2.3.2). */
function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/**
 * Whether an `If-Match` / `If-None-Match` value names `version`: `*` names any existing
 * resource (RFC 7232 §3.1, §3.2). Both headers are compared weakly. For If-Match that is wider
 * than RFC 7232's strong comparison, but the only tags this server hands out are weak
 * (RFC 7644 §3.14), so a strong comparison could never succeed.
 */
export function tagMatches(header: string, version: string): boolean {
  if (header.trim() === '*') return true;
  const wanted = opaque(version);
  const tags = header.match(/(?:W\/)?"[^"]*"/g) ?? [];
  return tags.some((t) => opaque(t) === wanted);
}
