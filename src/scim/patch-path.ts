import type { Filter } from 'scim2-parse-filter';
import { resolveAttribute, splitUrnPath } from './attributes.js';
import type { ResolvedAttribute } from './attributes.js';
import { ScimError, badRequest } from './errors.js';
import { parseValueFilter } from './filter-parse.js';
import type { ResourceTypeName } from './schemas.js';

/**
 * A PATCH path (RFC 7644 §3.5.2: `attrPath` or `valuePath ["." subAttr]`) resolved against
 * the resource type's schemas. Unknown attributes are kept (they are stored as sent), with
 * no definition.
 */
export interface PatchPath {
  /** The attribute, with `subName` set for `name.givenName`-style paths. */
  attribute: ResolvedAttribute;
  /** The normalised value filter of `emails[type eq "work"]`, relative to the sub-attributes. */
  valueFilter?: Filter;
  /** The sub-attribute after a value filter: `value` in `emails[type eq "work"].value`. */
  filterSubName?: string;
}

const VALUE_PATH = /^([^[\]]+)\[(.+)\](?:\.([A-Za-z$][\w$-]*))?$/s;

export function parsePatchPath(path: string, resourceType: ResourceTypeName, label: string): PatchPath {
  const invalid = (reason: string): ScimError => badRequest('invalidPath', `${label}: invalid path ${JSON.stringify(path)}: ${reason}.`);
  const { urn, rest } = splitUrnPath(path);
  const prefix = urn === undefined ? '' : `${urn}:`;
  const match = VALUE_PATH.exec(rest);
  if (!match) {
    if (/[[\]]/.test(rest)) throw invalid('unbalanced brackets');
    const attribute = resolveAttribute(path, resourceType, { allowUnknown: true });
    if (!attribute) throw invalid('not an attribute path');
    return { attribute };
  }
  const [, name = '', filterText = '', filterSub] = match;
  const attribute = resolveAttribute(`${prefix}${name}`, resourceType, { allowUnknown: true });
  if (!attribute || attribute.subName !== undefined) throw invalid('a value filter must follow a top-level attribute');
  if (attribute.definition?.type !== 'complex' || !attribute.definition.multiValued) {
    throw invalid(`"${attribute.name}" is not a multi-valued complex attribute`);
  }
  let valueFilter: Filter;
  try {
    valueFilter = parseValueFilter(filterText, attribute);
  } catch (error) {
    if (error instanceof ScimError) throw badRequest('invalidFilter', `${label}: ${error.detail}`);
    throw error;
  }
  const result: PatchPath = { attribute, valueFilter };
  if (filterSub !== undefined) {
    const sub = attribute.definition.subAttributes?.find((d) => d.name.toLowerCase() === filterSub.toLowerCase());
    if (!sub) throw invalid(`"${attribute.name}" has no sub-attribute "${filterSub}"`);
    result.filterSubName = sub.name;
  }
  return result;
}
