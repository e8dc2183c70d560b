import { COMMON_ATTRIBUTES, RESOURCE_SCHEMAS } from './schemas.js';
import type { AttributeDefinition, ResourceTypeName, SchemaDefinition } from './schemas.js';

/**
 * An attribute path (RFC 7644 §3.10 `[URI ":"] attrName ["." subAttr]`) resolved against the
 * schemas of a resource type, with names in their canonical casing.
 */
export interface ResolvedAttribute {
  /** Extension schema URN the attribute lives under; undefined for core and common attributes. */
  extension?: string;
  name: string;
  /** Undefined when the attribute is unknown and the caller allowed that. */
  definition?: AttributeDefinition;
  subName?: string;
  subDefinition?: AttributeDefinition;
}

/**
 * Definitions by lower-cased name, per definition list. The lists are the fixed schema tables
 * (or copies made once, see `coreAttributes`), so an index never goes stale; body parsing looks
 * up every key it is sent, and a scan lower-casing each name was a visible part of a POST.
 */
const byName = new WeakMap<readonly AttributeDefinition[], Map<string, AttributeDefinition>>();

export function findDefinition(
  definitions: readonly AttributeDefinition[] | undefined,
  name: string,
): AttributeDefinition | undefined {
  if (definitions === undefined) return undefined;
  let index = byName.get(definitions);
  if (index === undefined) {
    index = new Map();
    // The first of a name wins, as the scan it replaces found it.
    for (const definition of definitions) {
      const lower = definition.name.toLowerCase();
      if (!index.has(lower)) index.set(lower, definition);
    }
    byName.set(definitions, index);
  }
  return index.get(name.toLowerCase());
}

const CORE_ATTRIBUTES = new Map<ResourceTypeName, readonly AttributeDefinition[]>();

/** Core and common (RFC 7643 §3.1) attributes of a resource type; one frozen list per type. */
export function coreAttributes(resourceType: ResourceTypeName): readonly AttributeDefinition[] {
  let list = CORE_ATTRIBUTES.get(resourceType);
  if (list === undefined) {
    list = Object.freeze([...COMMON_ATTRIBUTES, ...RESOURCE_SCHEMAS[resourceType].core.attributes]);
    CORE_ATTRIBUTES.set(resourceType, list);
  }
  return list;
}

export function extensionSchemas(resourceType: ResourceTypeName): SchemaDefinition[] {
  return RESOURCE_SCHEMAS[resourceType].extensions;
}

/** The canonical URN of a known extension of the resource type, matched case-insensitively. */
export function knownExtension(resourceType: ResourceTypeName, urn: string): SchemaDefinition | undefined {
  const lower = urn.toLowerCase();
  return extensionSchemas(resourceType).find((schema) => schema.id.toLowerCase() === lower);
}

export function isCoreSchemaUrn(resourceType: ResourceTypeName, urn: string): boolean {
  return RESOURCE_SCHEMAS[resourceType].core.id.toLowerCase() === urn.toLowerCase();
}

/** Splits `urn:…:attr.sub` into the schema URN and the attribute part (RFC 7644 §3.10). */
export function splitUrnPath(path: string): { urn?: string; rest: string } {
  if (!/^urn:/i.test(path)) return { rest: path };
  // The attribute part starts after the last colon before any value filter.
  const bracket = path.indexOf('[');
  const head = bracket < 0 ? path : path.slice(0, bracket);
  const colon = head.lastIndexOf(':');
  return { urn: path.slice(0, colon), rest: path.slice(colon + 1) };
}

export interface ResolveOptions {
  /** Keep unknown attributes, sub-attributes and extension URNs instead of failing. */
  allowUnknown?: boolean;
}

const NAME = /^[A-Za-z$][\w$-]*$/;

/**
 * Resolves an attribute path without a value filter. Names are case-insensitive (RFC 7643
 * §2.1). Enterprise attributes are also found without their URN, because Entra sends
 * `manager` unqualified, in PATCH paths and in filters (idp-behaviour A2.1, A2.2).
 */
export function resolveAttribute(
  path: string,
  resourceType: ResourceTypeName,
  options: ResolveOptions = {},
): ResolvedAttribute | undefined {
  const { urn, rest } = splitUrnPath(path);
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((part) => NAME.test(part))) return undefined;
  const [name, subName] = parts as [string, string | undefined];

  let extension: string | undefined;
  let definitions: readonly AttributeDefinition[] | undefined;
  if (urn === undefined || isCoreSchemaUrn(resourceType, urn)) {
    definitions = coreAttributes(resourceType);
  } else {
    const schema = knownExtension(resourceType, urn);
    if (schema) {
      extension = schema.id;
      definitions = schema.attributes;
    } else if (options.allowUnknown) {
      extension = urn;
    } else {
      return undefined;
    }
  }

  let definition = findDefinition(definitions, name);
  if (!definition && urn === undefined) {
    for (const schema of extensionSchemas(resourceType)) {
      definition = findDefinition(schema.attributes, name);
      if (definition) {
        extension = schema.id;
        break;
      }
    }
  }
  if (!definition && !options.allowUnknown) return undefined;

  const resolved: ResolvedAttribute = { name: definition?.name ?? name };
  if (extension !== undefined) resolved.extension = extension;
  if (definition) resolved.definition = definition;
  if (subName !== undefined) {
    if (definition && definition.type !== 'complex') return undefined;
    const subDefinition = findDefinition(definition?.subAttributes, subName);
    if (!subDefinition && !options.allowUnknown) return undefined;
    resolved.subName = subDefinition?.name ?? subName;
    if (subDefinition) resolved.subDefinition = subDefinition;
  }
  return resolved;
}

/** `name.sub`, or `urn:…:name.sub` for extension attributes. */
export function canonicalPath(resolved: ResolvedAttribute): string {
  const local = resolved.subName === undefined ? resolved.name : `${resolved.name}.${resolved.subName}`;
  return resolved.extension === undefined ? local : `${resolved.extension}:${local}`;
}

/**
 * Splits an `attributes` / `excludedAttributes` value at its commas (RFC 7644 §3.9), except
 * inside a value filter: `emails[value eq "a,b"]` is one name.
 */
export function splitAttributeNames(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"' && depth > 0) quoted = true;
    else if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      names.push(text.slice(start, i));
      start = i + 1;
    }
  }
  names.push(text.slice(start));
  return names.map((name) => name.trim()).filter((name) => name !== '');
}
