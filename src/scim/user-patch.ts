import { scimPatch, ScimError as PatchLibraryError } from 'scim-patch';
import type { ScimPatchOperation, ScimResource } from 'scim-patch';
import type { Filter } from 'scim2-parse-filter';
import { canonicalPath, isCoreSchemaUrn, knownExtension, resolveAttribute } from './attributes.js';
import type { ResolvedAttribute } from './attributes.js';
import { canonicaliseValue, coerceBoolean, stripNulls, typeProblem } from './canonicalise.js';
import { badRequest, isScimType } from './errors.js';
import { compileValueFilter } from './filter-compile.js';
import { cloneJson, findKey, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import { opLabel, parsePatchBody } from './patch-body.js';
import type { PatchOperation } from './patch-body.js';
import { parsePatchPath } from './patch-path.js';
import type { PatchPath } from './patch-path.js';
import type { AttributeDefinition } from './schemas.js';
import type { ScimUser } from './types.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from './urns.js';
import { nameProblem, readManagerId, resourceSchemas } from './user-resource.js';

export interface PatchContext {
  /** The id of the resource being patched; `id` values equal to it are ignored (Okta). */
  resourceId?: string;
}

/** One normalised change: a single attribute, canonical path, canonical value. */
type Step =
  | { kind: 'set'; label: string; op: 'add' | 'replace'; target: PatchPath; value: unknown }
  | { kind: 'remove'; label: string; target: PatchPath; value?: unknown }
  | { kind: 'manager'; label: string; id: string | undefined }
  | { kind: 'dropExtension'; label: string; urn: string };

type SetOrRemove = Extract<Step, { kind: 'set' | 'remove' }>;

/** Server-owned or never-stored attributes: operations on them are dropped (Okta sends them). */
const IGNORED_PATHS = new Set(['meta', 'groups', 'password', 'schemas']);

/**
 * Applies a PATCH /Users body (RFC 7644 §3.5.2) to a SCIM user and returns the new user; the
 * input is not modified, and any failing operation fails the whole request (all-or-nothing).
 *
 * Before applying, each operation is normalised from the Okta and Entra dialects
 * (idp-behaviour A1.1, A2.2, A3.3): op names in any case; no-path values with plain, dotted
 * and URN-qualified keys split into one operation per attribute; "True"/"False" booleans;
 * `manager` in its three forms stored as `{ value }` under the enterprise URN; `null` and ""
 * clear an attribute; value paths such as `emails[type eq "work"].value` create the element
 * when it is missing; `id` equal to the resource id, `meta`, `groups` and `password` ignored.
 * Errors are 400 with a detail naming the operation ("Operations[2]: …").
 */
export function applyUserPatch(resource: JsonObject, body: unknown, context: PatchContext = {}): ScimUser {
  const operations = parsePatchBody(body);
  const resourceId = context.resourceId ?? (typeof resource.id === 'string' ? resource.id : undefined);
  const result = cloneJson(resource);
  for (const operation of operations) {
    for (const step of normaliseOperation(operation, resourceId)) applyStep(result, step);
  }
  tidy(result);
  return result as ScimUser;
}

/**
 * Checks a PATCH /Users body without a resource: syntax, paths, values and read-only
 * attributes. Only failures that depend on the current resource (a value filter that matches
 * nothing and cannot create an element) are left for `applyUserPatch`.
 */
export function validateUserPatch(body: unknown, context: PatchContext = {}): void {
  for (const operation of parsePatchBody(body)) normaliseOperation(operation, context.resourceId);
}

function normaliseOperation(operation: PatchOperation, resourceId: string | undefined): Step[] {
  const label = opLabel(operation.index);
  const expand = (value: JsonObject): Step[] =>
    expandNoPath(value, '').flatMap(([path, child]) =>
      pathSteps({ ...operation, path, value: child, hasValue: true }, label, resourceId),
    );
  if (operation.path === undefined) {
    if (operation.op === 'remove') throw badRequest('noTarget', `${label}: "remove" requires a path.`);
    if (!isPlainObject(operation.value)) {
      throw badRequest('invalidValue', `${label}: without a path, the value must be an object of attributes.`);
    }
    return expand(operation.value);
  }
  // A path naming a whole schema (`urn:…:enterprise:2.0:User`) addresses all of its attributes.
  const extension = knownExtension('User', operation.path);
  if (extension || isCoreSchemaUrn('User', operation.path)) {
    if (operation.op === 'remove') {
      if (!extension) throw badRequest('mutability', `${label}: the core schema cannot be removed.`);
      return [{ kind: 'dropExtension', label, urn: extension.id }];
    }
    if (!isPlainObject(operation.value)) throw badRequest('invalidValue', `${label}: the value must be an object.`);
    return expand({ [operation.path]: operation.value });
  }
  return pathSteps(operation, label, resourceId);
}

/**
 * RFC 7644 §3.5.2.1/§3.5.2.3 without a path: each key of the value is an attribute. Entra's
 * `aadOptscim062020` form mixes plain (`displayName`), dotted (`name.givenName`) and
 * URN-qualified (`urn:…:enterprise:2.0:User:employeeNumber`) keys in one object; a schema
 * URN key holding an object (`{"urn:…:enterprise:2.0:User": {…}}`) holds that schema's
 * attributes, as in a resource (RFC 7643 §3.3).
 */
function expandNoPath(value: JsonObject, prefix: string): Array<[string, unknown]> {
  const entries: Array<[string, unknown]> = [];
  for (const [key, child] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas') continue;
    if (isPlainObject(child) && isSchemaKey(key)) {
      const urn = knownExtension('User', key)?.id ?? key;
      entries.push(...expandNoPath(child, isCoreSchemaUrn('User', key) ? '' : `${urn}:`));
    } else {
      entries.push([`${prefix}${key}`, child]);
    }
  }
  return entries;
}

/** A URN key that names a schema rather than a URN-qualified attribute of a known schema. */
function isSchemaKey(key: string): boolean {
  if (!/^urn:/i.test(key)) return false;
  if (isCoreSchemaUrn('User', key) || knownExtension('User', key)) return true;
  return resolveAttribute(key, 'User') === undefined;
}

function pathSteps(operation: PatchOperation, label: string, resourceId: string | undefined): Step[] {
  const path = operation.path as string;
  const target = parsePatchPath(path, 'User', label);
  const { attribute } = target;
  const isCore = attribute.extension === undefined;
  const lowerName = attribute.name.toLowerCase();

  if (isCore && IGNORED_PATHS.has(lowerName)) return [];
  if (isCore && lowerName === 'id') {
    if (operation.op !== 'remove' && (resourceId === undefined || String(operation.value) === resourceId)) return [];
    throw badRequest('mutability', `${label}: "id" is read-only.`);
  }
  if (attribute.extension === ENTERPRISE_USER_SCHEMA && attribute.name === 'manager') {
    return managerSteps(operation, target, label);
  }
  if (isCore && lowerName === 'username') {
    if (operation.op === 'remove') throw badRequest('mutability', `${label}: "userName" is required and cannot be removed.`);
    const problem = nameProblem(operation.value);
    if (problem) throw badRequest('invalidValue', `${label}: userName ${problem}.`);
  }
  if (isCore && lowerName === 'active') {
    if (operation.op === 'remove') {
      throw badRequest('invalidValue', `${label}: "active" cannot be removed; set it to false to deactivate.`);
    }
    // Entra's default mapping sends "True"/"False" (idp-behaviour A2.2).
    const active = coerceBoolean(operation.value);
    if (typeof active !== 'boolean') throw badRequest('invalidValue', `${label}: active must be a boolean.`);
    return [{ kind: 'set', label, op: operation.op as 'add' | 'replace', target, value: active }];
  }

  if (operation.op === 'remove') {
    const step: Step = { kind: 'remove', label, target };
    if (operation.value !== undefined && operation.value !== null) step.value = operation.value;
    return [step];
  }
  // Entra's "null update": null or "" clears an optional attribute (idp-behaviour A2.5).
  if (isCleared(operation.value)) return [{ kind: 'remove', label, target }];
  const definition = targetDefinition(target);
  const value = canonicaliseValue(definition, operation.value) ?? stripNulls(operation.value);
  const problem = typeProblem(definition, value);
  if (problem) throw badRequest('invalidValue', `${label}: ${pathLabel(target)} ${problem}.`);
  if (Array.isArray(value) && value.length === 0) {
    // Replacing a multi-valued attribute with [] empties it; adding nothing changes nothing.
    return operation.op === 'replace' ? [{ kind: 'remove', label, target }] : [];
  }
  return [{ kind: 'set', label, op: operation.op as 'add' | 'replace', target, value }];
}

function isCleared(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

function pathLabel(target: PatchPath): string {
  const base = canonicalPath(target.attribute);
  return target.filterSubName ? `${base}[…].${target.filterSubName}` : base;
}

/** The definition the value of an operation must match. */
function targetDefinition(target: PatchPath): AttributeDefinition | undefined {
  const { attribute, valueFilter, filterSubName } = target;
  if (valueFilter) {
    if (filterSubName) return attribute.definition?.subAttributes?.find((sub) => sub.name === filterSubName);
    return attribute.definition ? { ...attribute.definition, multiValued: false } : undefined;
  }
  if (attribute.subName !== undefined) return attribute.subDefinition;
  return attribute.definition;
}

/**
 * Entra sets the manager in three forms (idp-behaviour A2.2): path `manager` with
 * `[{"$ref":…,"value":id}]`, the URN path with `{"value":id}`, or a bare id. All become
 * `{ value: id }`; `$ref` and `displayName` are derived by the server, so setting them alone
 * is ignored.
 */
function managerSteps(operation: PatchOperation, target: PatchPath, label: string): Step[] {
  if (operation.op === 'remove') return [{ kind: 'manager', label, id: undefined }];
  const sub = target.attribute.subName;
  if (sub !== undefined && sub !== 'value') return [];
  const { id, valid } = readManagerId(operation.value);
  if (!valid) throw badRequest('invalidValue', `${label}: manager must be an id or an object with a "value".`);
  return [{ kind: 'manager', label, id }];
}

function applyStep(resource: JsonObject, step: Step): void {
  if (step.kind === 'dropExtension') {
    deleteKey(resource, step.urn);
    return;
  }
  if (step.kind === 'manager') {
    const extension = container(resource, ENTERPRISE_USER_SCHEMA, step.id !== undefined);
    if (!extension) return;
    if (step.id === undefined) delete extension.manager;
    else extension.manager = { value: step.id };
    return;
  }
  const { attribute, valueFilter } = step.target;
  const parent = container(resource, attribute.extension, step.kind === 'set');
  if (!parent) return;
  adoptKey(parent, attribute.name);
  if (valueFilter) return applyValuePath(parent, step, valueFilter);
  if (attribute.subName !== undefined && attribute.definition?.multiValued) return applyToEveryElement(parent, step);
  if (step.kind === 'remove' && step.value !== undefined && Array.isArray(parent[attribute.name])) {
    return removeMatchingElements(parent, attribute.name, step.value);
  }
  applyWithScimPatch(resource, step);
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
function equalitySeed(filter: Filter): JsonObject | undefined {
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
function tidy(resource: JsonObject): void {
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
