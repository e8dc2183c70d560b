import { badRequest } from './errors.js';

export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys that would reach Object.prototype when copied with bracket assignment. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deep enough for any SCIM document (the deepest, a PATCH value, is about 6 levels). */
export const MAX_JSON_DEPTH = 32;

/**
 * Rejects prototype-pollution keys and absurd nesting before any attribute is copied, so the
 * merging code further on (ours and scim-patch's `assign`) can index plain objects freely.
 */
export function assertSafeJson(value: unknown, maxDepth = MAX_JSON_DEPTH): void {
  // The path is kept as a stack and written out only for an error: building it for every
  // member was most of this walk's cost on each PATCH body.
  visitSafe(value, 1, maxDepth, []);
}

function visitSafe(node: unknown, depth: number, maxDepth: number, trail: Array<string | number>): void {
  if (typeof node !== 'object' || node === null) return;
  if (depth > maxDepth) throw badRequest('invalidSyntax', `Request body is nested deeper than ${maxDepth} levels.`);
  if (Array.isArray(node)) {
    for (let index = 0; index < node.length; index++) {
      trail.push(index);
      visitSafe(node[index], depth + 1, maxDepth, trail);
      trail.pop();
    }
    return;
  }
  for (const key of Object.keys(node)) {
    if (FORBIDDEN_KEYS.has(key)) {
      const path = trailText(trail);
      throw badRequest('invalidSyntax', `Attribute name "${key}" is not allowed${path ? ` (in ${path})` : ''}.`);
    }
    trail.push(key);
    visitSafe((node as JsonObject)[key], depth + 1, maxDepth, trail);
    trail.pop();
  }
}

/** `emails[0].value` */
function trailText(trail: ReadonlyArray<string | number>): string {
  let path = '';
  for (const step of trail) path = typeof step === 'number' ? `${path}[${step}]` : path ? `${path}.${step}` : step;
  return path;
}

/** The actual key of `object` matching `name` case-insensitively (RFC 7643 §2.1). */
export function findKey(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

export function getCaseInsensitive(object: JsonObject, name: string): unknown {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

/** Deletes every key matching `name` case-insensitively, so a canonical key can replace it. */
export function deleteCaseInsensitive(object: JsonObject, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === lower) delete object[key];
  }
}

/**
 * A deep copy of a JSON value (objects, arrays, primitives). A plain walk, not structuredClone:
 * that serialises through V8's value serializer and cost ~20% of a 100-user list response.
 * Keys are defined, not assigned, so a `__proto__` key stays an own property.
 */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => cloneJson(item)) as T;
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) {
    const item = cloneJson((value as JsonObject)[key]);
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, writable: true, enumerable: true, configurable: true });
    else copy[key] = item;
  }
  return copy as T;
}

/** Freezes a JSON value and everything in it, so a value shared through a cache cannot be changed. */
export function deepFreezeJson<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreezeJson(child);
    Object.freeze(value);
  }
  return value;
}
