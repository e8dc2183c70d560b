import type { ResourceTypeName } from './schemas.js';

/**
 * Which characters a string attribute may hold, so that every value is either stored and read
 * back exactly or refused with 400 invalidValue (RFC 7644 §3.12) before anything is written:
 *
 * - `identifier`: userName, a group's displayName and e-mail addresses, which Jamf Pro holds and
 *   looks up (design.md §3). Jamf text (below), no control characters at all, and no leading or
 *   trailing whitespace: Jamf trims it, so the value would change silently and neither the value
 *   sent nor the trimmed one would find the resource again through `eq`.
 * - `jamf`: the other attributes written to Jamf Pro's Classic XML (name parts, displayName,
 *   title, phone numbers). Only XML 1.0 §2.2 `Char` (no C0 controls but TAB, LF and CR; no
 *   unpaired surrogates; no U+FFFE/U+FFFF), and no CR: XML 1.0 §2.11 turns every line end into
 *   LF, so a CR never reads back as sent.
 * - `store`: everything else, kept only in the state store and returned as sent. Any Unicode
 *   text except U+0000 (PostgreSQL text and jsonb cannot hold it) and unpaired surrogates (not
 *   Unicode text: UTF-8 cannot encode them, RFC 8259 §8.2).
 */
export type TextRule = 'identifier' | 'jamf' | 'store';

/** Canonical attribute paths (`name.givenName`, `emails.value`) whose text goes to Jamf Pro. */
const RULES: Readonly<Record<ResourceTypeName, ReadonlyMap<string, TextRule>>> = {
  User: new Map<string, TextRule>([
    ['userName', 'identifier'],
    ['emails.value', 'identifier'],
    ['name.formatted', 'jamf'],
    ['name.givenName', 'jamf'],
    ['name.familyName', 'jamf'],
    ['displayName', 'jamf'],
    ['title', 'jamf'],
    ['phoneNumbers.value', 'jamf'],
  ]),
  Group: new Map<string, TextRule>([['displayName', 'identifier']]),
};

/** The rule for a canonical attribute path of a resource type: `store` unless Jamf holds it. */
export function textRuleFor(resourceType: ResourceTypeName, path: string): TextRule {
  return RULES[resourceType].get(path) ?? 'store';
}

/**
 * The same rules as a tree of attribute names, so that a walk over a resource finds the rule of
 * each value by following its names, without building a path string for every attribute.
 */
export interface RuleNode {
  readonly rule: TextRule;
  readonly children: ReadonlyMap<string, RuleNode>;
}

export const STORE_NODE: RuleNode = { rule: 'store', children: new Map() };

function buildTree(rules: ReadonlyMap<string, TextRule>): RuleNode {
  const root = { rule: 'store' as TextRule, children: new Map<string, RuleNode>() };
  for (const [path, rule] of rules) {
    let node = root;
    const names = path.split('.');
    for (const [index, name] of names.entries()) {
      let child = node.children.get(name) as typeof root | undefined;
      if (!child) {
        child = { rule: 'store', children: new Map() };
        node.children.set(name, child);
      }
      if (index === names.length - 1) child.rule = rule;
      node = child;
    }
  }
  return root;
}

const TREES: Readonly<Record<ResourceTypeName, RuleNode>> = { User: buildTree(RULES.User), Group: buildTree(RULES.Group) };

/** The root of a resource type's rule tree: its children are the top-level attributes. */
export function ruleTree(resourceType: ResourceTypeName): RuleNode {
  return TREES[resourceType];
}

/**
 * The node of a canonical attribute path. Extension attributes (`urn:…:department`) have no
 * rule of their own: none of them goes to Jamf Pro.
 */
export function ruleNodeAt(resourceType: ResourceTypeName, path: string): RuleNode {
  if (path.includes(':')) return STORE_NODE;
  let node = TREES[resourceType];
  for (const name of path.split('.')) node = node.children.get(name) ?? STORE_NODE;
  return node;
}

// Compiled once. Without the `u` flag a pattern sees UTF-16 code units, which is what finds an
// unpaired surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE}`);
const NOT_JAMF_TEXT = new RegExp(`[\\u0000-\\u0008\\u000B-\\u001F\\uFFFE\\uFFFF]|${LONE_SURROGATE}`);
const NOT_IDENTIFIER = new RegExp(`[\\u0000-\\u001F\\u007F\\uFFFE\\uFFFF]|${LONE_SURROGATE}`);
const PADDED = /^\s|\s$/;

const PATTERNS: Readonly<Record<TextRule, RegExp>> = { identifier: NOT_IDENTIFIER, jamf: NOT_JAMF_TEXT, store: UNSTORABLE };

const codePoint = (unit: string): string => `U+${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `value` breaks `rule`, as the end of a sentence that starts with the attribute, or undefined. */
export function textProblem(value: string, rule: TextRule): string | undefined {
  const found = PATTERNS[rule].exec(value)?.[0];
  if (found !== undefined) return characterProblem(found, rule);
  if (rule === 'identifier' && PADDED.test(value)) return 'must not begin or end with whitespace';
  return undefined;
}

function characterProblem(found: string, rule: TextRule): string {
  const at = codePoint(found);
  const unit = found.charCodeAt(0);
  if (unit >= 0xd800 && unit <= 0xdfff) return `contains an unpaired surrogate (${at}), which is not Unicode text`;
  if (rule === 'store') return `contains a character that cannot be stored (${at})`;
  if (rule === 'identifier' && (unit < 0x20 || unit === 0x7f)) return `must not contain control characters (${at})`;
  if (unit === 0x0d) return `contains a carriage return (${at}), which Jamf Pro does not keep; use LF (U+000A) for line breaks`;
  return `contains a character Jamf Pro cannot store (${at})`;
}

/** Jamf Pro stores the user name and the group name in 255-character columns. */
export const MAX_NAME_LENGTH = 255;

/** Why a userName or group displayName is unusable, or undefined when it is fine. */
export function nameProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return 'is required';
  if (typeof value !== 'string') return 'must be a string';
  if (value.trim() === '') return 'must not be empty';
  if (codePointLength(value) > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters`;
  return textProblem(value, 'identifier');
}

/** Length in code points, as a database column counts it; cheap for the short values names are. */
function codePointLength(value: string): number {
  if (value.length <= MAX_NAME_LENGTH) return value.length;
  if (value.length > 2 * MAX_NAME_LENGTH) return value.length;
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
