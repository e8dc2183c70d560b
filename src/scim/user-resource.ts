import { coreAttributes, findDefinition, isCoreSchemaUrn, knownExtension } from './attributes.js';
import { resourceProblem } from './attribute-check.js';
import { canonicaliseObject, canonicaliseValue, stripNulls } from './canonicalise.js';
import { badRequest } from './errors.js';
import { assertSafeJson, getCaseInsensitive, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import { ENTERPRISE_USER_SCHEMA_DEFINITION, USER_SCHEMA_DEFINITION } from './schemas.js';
import type { AttributeDefinition } from './schemas.js';
import { nameProblem } from './text-rules.js';
import type { ScimUser } from './types.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from './urns.js';

export { MAX_NAME_LENGTH, nameProblem } from './text-rules.js';

/** Attributes a client may send but the server owns or never stores (RFC 7643 §3.1, §4.1.1). */
const IGNORED_USER_ATTRIBUTES = new Set(['id', 'meta', 'password', 'groups', 'schemas']);

/**
 * Parses a POST/PUT /Users body leniently (idp-behaviour A1.1, A2.1, A3.7) into a canonical
 * SCIM user:
 * - attribute names take their canonical casing (`UserName` → `userName`);
 * - `null` means absent, and so does `""` for optional attributes (Okta pushes empty values);
 * - `active` and `primary` accept "True"/"False" (Entra);
 * - `id`, `meta`, `password` and `groups` are dropped (server-owned or never stored);
 * - enterprise attributes go under their URN, also when sent unqualified at the top level
 *   (Entra's doc example), and `manager` in any form becomes `{ value, $ref?, displayName? }`;
 * - unknown attributes and unknown `schemas` URIs are kept as sent.
 * Nothing else is coerced. Prototype-pollution keys and excessive nesting are 400
 * invalidSyntax; a missing or bad `userName`, a known attribute of the wrong type (RFC 7643
 * §2.3, as /Schemas publishes it) or text the server cannot keep exactly (text-rules.ts) is 400
 * invalidValue naming the attribute. The same checks run for every write of a user, active or
 * not, so a value accepted here can always be written to Jamf Pro later.
 */
export function parseUserBody(json: unknown): ScimUser {
  if (!isPlainObject(json)) throw badRequest('invalidSyntax', 'User body must be a JSON object.');
  assertSafeJson(json);
  const user: JsonObject = {};
  const enterprise: JsonObject = {};
  const strays: JsonObject = {};
  const enterpriseDefinitions = ENTERPRISE_USER_SCHEMA_DEFINITION.attributes;

  const take = (source: JsonObject): void => {
    for (const [key, value] of Object.entries(source)) {
      if (IGNORED_USER_ATTRIBUTES.has(key.toLowerCase())) continue;
      if (isCoreSchemaUrn('User', key) && isPlainObject(value)) {
        take(value);
      } else if (knownExtension('User', key)) {
        if (value === null) continue;
        if (!isPlainObject(value)) throw badRequest('invalidValue', `${ENTERPRISE_USER_SCHEMA} must be an object.`);
        Object.assign(enterprise, canonicaliseObject(value, enterpriseDefinitions));
      } else {
        const definition = findDefinition(coreAttributes('User'), key);
        const strayDefinition = definition ? undefined : findDefinition(enterpriseDefinitions, key);
        if (definition) setIfDefined(user, definition.name, canonicaliseValue(definition, value));
        else if (strayDefinition) setIfDefined(strays, strayDefinition.name, canonicaliseValue(strayDefinition, value));
        else setIfDefined(user, key, stripNulls(value));
      }
    }
  };
  take(json);
  for (const [key, value] of Object.entries(strays)) if (!(key in enterprise)) enterprise[key] = value;

  dropEmptyKnown(user, USER_SCHEMA_DEFINITION.attributes);
  dropEmptyKnown(enterprise, enterpriseDefinitions);
  normaliseManager(enterprise);
  if (Object.keys(enterprise).length > 0) user[ENTERPRISE_USER_SCHEMA] = enterprise;
  user.schemas = resourceSchemas(getCaseInsensitive(json, 'schemas'), USER_SCHEMA, user);

  const userNameProblem = nameProblem(user.userName);
  if (userNameProblem) throw badRequest('invalidValue', `userName ${userNameProblem}.`);
  const problem = resourceProblem('User', user);
  if (problem) throw badRequest('invalidValue', `${problem}.`);
  return user as ScimUser;
}

function setIfDefined(target: JsonObject, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/**
 * Optional known attributes sent as "" are absent, like the PATCH "null update" (Entra's
 * gallery validator, idp-behaviour A2.5). Multi-valued elements left without a `value` carry
 * nothing and are dropped. `userName` is left alone so that validation can name it.
 */
function dropEmptyKnown(target: JsonObject, definitions: readonly AttributeDefinition[]): void {
  for (const [key, value] of Object.entries(target)) {
    const definition = findDefinition(definitions, key);
    if (!definition || definition.required) continue;
    const cleaned = dropEmpty(definition, value);
    if (cleaned === undefined) delete target[key];
    else target[key] = cleaned;
  }
}

function dropEmpty(definition: AttributeDefinition, value: unknown): unknown {
  if (value === '') return undefined;
  if (definition.multiValued && Array.isArray(value)) {
    const single = { ...definition, multiValued: false };
    const hasValue = findDefinition(definition.subAttributes, 'value') !== undefined;
    const items = value
      .map((item) => dropEmpty(single, item))
      .filter((item) => item !== undefined && !(hasValue && isPlainObject(item) && item.value === undefined));
    return items.length > 0 ? items : undefined;
  }
  if (definition.type === 'complex' && isPlainObject(value)) {
    const result: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      const sub = findDefinition(definition.subAttributes, key);
      const cleaned = sub ? dropEmpty(sub, child) : child;
      if (cleaned !== undefined) result[key] = cleaned;
    }
    return Object.keys(result).length > 0 ? result : undefined;
  }
  return value;
}

/**
 * Entra needs `manager` back as an object and fails on a plain string (idp-behaviour A2.2); it
 * may arrive as a string, an object, or an array of one object. What the client sent of the
 * sub-attributes RFC 7643 §4.3 defines (`value`, `$ref`, `displayName`) is kept.
 */
function normaliseManager(enterprise: JsonObject): void {
  const { manager, valid } = readManager(enterprise.manager);
  if (!valid) throw badRequest('invalidValue', MANAGER_SHAPE);
  if (manager === undefined) delete enterprise.manager;
  else enterprise.manager = manager;
}

export const MANAGER_SHAPE = 'manager must be a string id or an object with a string "value" (and string "$ref", "displayName")';

/** RFC 7643 §4.3 `manager`, as stored and returned. */
export interface ManagerValue {
  value: string;
  $ref?: string;
  displayName?: string;
}

/**
 * The manager from any of the forms IdPs send. `valid` is false for a value that is neither an
 * id nor a cleared manager (null, "", [], `{ value: null }`), or whose `$ref` or `displayName`
 * is not a string. A manager without an id is no manager: its `$ref` or `displayName` alone
 * would name nobody.
 */
export function readManager(value: unknown): { manager?: ManagerValue; valid: boolean } {
  const candidate: unknown = Array.isArray(value) ? value[0] : value;
  const object = isPlainObject(candidate) ? candidate : undefined;
  const id = object ? getCaseInsensitive(object, 'value') : candidate;
  if (typeof id === 'string' && id !== '') {
    const manager: ManagerValue = { value: id };
    for (const sub of ['$ref', 'displayName'] as const) {
      const given = object ? getCaseInsensitive(object, sub) : undefined;
      if (given === undefined || given === null || given === '') continue;
      if (typeof given !== 'string') return { valid: false };
      manager[sub] = given;
    }
    return { manager, valid: true };
  }
  return { valid: id === undefined || id === null || id === '' };
}

/** The manager's id from any of the forms IdPs send (see readManager). */
export function readManagerId(value: unknown): { id?: string; valid: boolean } {
  const { manager, valid } = readManager(value);
  return manager === undefined ? { valid } : { id: manager.value, valid };
}

/**
 * `schemas` lists the core URN first, the extensions that carry data, and any other URI the
 * client sent (Entra adds its own, idp-behaviour A2.1). A `schemas` that is not an array of
 * strings is rebuilt rather than refused.
 */
export function resourceSchemas(sent: unknown, core: string, resource: JsonObject): string[] {
  const given = Array.isArray(sent) ? sent.filter((item): item is string => typeof item === 'string') : [];
  const schemas = [core];
  for (const uri of given) {
    const lower = uri.toLowerCase();
    if (lower === core.toLowerCase() || lower === ENTERPRISE_USER_SCHEMA.toLowerCase()) continue;
    if (!schemas.some((existing) => existing.toLowerCase() === lower)) schemas.push(uri);
  }
  if (ENTERPRISE_USER_SCHEMA in resource) schemas.push(ENTERPRISE_USER_SCHEMA);
  return schemas;
}
