import { coreAttributes, findDefinition, isCoreSchemaUrn } from './attributes.js';
import { resourceProblem } from './attribute-check.js';
import { canonicaliseValue, stripNulls } from './canonicalise.js';
import { badRequest } from './errors.js';
import { assertSafeJson, getCaseInsensitive, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import { nameProblem } from './text-rules.js';
import type { ScimGroup } from './types.js';
import { GROUP_SCHEMA } from './urns.js';
import { resourceSchemas } from './user-resource.js';

const IGNORED_GROUP_ATTRIBUTES = new Set(['id', 'meta', 'schemas']);

/**
 * Parses a POST/PUT /Groups body leniently, like `parseUserBody`: canonical attribute names,
 * nulls (Entra's `"$ref": null`) as absent, unknown attributes and `schemas` URIs kept (Entra
 * adds `…/ADSCIM/2.0/Group`, idp-behaviour A2.1), `id` and `meta` dropped. `displayName` is
 * required and follows the identifier rule (text-rules.ts); `members` is an array of objects
 * whose `value` is a non-empty string (RFC 7643 §4.2), de-duplicated by it, keeping the first.
 * A member given as a bare id or a number is refused: neither Okta nor Entra sends one, and a
 * number would name a Jamf user by accident.
 */
export function parseGroupBody(json: unknown): ScimGroup {
  if (!isPlainObject(json)) throw badRequest('invalidSyntax', 'Group body must be a JSON object.');
  assertSafeJson(json);
  const group: JsonObject = {};
  const take = (source: JsonObject): void => {
    for (const [key, value] of Object.entries(source)) {
      if (IGNORED_GROUP_ATTRIBUTES.has(key.toLowerCase())) continue;
      if (isCoreSchemaUrn('Group', key) && isPlainObject(value)) {
        take(value);
        continue;
      }
      const definition = findDefinition(coreAttributes('Group'), key);
      const canonical = definition ? canonicaliseValue(definition, value) : stripNulls(value);
      if (canonical !== undefined) group[definition?.name ?? key] = canonical;
    }
  };
  take(json);
  if (group.externalId === '') delete group.externalId;
  group.schemas = resourceSchemas(getCaseInsensitive(json, 'schemas'), GROUP_SCHEMA, group);

  const displayNameProblem = nameProblem(group.displayName);
  if (displayNameProblem) throw badRequest('invalidValue', `displayName ${displayNameProblem}.`);
  const problem = resourceProblem('Group', group) ?? memberValueProblem(group.members);
  if (problem) throw badRequest('invalidValue', `${problem}.`);
  const result = group as ScimGroup;
  if (result.members) result.members = uniqueMembers(result.members);
  return result;
}

/** `members[].value` is the one sub-attribute a member must carry; its type is checked already. */
function memberValueProblem(members: unknown): string | undefined {
  if (!Array.isArray(members)) return undefined;
  for (const [index, member] of members.entries()) {
    const value = (member as JsonObject).value;
    if (value === undefined) return `members[${index}].value is required`;
    if (value === '') return `members[${index}].value must not be empty`;
    const typeProblem = memberTypeProblem(member);
    if (typeProblem) return `members[${index}].type ${typeProblem}`;
  }
  return undefined;
}

/**
 * A Jamf static user group holds users only, so a member of another `type` (a nested "Group")
 * cannot be kept: it is refused rather than read as a user id and returned as "User"
 * (RFC 7643 §4.2; /Schemas publishes "User" as the one canonical value).
 */
export function memberTypeProblem(member: unknown): string | undefined {
  if (!isPlainObject(member)) return undefined;
  const type = getCaseInsensitive(member, 'type');
  if (type === undefined || type === null || (typeof type === 'string' && type.toLowerCase() === 'user')) return undefined;
  return `${JSON.stringify(type)} is not supported: a Jamf Pro static user group has only "User" members`;
}

function uniqueMembers(members: NonNullable<ScimGroup['members']>): NonNullable<ScimGroup['members']> {
  const seen = new Set<string>();
  return members.filter((member) => !seen.has(member.value) && seen.add(member.value));
}
