import { coreAttributes, isCoreSchemaUrn, knownExtension, resolveAttribute } from './attributes.js';
import { cloneJson, findKey, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import type { ResourceTypeName } from './schemas.js';

export interface ProjectionParameters {
  attributes?: readonly string[] | undefined;
  excludedAttributes?: readonly string[] | undefined;
}

/** Attribute names a response always carries (RFC 7643 §7 `returned: always`, §3.1 meta). */
const ALWAYS_RETURNED = new Set(['id', 'schemas']);

type Tree = Map<string, Tree | true>;

/**
 * Applies `attributes` / `excludedAttributes` (RFC 7644 §3.9) to a resource. Names are
 * case-insensitive and may be sub-attributes (`name.givenName`, `emails.value`) or
 * URN-qualified (`urn:…:enterprise:2.0:User:manager`, or the URN alone for the whole
 * extension). `id`, `schemas` and `meta.resourceType` are always returned; attributes
 * whose `returned` is "never" (password) never are. Unknown names select nothing.
 */
export function project(resource: JsonObject, parameters: ProjectionParameters, resourceType: ResourceTypeName): JsonObject {
  const { attributes, excludedAttributes } = parameters;
  let result: JsonObject;
  if (attributes && attributes.length > 0) {
    result = include(resource, buildTree(attributes, resource, resourceType));
    for (const key of ALWAYS_RETURNED) copyKey(resource, result, key);
    const meta = resource.meta;
    if (isPlainObject(meta) && meta.resourceType !== undefined) {
      const projected = isPlainObject(result.meta) ? result.meta : {};
      result.meta = { resourceType: meta.resourceType, ...projected };
    }
  } else {
    result = cloneJson(resource);
  }
  for (const path of pathsOf(excludedAttributes ?? [], resourceType)) {
    if (path.join('.').toLowerCase() !== 'meta.resourcetype') exclude(result, path, true);
  }
  removeNeverReturned(result, resourceType);
  return result;
}

/** Resource-object key paths for attribute names: `[urn, "manager"]`, `["name", "givenName"]`. */
function pathsOf(names: readonly string[], resourceType: ResourceTypeName): string[][] {
  return names.flatMap((name) => {
    const extension = knownExtension(resourceType, name);
    if (extension) return [[extension.id]];
    const resolved = resolveAttribute(name, resourceType, { allowUnknown: true });
    if (!resolved) return [];
    const path = resolved.extension === undefined ? [] : [resolved.extension];
    path.push(resolved.name);
    if (resolved.subName !== undefined) path.push(resolved.subName);
    return [path];
  });
}

function buildTree(names: readonly string[], resource: JsonObject, resourceType: ResourceTypeName): Tree {
  const tree: Tree = new Map();
  const paths = pathsOf(names, resourceType);
  // The core schema URN alone asks for every core attribute.
  if (names.some((name) => isCoreSchemaUrn(resourceType, name))) {
    for (const key of Object.keys(resource)) if (!/^urn:/i.test(key)) paths.push([key]);
  }
  for (const path of paths) {
    let node = tree;
    for (const [index, segment] of path.entries()) {
      const key = segment.toLowerCase();
      const existing = node.get(key);
      if (existing === true) break;
      if (index === path.length - 1) {
        node.set(key, true);
        break;
      }
      const child: Tree = existing ?? new Map();
      node.set(key, child);
      node = child;
    }
  }
  return tree;
}

function include(source: JsonObject, tree: Tree): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    const node = tree.get(key.toLowerCase());
    if (node === undefined) continue;
    if (node === true) {
      result[key] = cloneJson(value);
    } else if (Array.isArray(value)) {
      const items = value.filter(isPlainObject).map((item) => include(item, node)).filter((item) => Object.keys(item).length > 0);
      if (items.length > 0) result[key] = items;
    } else if (isPlainObject(value)) {
      const child = include(value, node);
      if (Object.keys(child).length > 0) result[key] = child;
    }
  }
  return result;
}

function copyKey(source: JsonObject, target: JsonObject, name: string): void {
  const key = findKey(source, name);
  if (key !== undefined) target[key] = cloneJson(source[key]);
}

function exclude(target: unknown, path: readonly string[], topLevel: boolean): void {
  if (Array.isArray(target)) {
    for (const item of target) exclude(item, path, false);
    return;
  }
  if (!isPlainObject(target) || path.length === 0) return;
  const [first, ...rest] = path as [string, ...string[]];
  const key = findKey(target, first);
  if (key === undefined) return;
  if (rest.length > 0) return exclude(target[key], rest, false);
  const lower = key.toLowerCase();
  if (topLevel && ALWAYS_RETURNED.has(lower)) return;
  const value = target[key];
  if (topLevel && lower === 'meta' && isPlainObject(value) && value.resourceType !== undefined) {
    target[key] = { resourceType: value.resourceType };
    return;
  }
  delete target[key];
}

function removeNeverReturned(resource: JsonObject, resourceType: ResourceTypeName): void {
  for (const definition of coreAttributes(resourceType)) {
    if (definition.returned === 'never') {
      const key = findKey(resource, definition.name);
      if (key !== undefined) delete resource[key];
    }
  }
}
