import { coreAttributes, knownExtension } from './attributes.js';
import { isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import type { AttributeDefinition, ResourceTypeName } from './schemas.js';
import { STORE_NODE, ruleNodeAt, ruleTree, textProblem } from './text-rules.js';
import type { RuleNode } from './text-rules.js';

type DefinitionIndex = ReadonlyMap<string, AttributeDefinition>;

/**
 * Definitions by name, built once per definition list: this check runs on every write, and a
 * linear, lower-casing search per key cost more than the rest of it. Keys arrive canonical
 * (canonicalise.ts), so the exact name nearly always hits; the lower-case one is the fallback.
 */
const indexes = new WeakMap<readonly AttributeDefinition[], DefinitionIndex>();

function lookup(definitions: readonly AttributeDefinition[] | undefined, key: string): AttributeDefinition | undefined {
  if (!definitions) return undefined;
  let index = indexes.get(definitions);
  if (!index) {
    const map = new Map<string, AttributeDefinition>();
    for (const definition of definitions) map.set(definition.name.toLowerCase(), definition).set(definition.name, definition);
    index = map;
    indexes.set(definitions, index);
  }
  return index.get(key) ?? index.get(key.toLowerCase());
}

const CORE: Readonly<Record<ResourceTypeName, readonly AttributeDefinition[]>> = {
  User: coreAttributes('User'),
  Group: coreAttributes('Group'),
};

/**
 * The path to the value being checked, kept as a stack of names and indexes and turned into
 * text (`emails[1].value`) only for the detail of a refusal.
 */
type Trail = Array<string | number>;

/** The first part is the attribute as the caller names it; names below it come from the client. */
function shown(trail: Trail): string {
  let text = '';
  for (const [index, part] of trail.entries()) {
    text += typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${clip(part)}`;
  }
  return text;
}

/**
 * Why `value` does not fit its attribute definition, as a sentence that names the attribute
 * ("emails[0].value must be a string"), or undefined when it fits. The types are those /Schemas
 * publishes (RFC 7643 §2.3, §7), with no coercion: the lenient forms IdPs really send ("True"
 * booleans, a manager id as a string) are canonicalised before this check, nothing else is.
 * Strings must also pass their text rule (text-rules.ts), found from `rulePath`, the canonical
 * path without indexes (`emails.value`). An attribute without a definition is kept as sent,
 * whatever its JSON type; only its text and member names are checked.
 */
export function attributeProblem(
  resourceType: ResourceTypeName,
  definition: AttributeDefinition | undefined,
  value: unknown,
  at: { shown: string; rulePath: string },
): string | undefined {
  return check(definition, value, ruleNodeAt(resourceType, at.rulePath), [at.shown]);
}

function check(definition: AttributeDefinition | undefined, value: unknown, rules: RuleNode, trail: Trail): string | undefined {
  if (value === undefined) return undefined;
  if (!definition) return untypedProblem(value, trail);
  if (!definition.multiValued) return singleProblem(definition, value, rules, trail);
  if (!Array.isArray(value)) return `${shown(trail)} must be an array`;
  for (let index = 0; index < value.length; index++) {
    trail.push(index);
    const problem = singleProblem(definition, value[index], rules, trail);
    trail.pop();
    if (problem) return problem;
  }
  return undefined;
}

function singleProblem(definition: AttributeDefinition, value: unknown, rules: RuleNode, trail: Trail): string | undefined {
  switch (definition.type) {
    case 'complex': {
      if (!isPlainObject(value)) return `${shown(trail)} must be an object`;
      for (const key of Object.keys(value)) {
        const sub = lookup(definition.subAttributes, key);
        const name = sub?.name ?? key;
        trail.push(name);
        const problem = check(sub, value[key], rules.children.get(name) ?? STORE_NODE, trail);
        trail.pop();
        if (problem) return problem;
      }
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${shown(trail)} must be a boolean`;
    case 'integer':
      return Number.isInteger(value) ? undefined : `${shown(trail)} must be an integer`;
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${shown(trail)} must be a number`;
    case 'dateTime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : `${shown(trail)} must be a dateTime string`;
    default: {
      if (typeof value !== 'string') return `${shown(trail)} must be a string`;
      const problem = textProblem(value, rules.rule);
      return problem === undefined ? undefined : `${shown(trail)} ${problem}`;
    }
  }
}

/** Text and member names of a value the server stores without a schema (the `store` rule). */
function untypedProblem(value: unknown, trail: Trail): string | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value, 'store');
    return problem === undefined ? undefined : `${shown(trail)} ${problem}`;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      trail.push(index);
      const problem = untypedProblem(value[index], trail);
      trail.pop();
      if (problem) return problem;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const keyProblem = textProblem(key, 'store');
    if (keyProblem) return `the name of an attribute in ${shown(trail)} ${keyProblem}`;
    trail.push(key);
    const problem = untypedProblem((value as JsonObject)[key], trail);
    trail.pop();
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Checks every attribute of a canonical resource (after `parseUserBody`/`parseGroupBody` have
 * brought names and the lenient forms into shape): core attributes, known extensions under their
 * URN, and unknown attributes or extensions kept as sent.
 */
export function resourceProblem(resourceType: ResourceTypeName, resource: JsonObject): string | undefined {
  const core = CORE[resourceType];
  const rules = ruleTree(resourceType);
  for (const key of Object.keys(resource)) {
    const value = resource[key];
    // Only a schema URN holds a colon; attribute names cannot (RFC 7643 §2.1).
    const extension = key.includes(':') ? knownExtension(resourceType, key) : undefined;
    const definition = extension ? undefined : lookup(core, key);
    let problem: string | undefined;
    if (extension) {
      problem = isPlainObject(value) ? extensionProblem(extension.id, extension.attributes, value) : `${key} must be an object`;
    } else if (definition) {
      problem = check(definition, value, rules.children.get(definition.name) ?? STORE_NODE, [definition.name]);
    } else {
      const keyProblem = textProblem(key, 'store');
      problem = keyProblem ? `the name of an attribute ${keyProblem}` : untypedProblem(value, [clip(key)]);
    }
    if (problem) return problem;
  }
  return undefined;
}

/** Extension attributes are kept only in the state store (design.md §3): the `store` rule. */
function extensionProblem(urn: string, definitions: readonly AttributeDefinition[], value: JsonObject): string | undefined {
  for (const key of Object.keys(value)) {
    const definition = lookup(definitions, key);
    const problem = check(definition, value[key], STORE_NODE, [`${urn}:${clip(definition?.name ?? key)}`]);
    if (problem) return problem;
  }
  return undefined;
}

/** Attribute names are short; an absurd one sent by a client is not echoed back in full. */
export function clip(name: string, max = 64): string {
  return name.length > max ? `${name.slice(0, max)}…` : name;
}
