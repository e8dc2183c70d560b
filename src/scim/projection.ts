import { coreAttributes, isCoreSchemaUrn, knownExtension, resolveAttribute, splitUrnPath } from './attributes.js';
import { badRequest } from './errors.js';
import { compileValueFilter } from './filter-compile.js';
import { parseValueFilter } from './filter-parse.js';
import { cloneJson, findKey, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import type { ResourceTypeName } from './schemas.js';

export interface ProjectionParameters {
  attributes?: readonly string[] | undefined;
  excludedAttributes?: readonly string[] | undefined;
}

/** Attribute names a response always carries (RFC 7643 §7 `returned: always`, §3.1 meta). */
const ALWAYS_RETURNED = new Set(['id', 'schemas']);

/** `emails[type eq "work"]`, optionally followed by `.value` (RFC 7644 §3.10 valuePath). */
const VALUE_PATH = /^([^[\]]+)\[(.+)\](?:\.([A-Za-z$][\w$-]*))?$/s;

/** A value filter of a multi-valued attribute: which elements it selects, and which of their sub-attributes. */
interface ElementSelector {
  matches: (element: unknown) => boolean;
  /** Canonical sub-attribute name; undefined for the whole element. */
  subName?: string;
}

/** One attribute name resolved to resource-object keys, with the value filter of its last key. */
interface Selection {
  path: string[];
  selector?: ElementSelector;
}

/** What `attributes` keeps below a key: all of it, some keys, and elements picked by value filters. */
interface Node {
  all: boolean;
  children: Map<string, Node>;
  selectors: ElementSelector[];
}

const newNode = (): Node => ({ all: false, children: new Map(), selectors: [] });

/**
 * Applies `attributes` / `excludedAttributes` (RFC 7644 §3.9) to a resource. Names are
 * case-insensitive and may be sub-attributes (`name.givenName`, `emails.value`),
 * URN-qualified (`urn:…:enterprise:2.0:User:manager`, or the URN alone for the whole
 * extension), or value-filtered in the attribute notation of §3.10 (`emails[type eq "work"]`,
 * `emails[type eq "work"].value`): those select, or exclude, exactly the matching values. `id`,
 * `schemas` and `meta.resourceType` are always returned; attributes whose `returned` is "never"
 * (password) never are. Unknown names select nothing; a malformed value filter is 400
 * invalidFilter.
 */
export function project(resource: JsonObject, parameters: ProjectionParameters, resourceType: ResourceTypeName): JsonObject {
  const { attributes, excludedAttributes } = parameters;
  // Most requests name neither; then nothing is copied (a deep copy per user was a tenth of a
  // 100-user page). The result shares the resource's values, which the caller only serialises.
  if ((attributes === undefined || attributes.length === 0) && (excludedAttributes === undefined || excludedAttributes.length === 0)) {
    return withoutNeverReturned(resource, resourceType);
  }
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
  for (const selection of selectionsOf(excludedAttributes ?? [], resourceType)) {
    if (selection.path.join('.').toLowerCase() !== 'meta.resourcetype') exclude(result, selection, 0);
  }
  removeNeverReturned(result, resourceType);
  return result;
}

/** Resource-object key paths for attribute names: `[urn, "manager"]`, `["name", "givenName"]`. */
function selectionsOf(names: readonly string[], resourceType: ResourceTypeName): Selection[] {
  return names.flatMap((name) => {
    const extension = knownExtension(resourceType, name);
    if (extension) return [{ path: [extension.id] }];
    const filtered = valuePathSelection(name, resourceType);
    if (filtered !== null) return filtered === undefined ? [] : [filtered];
    const resolved = resolveAttribute(name, resourceType, { allowUnknown: true });
    if (!resolved) return [];
    const path = resolved.extension === undefined ? [] : [resolved.extension];
    path.push(resolved.name);
    if (resolved.subName !== undefined) path.push(resolved.subName);
    return [{ path }];
  });
}

/**
 * `emails[type eq "work"].value` as a selection; null when the name has no value filter,
 * undefined when it names an attribute this resource type does not know.
 */
function valuePathSelection(name: string, resourceType: ResourceTypeName): Selection | null | undefined {
  const { urn, rest } = splitUrnPath(name);
  const match = VALUE_PATH.exec(rest);
  if (!match) {
    if (/[[\]]/.test(rest)) throw badRequest('invalidFilter', `Invalid attribute ${JSON.stringify(name)}: unbalanced brackets.`);
    return null;
  }
  const [, attrName = '', filterText = '', subText] = match;
  const attribute = resolveAttribute(urn === undefined ? attrName : `${urn}:${attrName}`, resourceType);
  if (!attribute) return undefined;
  const { definition } = attribute;
  if (attribute.subName !== undefined || definition?.type !== 'complex' || !definition.multiValued) {
    throw badRequest('invalidFilter', `Invalid attribute ${JSON.stringify(name)}: only a multi-valued complex attribute takes a value filter.`);
  }
  const subAttributes = definition.subAttributes ?? [];
  const selector: ElementSelector = { matches: compileValueFilter(parseValueFilter(filterText, attribute), subAttributes) };
  if (subText !== undefined) {
    const sub = subAttributes.find((d) => d.name.toLowerCase() === subText.toLowerCase());
    if (!sub) return undefined;
    selector.subName = sub.name;
  }
  const path = attribute.extension === undefined ? [attribute.name] : [attribute.extension, attribute.name];
  return { path, selector };
}

function buildTree(names: readonly string[], resource: JsonObject, resourceType: ResourceTypeName): Node {
  const root = newNode();
  const selections = selectionsOf(names, resourceType);
  // The core schema URN alone asks for every core attribute.
  if (names.some((name) => isCoreSchemaUrn(resourceType, name))) {
    for (const key of Object.keys(resource)) if (!/^urn:/i.test(key)) selections.push({ path: [key] });
  }
  for (const { path, selector } of selections) {
    let node = root;
    for (const segment of path) {
      if (node.all) break;
      const key = segment.toLowerCase();
      const child = node.children.get(key) ?? newNode();
      node.children.set(key, child);
      node = child;
    }
    if (node.all) continue;
    if (selector) node.selectors.push(selector);
    else node.all = true;
  }
  return root;
}

function include(source: JsonObject, tree: Node): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    const node = tree.children.get(key.toLowerCase());
    if (node === undefined) continue;
    if (node.all) {
      result[key] = cloneJson(value);
    } else if (Array.isArray(value)) {
      const items = value.filter(isPlainObject).flatMap((item) => includeElement(item, node));
      if (items.length > 0) result[key] = items;
    } else if (isPlainObject(value)) {
      const child = include(value, node);
      if (Object.keys(child).length > 0) result[key] = child;
    }
  }
  return result;
}

/** An element of a multi-valued attribute: whole if a filter picks it whole, else the keys asked for. */
function includeElement(element: JsonObject, node: Node): JsonObject[] {
  const matching = node.selectors.filter((selector) => selector.matches(element));
  if (matching.some((selector) => selector.subName === undefined)) return [cloneJson(element)];
  const picked = include(element, node);
  for (const { subName } of matching) copyKey(element, picked, subName as string);
  return Object.keys(picked).length > 0 ? [picked] : [];
}

function copyKey(source: JsonObject, target: JsonObject, name: string): void {
  const key = findKey(source, name);
  if (key !== undefined) target[key] = cloneJson(source[key]);
}

function exclude(target: unknown, selection: Selection, depth: number): void {
  const { path, selector } = selection;
  if (Array.isArray(target)) {
    for (const item of target) exclude(item, selection, depth);
    return;
  }
  if (!isPlainObject(target) || depth >= path.length) return;
  const key = findKey(target, path[depth] as string);
  if (key === undefined) return;
  if (depth < path.length - 1) return exclude(target[key], selection, depth + 1);
  const lower = key.toLowerCase();
  if (depth === 0 && ALWAYS_RETURNED.has(lower)) return;
  const value = target[key];
  if (selector) return excludeElements(target, key, selector);
  if (depth === 0 && lower === 'meta' && isPlainObject(value) && value.resourceType !== undefined) {
    target[key] = { resourceType: value.resourceType };
    return;
  }
  delete target[key];
}

/** Drops the matching elements (or their sub-attribute); an attribute left with no value is unassigned (RFC 7643 §2.5). */
function excludeElements(target: JsonObject, key: string, selector: ElementSelector): void {
  const value = target[key];
  if (!Array.isArray(value)) return;
  const kept = value.flatMap((element) => {
    if (!selector.matches(element)) return [element];
    if (selector.subName === undefined || !isPlainObject(element)) return [];
    const sub = findKey(element, selector.subName);
    if (sub !== undefined) delete element[sub];
    return Object.keys(element).length > 0 ? [element] : [];
  });
  if (kept.length > 0) target[key] = kept;
  else delete target[key];
}

/** Lower-cased names of the attributes whose `returned` is "never", per resource type. */
const neverReturned = new Map<ResourceTypeName, ReadonlySet<string>>();

function neverReturnedNames(resourceType: ResourceTypeName): ReadonlySet<string> {
  let names = neverReturned.get(resourceType);
  if (names === undefined) {
    names = new Set(coreAttributes(resourceType).filter((d) => d.returned === 'never').map((d) => d.name.toLowerCase()));
    neverReturned.set(resourceType, names);
  }
  return names;
}

function removeNeverReturned(resource: JsonObject, resourceType: ResourceTypeName): void {
  const names = neverReturnedNames(resourceType);
  if (names.size === 0) return;
  for (const key of Object.keys(resource)) if (names.has(key.toLowerCase())) delete resource[key];
}

/**
 * Lengths of the never-returned names, so that most keys are ruled out without lower-casing
 * them. Lower-casing keeps the length of every key that can lower-case to an ASCII name.
 */
const neverReturnedLengths = new Map<ResourceTypeName, ReadonlySet<number>>();

/** The resource itself when it holds no never-returned attribute, else a shallow copy without them. */
function withoutNeverReturned(resource: JsonObject, resourceType: ResourceTypeName): JsonObject {
  const names = neverReturnedNames(resourceType);
  if (names.size === 0) return resource;
  let lengths = neverReturnedLengths.get(resourceType);
  if (lengths === undefined) {
    lengths = new Set([...names].map((n) => n.length));
    neverReturnedLengths.set(resourceType, lengths);
  }
  for (const key in resource) {
    if (!Object.hasOwn(resource, key) || !lengths.has(key.length)) continue;
    if (names.has(key.toLowerCase())) {
      const copy = { ...resource };
      removeNeverReturned(copy, resourceType);
      return copy;
    }
  }
  return resource;
}
