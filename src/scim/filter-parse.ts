// The parser behind scim2-parse-filter's `parse()`, used directly so the token stream comes from
// our tokenizer (filter-tokens.ts: JSON string values) and can be corrected first (see
// rewriteTokens); the package has no exports map.
import { Tokens, parseFilter as parseTokens } from 'scim2-parse-filter/lib/src/parser.js';
import type { Token } from 'scim2-parse-filter/lib/src/parser.js';
import type { Compare, Filter, Suffix } from 'scim2-parse-filter';
import { canonicalPath, findDefinition, resolveAttribute } from './attributes.js';
import type { ResolvedAttribute } from './attributes.js';
import { coerceBoolean } from './canonicalise.js';
import { ScimError, badRequest } from './errors.js';
import { tokenizeFilter } from './filter-tokens.js';
import { deepFreezeJson } from './json.js';
import { Lru } from './lru.js';
import type { AttributeDefinition, ResourceTypeName } from './schemas.js';

export type { AttrExp, Compare, Filter, LogExp, NotFilter, Suffix, ValuePath } from 'scim2-parse-filter';

/** Longer filters are not something an IdP sends; the cap bounds parser work and recursion. */
export const MAX_FILTER_LENGTH = 4096;

const COMPARE_OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le']);
const ORDERING_OPERATORS = new Set(['gt', 'lt', 'ge', 'le']);
const SUBSTRING_OPERATORS = new Set(['co', 'sw', 'ew']);

function invalidFilter(detail: string): ScimError {
  return badRequest('invalidFilter', detail);
}

const bracket = (literal: string): Token => ({ type: 'Bracket', literal });
const word = (literal: string): Token => ({ type: 'Word', literal });

/**
 * Unquoted comparison values become strings, so `externalId eq 123` compares the text "123"
 * (and `00123` keeps its zeros); only true/false/null, in any case, stay JSON literals.
 */
function valueToken(token: Token | undefined): Token | undefined {
  if (!token || (token.type !== 'Word' && token.type !== 'Number')) return token;
  const lower = token.literal.toLowerCase();
  if (lower === 'true' || lower === 'false' || lower === 'null') return word(lower);
  return { type: 'Quoted', literal: JSON.stringify(token.literal) };
}

/**
 * scim2-parse-filter turns `emails[type eq "work"].value eq "x"` into
 * `emails[type eq "work"] and emails.value eq "x"`, which loses the RFC 7644 §3.4.2.2 meaning
 * (one element must satisfy both). Rewriting the tokens to `emails[(type eq "work") and
 * value eq "x"]` keeps it; every value filter is wrapped in parentheses for the same reason.
 */
function rewriteTokens(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.type === 'Bracket' && token.literal === '[') {
      out.push(token, bracket('('));
    } else if (token.type === 'Bracket' && token.literal === ']') {
      out.push(bracket(')'), token);
    } else if (token.type === 'Bracket' && token.literal === '].') {
      const sub = tokens[i + 1];
      const operator = tokens[i + 2];
      const op = operator?.literal.toLowerCase() ?? '';
      if (sub?.type !== 'Word' || operator?.type !== 'Word') {
        throw invalidFilter('A sub-attribute and an operator must follow "]." in a value path.');
      }
      if (op === 'pr') {
        out.push(bracket(')'), word('and'), sub, operator, bracket(']'));
        i += 2;
      } else if (COMPARE_OPERATORS.has(op)) {
        const value = valueToken(tokens[i + 3]);
        if (!value || value.type === 'EOT') throw invalidFilter(`Missing comparison value after "${operator.literal}".`);
        out.push(bracket(')'), word('and'), sub, operator, value, bracket(']'));
        i += 3;
      } else {
        throw invalidFilter(`Unknown operator "${operator.literal}".`);
      }
    } else if (
      token.type === 'Word' &&
      COMPARE_OPERATORS.has(token.literal.toLowerCase()) &&
      out.at(-1)?.type === 'Word'
    ) {
      const value = valueToken(tokens[i + 1]);
      out.push(token);
      if (value) out.push(value);
      i += 1;
    } else {
      out.push(token);
    }
  }
  return out;
}

/**
 * ASTs `normaliseFilter` produced, per resource type. Normalising is idempotent, and the list
 * path normalises the same AST up to three times (parse, indexed lookup, compile); a marked AST
 * is returned as it is. The ASTs are frozen, so a marked one cannot have changed since.
 */
const normalised: Record<ResourceTypeName, WeakSet<Filter>> = { User: new WeakSet(), Group: new WeakSet() };

/**
 * Parsed filters by resource type and text, most recently used last. A filter's meaning depends
 * only on its text and the schemas, which are fixed, so an entry cannot go stale; the bound
 * keeps an IdP that filters by every userName in turn from growing it.
 */
const parsed = new Lru<Filter>(256);

/** Parses a (URL-decoded) SCIM filter and normalises it; see {@link normaliseFilter}. The AST is frozen. */
export function parseFilter(text: string, resourceType: ResourceTypeName): Filter {
  const key = `${resourceType} ${text}`;
  let ast = parsed.get(key);
  if (ast === undefined) {
    ast = normaliseFilter(parseSyntax(text), resourceType);
    parsed.set(key, ast);
  }
  return ast;
}

/**
 * Parses the filter inside a PATCH value path (`emails[type eq "work"]`), whose attribute
 * names are sub-attributes of `parent` (RFC 7644 §3.5.2).
 */
export function parseValueFilter(text: string, parent: ResolvedAttribute): Filter {
  const subAttributes = parent.definition?.subAttributes;
  if (!subAttributes) throw invalidFilter(`"${parent.name}" is not a complex attribute and cannot take a value filter.`);
  return normaliseNode(parseSyntax(text), { parent, subAttributes });
}

function parseSyntax(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) throw invalidFilter(`Filter is longer than ${MAX_FILTER_LENGTH} characters.`);
  try {
    const tokens = new Tokens(rewriteTokens(tokenizeFilter(text)));
    const ast = parseTokens(tokens);
    if (tokens.peek().type !== 'EOT') throw new Error(`unexpected "${tokens.peek().literal}"`);
    return ast;
  } catch (error) {
    if (error instanceof ScimError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidFilter(`Invalid filter ${JSON.stringify(text)}: ${reason}`);
  }
}

type Scope = { resourceType: ResourceTypeName } | { parent: ResolvedAttribute; subAttributes: AttributeDefinition[] };

/**
 * Checks every attribute of a filter against the resource type's schemas and rewrites the
 * AST into canonical form: canonical attribute names (RFC 7644 §3.4.2.2 names are
 * case-insensitive), `.value` for a compared complex attribute (`manager eq "id"`,
 * `members eq "id"`), and comparison values of the attribute's type. Unknown attributes,
 * attributes never returned (RFC 7643 §7), and operators the type does not support are 400
 * invalidFilter.
 */
export function normaliseFilter(ast: Filter, resourceType: ResourceTypeName): Filter {
  if (normalised[resourceType].has(ast)) return ast;
  const result = deepFreezeJson(normaliseNode(ast, { resourceType }));
  normalised[resourceType].add(result);
  return result;
}

function normaliseNode(node: Filter, scope: Scope): Filter {
  switch (node.op) {
    case 'and':
    case 'or':
      return { op: node.op, filters: node.filters.map((child) => normaliseNode(child, scope)) };
    case 'not':
      return { op: 'not', filter: normaliseNode(node.filter, scope) };
    case '[]': {
      if (!('resourceType' in scope)) throw invalidFilter('Value filters cannot be nested.');
      const resolved = resolveFilterAttribute(node.attrPath, scope);
      if (resolved.definition?.type !== 'complex' || resolved.subName !== undefined) {
        throw invalidFilter(`"${node.attrPath}" is not a complex attribute and cannot take a value filter.`);
      }
      const valueScope = { parent: resolved, subAttributes: resolved.definition.subAttributes ?? [] };
      return { op: '[]', attrPath: canonicalPath(resolved), valFilter: normaliseNode(node.valFilter, valueScope) };
    }
    case 'pr': {
      const { path } = resolveLeaf(node.attrPath, scope, false);
      return { op: 'pr', attrPath: path } satisfies Suffix;
    }
    default: {
      const { path, definition } = resolveLeaf(node.attrPath, scope, true);
      return { op: node.op, attrPath: path, compValue: coerceCompareValue(node, definition) } satisfies Compare;
    }
  }
}

function resolveFilterAttribute(attrPath: string, scope: { resourceType: ResourceTypeName }): ResolvedAttribute {
  const resolved = resolveAttribute(attrPath, scope.resourceType);
  const definition = resolved?.subDefinition ?? resolved?.definition;
  if (!resolved || !definition) throw invalidFilter(`Unknown attribute "${attrPath}" in filter.`);
  if (definition.returned === 'never' || resolved.definition?.returned === 'never') {
    throw invalidFilter(`Attribute "${attrPath}" cannot be used in a filter.`);
  }
  return resolved;
}

function resolveLeaf(
  attrPath: string,
  scope: Scope,
  compared: boolean,
): { path: string; definition: AttributeDefinition } {
  if (!('resourceType' in scope)) {
    let definition = findDefinition(scope.subAttributes, attrPath);
    // A value filter may also spell out the parent: emails[emails.type eq "work"].
    if (!definition && attrPath.toLowerCase().startsWith(`${scope.parent.name.toLowerCase()}.`)) {
      definition = findDefinition(scope.subAttributes, attrPath.slice(scope.parent.name.length + 1));
    }
    if (!definition) throw invalidFilter(`Unknown attribute "${attrPath}" in value filter on "${scope.parent.name}".`);
    return { path: definition.name, definition };
  }
  let resolved = resolveFilterAttribute(attrPath, scope);
  if (compared && resolved.subName === undefined && resolved.definition?.type === 'complex') {
    // RFC 7644 §3.4.2.2 compares a complex attribute through its "value" sub-attribute
    // (`emails co "example.com"`); Entra queries `manager eq "<id>"` this way.
    const value = findDefinition(resolved.definition.subAttributes, 'value');
    if (!value) throw invalidFilter(`Complex attribute "${attrPath}" needs a sub-attribute to be compared.`);
    resolved = { ...resolved, subName: value.name, subDefinition: value };
  }
  const definition = (resolved.subDefinition ?? resolved.definition) as AttributeDefinition;
  return { path: canonicalPath(resolved), definition };
}

function coerceCompareValue(node: Compare, definition: AttributeDefinition): Compare['compValue'] {
  const { op, attrPath, compValue } = node;
  if (compValue === null) {
    if (op !== 'eq' && op !== 'ne') throw invalidFilter(`"${attrPath} ${op} null" is not a valid comparison.`);
    return null;
  }
  switch (definition.type) {
    case 'boolean': {
      const value = coerceBoolean(compValue);
      if (typeof value !== 'boolean') throw invalidFilter(`"${attrPath}" is boolean; ${JSON.stringify(compValue)} is not.`);
      // RFC 7644 §3.4.2.2: gt/ge/lt/le on a boolean is invalidFilter; substring operators too.
      if (op !== 'eq' && op !== 'ne') throw invalidFilter(`Operator "${op}" cannot compare the boolean "${attrPath}".`);
      return value;
    }
    case 'dateTime': {
      if (typeof compValue !== 'string' || Number.isNaN(Date.parse(compValue))) {
        throw invalidFilter(`"${attrPath}" is a dateTime; ${JSON.stringify(compValue)} is not.`);
      }
      return compValue;
    }
    case 'integer':
    case 'decimal': {
      const value = typeof compValue === 'string' ? Number(compValue) : compValue;
      if (typeof value !== 'number' || Number.isNaN(value)) {
        throw invalidFilter(`"${attrPath}" is numeric; ${JSON.stringify(compValue)} is not.`);
      }
      if (SUBSTRING_OPERATORS.has(op)) throw invalidFilter(`Operator "${op}" cannot compare the number "${attrPath}".`);
      return value;
    }
    case 'binary':
      if (ORDERING_OPERATORS.has(op)) throw invalidFilter(`Operator "${op}" cannot compare the binary "${attrPath}".`);
      return String(compValue);
    default:
      return String(compValue);
  }
}
