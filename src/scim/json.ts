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
  const visit = (node: unknown, depth: number, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    if (depth > maxDepth) throw badRequest('invalidSyntax', `Request body is nested deeper than ${maxDepth} levels.`);
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, depth + 1, `${path}[${index}]`));
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw badRequest('invalidSyntax', `Attribute name "${key}" is not allowed${path ? ` (in ${path})` : ''}.`);
      }
      visit(child, depth + 1, path ? `${path}.${key}` : key);
    }
  };
  visit(value, 1, '');
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
