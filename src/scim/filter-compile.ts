import type { Compare, Filter } from 'scim2-parse-filter';
import { findDefinition, resolveAttribute } from './attributes.js';
import type { ResolvedAttribute } from './attributes.js';
import { coerceBoolean } from './canonicalise.js';
import { normaliseFilter } from './filter-parse.js';
import { getCaseInsensitive, isPlainObject } from './json.js';
import type { AttributeDefinition, ResourceTypeName } from './schemas.js';
import { foldName } from './name-fold.js';

export type ResourcePredicate = (resource: Record<string, unknown>) => boolean;

type Predicate = (node: unknown) => boolean;
type Getter = (node: unknown) => unknown[];

interface ValueScope {
  subAttributes: AttributeDefinition[];
}

/**
 * Compiles a filter into a predicate over SCIM resource objects with RFC 7644 §3.4.2.2
 * semantics: attribute names are matched case-insensitively, strings are compared
 * case-insensitively unless the attribute is caseExact (id, externalId), a multi-valued
 * attribute matches when any of its values does, and a value filter (`emails[type eq "work"
 * and value eq "x"]`) must hold for one element. The AST is normalised first, so an AST that
 * did not come from `parseFilter` is validated the same way (400 invalidFilter).
 */
export function compileFilter(ast: Filter, resourceType: ResourceTypeName): ResourcePredicate {
  const predicate = compileNode(normaliseFilter(ast, resourceType), resourceType);
  return (resource) => predicate(resource);
}

function compileNode(node: Filter, scope: ResourceTypeName | ValueScope): Predicate {
  switch (node.op) {
    case 'and': {
      const parts = node.filters.map((child) => compileNode(child, scope));
      return (target) => parts.every((part) => part(target));
    }
    case 'or': {
      const parts = node.filters.map((child) => compileNode(child, scope));
      return (target) => parts.some((part) => part(target));
    }
    case 'not': {
      const inner = compileNode(node.filter, scope);
      return (target) => !inner(target);
    }
    case '[]': {
      const resolved = resolveCanonical(node.attrPath, scope as ResourceTypeName);
      const elements = resourceGetter(resolved);
      const inner = compileNode(node.valFilter, { subAttributes: resolved.definition?.subAttributes ?? [] });
      return (target) => elements(target).some((element) => isPlainObject(element) && inner(element));
    }
    case 'pr': {
      const { getter } = leaf(node.attrPath, scope);
      return (target) => getter(target).some(isPresent);
    }
    default: {
      const { getter, definition } = leaf(node.attrPath, scope);
      return comparison(node, definition, getter);
    }
  }
}

function resolveCanonical(path: string, resourceType: ResourceTypeName): ResolvedAttribute {
  const resolved = resolveAttribute(path, resourceType);
  if (!resolved?.definition) throw new Error(`normalised filter has unknown attribute ${path}`);
  return resolved;
}

function leaf(path: string, scope: ResourceTypeName | ValueScope): { getter: Getter; definition: AttributeDefinition } {
  if (typeof scope === 'string') {
    const resolved = resolveCanonical(path, scope);
    return { getter: resourceGetter(resolved), definition: (resolved.subDefinition ?? resolved.definition)! };
  }
  const definition = findDefinition(scope.subAttributes, path);
  if (!definition) throw new Error(`normalised filter has unknown sub-attribute ${path}`);
  return { getter: (element) => values(isPlainObject(element) ? getCaseInsensitive(element, definition.name) : undefined), definition };
}

function values(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((item) => item !== undefined && item !== null);
}

/** Reads an attribute from a resource: extension attributes live under their schema URN. */
function resourceGetter(resolved: ResolvedAttribute): Getter {
  return (resource) => {
    let container: unknown = resource;
    if (resolved.extension !== undefined) {
      container = isPlainObject(resource) ? getCaseInsensitive(resource, resolved.extension) : undefined;
    }
    const top = values(isPlainObject(container) ? getCaseInsensitive(container, resolved.name) : undefined);
    const { subName } = resolved;
    if (subName === undefined) return top;
    return top.flatMap((item) => values(isPlainObject(item) ? getCaseInsensitive(item, subName) : undefined));
  };
}

/** RFC 7644 §3.4.2.2 "pr": a non-empty value, or a complex value with a non-empty part. */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isPlainObject(value)) return Object.values(value).some(isPresent);
  return true;
}

type Comparable = string | number | boolean;

function comparison(node: Compare, definition: AttributeDefinition, getter: Getter): Predicate {
  const { op, compValue } = node;
  if (compValue === null) {
    // `eq null` asks for an absent attribute, `ne null` for a present one.
    return op === 'eq' ? (target) => !getter(target).some(isPresent) : (target) => getter(target).some(isPresent);
  }
  const prepare = preparer(definition);
  const expected = prepare(compValue);
  if (expected === undefined) return () => op === 'ne';
  const test = operator(op, expected);
  if (op === 'ne') {
    // ne is the negation of eq over all values, so an absent attribute is "not equal".
    return (target) => !getter(target).some((value) => {
      const actual = prepare(value);
      return actual !== undefined && actual === expected;
    });
  }
  return (target) =>
    getter(target).some((value) => {
      const actual = prepare(value);
      return actual !== undefined && test(actual);
    });
}

/** Brings stored and filter values into one comparable form for the attribute's type. */
function preparer(definition: AttributeDefinition): (value: unknown) => Comparable | undefined {
  switch (definition.type) {
    case 'boolean':
      return (value) => {
        const coerced = coerceBoolean(value);
        return typeof coerced === 'boolean' ? coerced : undefined;
      };
    case 'dateTime':
      return (value) => {
        const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
        return Number.isNaN(time) ? undefined : time;
      };
    case 'integer':
    case 'decimal':
      return (value) => {
        const number = typeof value === 'string' ? Number(value) : value;
        return typeof number === 'number' && !Number.isNaN(number) ? number : undefined;
      };
    default: {
      const caseExact = definition.caseExact === true;
      return (value) => {
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
        const text = String(value);
        // Case-insensitive attributes fold as Jamf compares names (name-fold.ts), not only ASCII.
        return caseExact ? text : foldName(text);
      };
    }
  }
}

function operator(op: Compare['op'], expected: Comparable): (actual: Comparable) => boolean {
  switch (op) {
    case 'eq':
    case 'ne':
      return (actual) => actual === expected;
    case 'co':
      return (actual) => String(actual).includes(String(expected));
    case 'sw':
      return (actual) => String(actual).startsWith(String(expected));
    case 'ew':
      return (actual) => String(actual).endsWith(String(expected));
    case 'gt':
      return (actual) => actual > expected;
    case 'ge':
      return (actual) => actual >= expected;
    case 'lt':
      return (actual) => actual < expected;
    case 'le':
      return (actual) => actual <= expected;
  }
}

/** A predicate over one element of a multi-valued attribute, for PATCH value paths. */
export function compileValueFilter(ast: Filter, subAttributes: AttributeDefinition[]): (element: unknown) => boolean {
  return compileNode(ast, { subAttributes });
}
