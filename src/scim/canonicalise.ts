import { findDefinition } from './attributes.js';
import { isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import type { AttributeDefinition } from './schemas.js';

/**
 * Entra sends booleans as the strings "True"/"False" (its default `active` mapping is a
 * Switch() over strings, idp-behaviour A2.2); anything else is left for validation to reject.
 */
export function coerceBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return value;
}

/**
 * Brings a value into the shape its attribute definition describes, leniently:
 * - null means absent (Entra sends explicit nulls, idp-behaviour A2.1);
 * - object keys take their canonical casing (`Primary` → `primary`, RFC 7643 §2.1);
 * - "True"/"False" become booleans for boolean attributes;
 * - numbers become strings for string attributes (an `externalId` sent as a number);
 * - a single value for a multi-valued attribute becomes a one-element array, and a bare
 *   primitive for a complex attribute with a `value` sub-attribute becomes `{ value }`.
 * Unknown keys are kept as sent. Type errors are left for the zod schemas to report.
 */
export function canonicaliseValue(definition: AttributeDefinition | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (!definition) return stripNulls(value);
  if (definition.multiValued) {
    const items = Array.isArray(value) ? value : [value];
    const single = { ...definition, multiValued: false };
    return items.map((item) => canonicaliseValue(single, item)).filter((item) => item !== undefined);
  }
  switch (definition.type) {
    case 'complex': {
      if (isPlainObject(value)) return canonicaliseObject(value, definition.subAttributes ?? []);
      if (!Array.isArray(value) && findDefinition(definition.subAttributes, 'value')) {
        return canonicaliseObject({ value }, definition.subAttributes ?? []);
      }
      return value;
    }
    case 'boolean':
      return coerceBoolean(value);
    case 'string':
    case 'reference':
    case 'binary':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    default:
      return value;
  }
}

/** Canonicalises every key of `object` against `definitions`; later duplicates win. */
export function canonicaliseObject(object: JsonObject, definitions: readonly AttributeDefinition[]): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    const definition = findDefinition(definitions, key);
    const canonical = canonicaliseValue(definition, value);
    if (canonical !== undefined) result[definition?.name ?? key] = canonical;
  }
  return result;
}

/** Removes nulls from values the server stores without knowing their schema. */
export function stripNulls(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(stripNulls).filter((item) => item !== undefined);
  if (isPlainObject(value)) {
    const result: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      const stripped = stripNulls(child);
      if (stripped !== undefined) result[key] = stripped;
    }
    return result;
  }
  return value;
}

/**
 * Why `value` does not fit `definition` (RFC 7643 §2.3 data types), or undefined when it
 * does. Used on PATCH values, which zod cannot see as a whole resource.
 */
export function typeProblem(definition: AttributeDefinition | undefined, value: unknown): string | undefined {
  if (!definition || value === undefined) return undefined;
  if (definition.multiValued) {
    if (!Array.isArray(value)) return 'must be an array';
    const single = { ...definition, multiValued: false };
    for (const [index, item] of value.entries()) {
      const problem = typeProblem(single, item);
      if (problem) return `[${index}] ${problem}`;
    }
    return undefined;
  }
  switch (definition.type) {
    case 'complex': {
      if (!isPlainObject(value)) return 'must be an object';
      for (const [key, child] of Object.entries(value)) {
        const problem = typeProblem(findDefinition(definition.subAttributes, key), child);
        if (problem) return `${key} ${problem}`;
      }
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be an integer';
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'dateTime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : 'must be a dateTime string';
    default:
      return typeof value === 'string' ? undefined : 'must be a string';
  }
}
