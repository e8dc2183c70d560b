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
 * Brings a value into the casing and the lenient forms its attribute definition allows, before
 * the type check (attribute-check.ts) sees it:
 * - null means absent (Entra sends explicit nulls, idp-behaviour A2.1);
 * - object keys take their canonical casing (`Primary` → `primary`, RFC 7643 §2.1);
 * - "True"/"False" become booleans for boolean attributes (Entra, idp-behaviour A2.2).
 * Nothing else is coerced: a number for a string, a single value for a multi-valued attribute
 * or a bare string for a complex one is left as sent, for the type check to refuse (neither
 * Okta nor Entra sends those forms). Unknown keys are kept as sent.
 */
export function canonicaliseValue(definition: AttributeDefinition | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (!definition) return stripNulls(value);
  if (definition.multiValued) {
    if (!Array.isArray(value)) return value;
    const single = { ...definition, multiValued: false };
    return value.map((item) => canonicaliseValue(single, item)).filter((item) => item !== undefined);
  }
  if (definition.type === 'complex') return isPlainObject(value) ? canonicaliseObject(value, definition.subAttributes ?? []) : value;
  if (definition.type === 'boolean') return coerceBoolean(value);
  return value;
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
