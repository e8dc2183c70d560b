/**
 * Applies one normalised PATCH step (user-patch.ts) to a SCIM user: value paths that create the
 * element they filter for, sub-attributes of every element, removal of matching elements, and the
 * rest through scim-patch (RFC 7644 §3.5.2).
 */
import { scimPatch, ScimError as PatchLibraryError } from 'scim-patch';
import type { ScimPatchOperation, ScimResource } from 'scim-patch';
import type { Filter } from 'scim2-parse-filter';
import { canonicalPath } from './attributes.js';
import type { ResolvedAttribute } from './attributes.js';
import { badRequest, isScimType } from './errors.js';
import { compileValueFilter } from './filter-compile.js';
import { findKey, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import type { PatchPath } from './patch-path.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from './urns.js';
import { resourceSchemas } from './user-resource.js';
import type { ManagerValue } from './user-resource.js';

/** One normalised change: a single attribute, canonical path, canonical value. */
export type Step =
  | { kind: 'set'; label: string; op: 'add' | 'replace'; target: PatchPath; value: unknown }
  | { kind: 'remove'; label: string; target: PatchPath; value?: unknown }
  | { kind: 'manager'; label: string; manager: ManagerValue | undefined }
  | { kind: 'managerSub'; label: string; sub: '$ref' | 'displayName'; value: string | undefined }
  | { kind: 'dropExtension'; label: string; urn: string };

export type SetOrRemove = Extract<Step, { kind: 'set' | 'remove' }>;


export function applyStep(resource: JsonObject, step: Step): void {
  if (step.kind === 'dropExtension') {
    deleteKey(resource, step.urn);
    return;
  }
  if (step.kind === 'manager' || step.kind === 'managerSub') return applyManager(resource, step);
  const { attribute, valueFilter } = step.target;
  const parent = container(resource, attribute.extension, step.kind === 'set');
  if (!parent) return;
  adoptKey(parent, attribute.name);
  if (valueFilter) return applyValuePath(parent, step, valueFilter);
  if (attribute.subName !== undefined && attribute.definition?.multiValued) return applyToEveryElement(parent, step);
  if (step.kind === 'remove' && step.value !== undefined && Array.isArray(parent[attribute.name])) {
    return removeMatchingElements(parent, attribute.name, step.value);
  }
  if (step.kind === 'set' && isPlainAssignment(parent, step)) {
    parent[attribute.name] = step.value;
    return;
  }
  applyWithScimPatch(resource, step);
}

/**
 * A core attribute without sub-attribute, holding no object or array, set to a simple value:
 * scim-patch assigns it (its addOrReplaceAttribute returns the new value for both add and
 * replace), so it is assigned here without the library's path parsing and navigation. That is
 * the `replace title` / `replace active` an IdP sends most.
 */
function isPlainAssignment(parent: JsonObject, step: Extract<Step, { kind: 'set' }>): boolean {
  const { attribute } = step.target;
  if (attribute.extension !== undefined || attribute.subName !== undefined) return false;
  if (typeof step.value === 'object' || step.value === undefined) return false;
  const current = parent[attribute.name];
  return current === undefined || current === null || typeof current !== 'object';
}

/**
 * RFC 7644 §3.5.2.1/§3.5.2.3: add and replace of a complex attribute leave the sub-attributes
 * not sent unchanged, which holds while the manager stays the same. A new manager id starts a
 * new manager: the old `$ref` and `displayName` described someone else.
 */
function applyManager(resource: JsonObject, step: Extract<Step, { kind: 'manager' | 'managerSub' }>): void {
  const setting = step.kind === 'manager' ? step.manager !== undefined : false;
  const extension = container(resource, ENTERPRISE_USER_SCHEMA, setting);
  if (!extension) return;
  adoptKey(extension, 'manager');
  const existing = isPlainObject(extension.manager) ? extension.manager : undefined;
  if (step.kind === 'manager') {
    if (step.manager === undefined) delete extension.manager;
    else if (existing?.value === step.manager.value) extension.manager = { ...existing, ...step.manager };
    else extension.manager = { ...step.manager };
    return;
  }
  // A `$ref` or `displayName` alone names no manager; it changes only an existing one.
  if (!existing) return;
  if (step.value === undefined) delete existing[step.sub];
  else existing[step.sub] = step.value;
}

/** The object holding the attribute: the resource, or its extension object by URN. */
function container(resource: JsonObject, extension: string | undefined, create: boolean): JsonObject | undefined {
  if (extension === undefined) return resource;
  adoptKey(resource, extension);
  const existing = resource[extension];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;
  const created: JsonObject = {};
  resource[extension] = created;
  return created;
}

/** Renames a key stored in another casing to its canonical name, so one key remains. */
function adoptKey(object: JsonObject, name: string): void {
  const key = findKey(object, name);
  if (key !== undefined && key !== name) {
    object[name] = object[key];
    delete object[key];
  }
}

/**
 * Plain attribute paths (`title`, `name.givenName`, `emails`, `urn:…:employeeNumber`) are
 * applied by scim-patch; its set, merge (RFC 7644 §3.5.2.1 for complex values), de-duplicating
 * append and remove are what the RFC asks for there.
 */
function applyWithScimPatch(resource: JsonObject, step: SetOrRemove): void {
  const path = canonicalPath(step.target.attribute);
  const operation: ScimPatchOperation =
    step.kind === 'remove' ? { op: 'remove', path } : { op: step.op, path, value: step.value };
  try {
    scimPatch(resource as unknown as ScimResource, [operation], { mutateDocument: true, treatMissingAsAdd: true });
  } catch (error) {
    if (error instanceof PatchLibraryError) {
      const scimType = isScimType(error.scimCode) ? error.scimCode : 'invalidValue';
      throw badRequest(scimType, `${step.label}: ${error.message}`);
    }
    throw error;
  }
}

/** `emails.value` without a filter addresses every element (RFC 7644 §3.5.2). */
function applyToEveryElement(parent: JsonObject, step: SetOrRemove): void {
  const { name, subName } = step.target.attribute as Required<Pick<ResolvedAttribute, 'name' | 'subName'>>;
  const elements = Array.isArray(parent[name]) ? (parent[name] as unknown[]).filter(isPlainObject) : [];
  if (step.kind === 'remove') {
    if (subName === 'value') delete parent[name];
    else for (const element of elements) deleteKey(element, subName);
    return;
  }
  if (elements.length === 0) parent[name] = [{ [subName]: step.value }];
  else for (const element of elements) setKey(element, subName, step.value);
}

/**
 * Value paths (`emails[type eq "work"].value`) are applied here, with the same matching
 * rules as filters (case-insensitive `type`, "True" booleans), which scim-patch lacks.
 * RFC 7644 §3.5.2.3 makes a replace with no matching element a noTarget error; Entra relies
 * on such an add or replace creating the element instead (idp-behaviour A2.2), which is done
 * whenever the filter is a conjunction of `eq` terms that can seed the new element.
 */
function applyValuePath(parent: JsonObject, step: SetOrRemove, filter: Filter): void {
  const { attribute, filterSubName } = step.target;
  const name = attribute.name;
  const elements = Array.isArray(parent[name]) ? (parent[name] as unknown[]) : [];
  const matches = compileValueFilter(filter, attribute.definition?.subAttributes ?? []);
  const matching = elements.filter((element) => isPlainObject(element) && matches(element)) as JsonObject[];

  if (step.kind === 'remove') {
    // An element without its `value` carries nothing, so removing (or clearing) the value
    // removes the element.
    if (filterSubName === undefined || filterSubName === 'value') {
      setElements(parent, name, elements.filter((element) => !matching.includes(element as JsonObject)));
    } else {
      for (const element of matching) deleteKey(element, filterSubName);
    }
    return;
  }

  if (matching.length === 0) {
    const seed = equalitySeed(filter);
    if (!seed) {
      throw badRequest('noTarget', `${step.label}: no value of "${name}" matches the filter, and none can be created from it.`);
    }
    const created = filterSubName ? { ...seed, [filterSubName]: step.value } : { ...seed, ...(step.value as JsonObject) };
    parent[name] = [...elements, created];
    return;
  }
  for (const element of matching) {
    if (filterSubName) {
      setKey(element, filterSubName, step.value);
    } else if (step.op === 'add') {
      for (const [key, value] of Object.entries(step.value as JsonObject)) setKey(element, key, value);
    } else {
      const seed = equalitySeed(filter) ?? {};
      for (const key of Object.keys(element)) delete element[key];
      Object.assign(element, seed, step.value);
    }
  }
}

/** `type eq "work" and primary eq true` → `{ type: "work", primary: true }`; else undefined. */
export function equalitySeed(filter: Filter): JsonObject | undefined {
  if (filter.op === 'eq' && filter.compValue !== null) return { [filter.attrPath]: filter.compValue };
  if (filter.op === 'and') {
    const seed: JsonObject = {};
    for (const part of filter.filters) {
      const partSeed = equalitySeed(part);
      if (!partSeed) return undefined;
      Object.assign(seed, partSeed);
    }
    return seed;
  }
  return undefined;
}

/**
 * `remove` with a value on a multi-valued attribute removes the elements that match every
 * sub-attribute given (Entra removes items this way; scim-patch would need exact equality).
 */
function removeMatchingElements(parent: JsonObject, name: string, value: unknown): void {
  const wanted = (Array.isArray(value) ? value : [value]).map((item) => (isPlainObject(item) ? item : { value: item }));
  const elements = parent[name] as unknown[];
  const keep = elements.filter(
    (element) =>
      !isPlainObject(element) ||
      !wanted.some((item) =>
        Object.entries(item).every(([key, expected]) => expected === null || element[findKey(element, key) ?? key] === expected),
      ),
  );
  setElements(parent, name, keep);
}

function setElements(parent: JsonObject, name: string, elements: unknown[]): void {
  // RFC 7644 §3.5.2.2: a multi-valued attribute left without values is unassigned.
  if (elements.length === 0) delete parent[name];
  else parent[name] = elements;
}

function setKey(object: JsonObject, name: string, value: unknown): void {
  adoptKey(object, name);
  object[name] = value;
}

function deleteKey(object: JsonObject, name: string): void {
  const key = findKey(object, name);
  if (key !== undefined) delete object[key];
}

/**
 * Drops what the operations left empty (`name: {}`, `emails: []`, an empty extension) and
 * brings `schemas` in line with the extensions that still carry data (RFC 7643 §3).
 */
export function tidy(resource: JsonObject): void {
  for (const [key, value] of Object.entries(resource)) {
    if (isPlainObject(value) && key !== 'meta') {
      for (const [subKey, subValue] of Object.entries(value)) if (isEmpty(subValue)) delete value[subKey];
    }
    if (isEmpty(value)) delete resource[key];
  }
  resource.schemas = resourceSchemas(resource.schemas, USER_SCHEMA, resource);
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}
