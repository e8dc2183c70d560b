import { z } from 'zod';
import { coreAttributes, findDefinition, isCoreSchemaUrn } from './attributes.js';
import { canonicaliseValue, stripNulls } from './canonicalise.js';
import { badRequest } from './errors.js';
import { assertSafeJson, getCaseInsensitive, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import type { ScimGroup } from './types.js';
import { GROUP_SCHEMA } from './urns.js';
import { nameSchema, resourceSchemas } from './user-resource.js';
import { zodToScimError } from './validation.js';
import { zodShape } from './zod-schemas.js';

const IGNORED_GROUP_ATTRIBUTES = new Set(['id', 'meta', 'schemas']);

const memberSchema = z.looseObject({
  value: z.string({ error: 'is required and must be a string' }).min(1, 'must not be empty'),
  display: z.string().optional(),
  $ref: z.string().optional(),
  type: z.string().optional(),
});

const groupSchema = z.looseObject({
  ...zodShape(coreAttributes('Group')),
  schemas: z.array(z.string()),
  displayName: nameSchema,
  members: z.array(memberSchema).optional(),
});

/**
 * Parses a POST/PUT /Groups body leniently, like `parseUserBody`: canonical attribute names,
 * nulls (Entra's `"$ref": null`) as absent, unknown attributes and `schemas` URIs kept (Entra
 * adds `…/ADSCIM/2.0/Group`, idp-behaviour A2.1), `id` and `meta` dropped. `displayName` is
 * required; members need a `value` and are de-duplicated by it, keeping the first.
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

  const parsed = groupSchema.safeParse(group);
  if (!parsed.success) throw zodToScimError(parsed.error);
  const result = parsed.data as ScimGroup;
  if (result.members) result.members = uniqueMembers(result.members);
  return result;
}

function uniqueMembers(members: NonNullable<ScimGroup['members']>): NonNullable<ScimGroup['members']> {
  const seen = new Set<string>();
  return members.filter((member) => !seen.has(member.value) && seen.add(member.value));
}
