import { canonicalPath, isCoreSchemaUrn, knownExtension, resolveAttribute } from './attributes.js';
import { attributeProblem, clip } from './attribute-check.js';
import { canonicaliseValue, coerceBoolean, stripNulls } from './canonicalise.js';
import { badRequest } from './errors.js';
import { cloneJson, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import { opLabel, parsePatchBody } from './patch-body.js';
import type { PatchOperation } from './patch-body.js';
import { parsePatchPath } from './patch-path.js';
import type { PatchPath } from './patch-path.js';
import type { AttributeDefinition } from './schemas.js';
import type { ScimUser } from './types.js';
import { ENTERPRISE_USER_SCHEMA } from './urns.js';
import { applyStep, equalitySeed, tidy, type Step } from './user-patch-apply.js';
import { nameProblem, textProblem } from './text-rules.js';
import { MANAGER_SHAPE, readManager } from './user-resource.js';

export interface PatchContext {
  /** The id of the resource being patched; `id` values equal to it are ignored (Okta). */
  resourceId?: string;
}

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
 * Values are checked as POST and PUT check them (attribute-check.ts, text-rules.ts): the type
 * /Schemas publishes, no coercion, and text the server can keep exactly, in every op form.
 * Errors are 400 with a detail naming the operation ("Operations[2]: …").
 */
export function applyUserPatch(resource: JsonObject, body: unknown, context: PatchContext = {}): ScimUser {
  const resourceId = context.resourceId ?? (typeof resource.id === 'string' ? resource.id : undefined);
  return applySteps(resource, normaliseBody(body, resourceId));
}

function normaliseBody(body: unknown, resourceId: string | undefined): Step[] {
  return parsePatchBody(body).flatMap((operation) => normaliseOperation(operation, resourceId));
}

function applySteps(resource: JsonObject, steps: readonly Step[]): ScimUser {
  const result = cloneJson(resource);
  for (const step of steps) applyStep(result, step);
  tidy(result);
  return result as ScimUser;
}

/** A PATCH body checked by `validateUserPatch`, to be applied by `applyPreparedUserPatch`. */
export interface PreparedUserPatch {
  readonly body: unknown;
  readonly resourceId?: string;
  /** The normalised operations, for one application; taken by the first. */
  steps?: Step[];
}

/**
 * Checks a PATCH /Users body without a resource: syntax, paths, values and read-only
 * attributes. Only failures that depend on the current resource (a value filter that matches
 * nothing and cannot create an element) are left for `applyUserPatch`. The result applies the
 * checked operations without parsing the body again.
 */
export function validateUserPatch(body: unknown, context: PatchContext = {}): PreparedUserPatch {
  return { body, resourceId: context.resourceId, steps: normaliseBody(body, context.resourceId) };
}

/**
 * `applyUserPatch` with the operations `validateUserPatch` normalised. Their values end up in
 * the result, which later steps and the caller may change, so they serve one application;
 * another (a retried update) normalises the body afresh.
 */
export function applyPreparedUserPatch(resource: JsonObject, prepared: PreparedUserPatch): ScimUser {
  const { steps } = prepared;
  prepared.steps = undefined;
  if (steps === undefined || prepared.resourceId === undefined) return applyUserPatch(resource, prepared.body, { resourceId: prepared.resourceId });
  return applySteps(resource, steps);
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
  const problem =
    attributeProblem('User', definition, value, { shown: clip(pathLabel(target), 200), rulePath: rulePath(target) }) ?? seedProblem(target);
  if (problem) throw badRequest('invalidValue', `${label}: ${problem}.`);
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
  if (!target.valueFilter) return base;
  return target.filterSubName ? `${base}[…].${target.filterSubName}` : `${base}[…]`;
}

/** The canonical path that picks the text rule of the value: `emails.value` for `emails[…].value`. */
function rulePath(target: PatchPath): string {
  const base = canonicalPath(target.attribute);
  return target.filterSubName ? `${base}.${target.filterSubName}` : base;
}

/**
 * An add or replace through a value path may create the element from the filter's `eq` terms
 * (applyValuePath), so those values are checked like the ones the operation sets.
 */
function seedProblem(target: PatchPath): string | undefined {
  const { attribute, valueFilter } = target;
  if (!valueFilter || !attribute.definition) return undefined;
  const seed = equalitySeed(valueFilter);
  if (!seed) return undefined;
  const element = { ...attribute.definition, multiValued: false };
  const base = canonicalPath(attribute);
  return attributeProblem('User', element, seed, { shown: clip(`${base}[…]`, 200), rulePath: base });
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
 * `[{"$ref":…,"value":id}]`, the URN path with `{"value":id}`, or a bare id. Each becomes one
 * manager step keeping what was sent of `value`, `$ref` and `displayName` (RFC 7643 §4.3).
 * `manager.$ref` and `manager.displayName` alone change that sub-attribute of the manager.
 */
function managerSteps(operation: PatchOperation, target: PatchPath, label: string): Step[] {
  const sub = target.attribute.subName;
  if (sub === '$ref' || sub === 'displayName') {
    if (operation.op === 'remove' || isCleared(operation.value)) return [{ kind: 'managerSub', label, sub, value: undefined }];
    if (typeof operation.value !== 'string') throw badRequest('invalidValue', `${label}: manager.${sub} must be a string.`);
    const problem = textProblem(operation.value, 'store');
    if (problem) throw badRequest('invalidValue', `${label}: manager.${sub} ${problem}.`);
    return [{ kind: 'managerSub', label, sub, value: operation.value }];
  }
  if (operation.op === 'remove') return [{ kind: 'manager', label, manager: undefined }];
  if (sub !== undefined && sub !== 'value') return [];
  const { manager, valid } = readManager(operation.value);
  if (!valid) throw badRequest('invalidValue', `${label}: ${MANAGER_SHAPE}.`);
  for (const [key, text] of Object.entries(manager ?? {})) {
    const problem = textProblem(text, 'store');
    if (problem) throw badRequest('invalidValue', `${label}: manager.${key} ${problem}.`);
  }
  return [{ kind: 'manager', label, manager }];
}

