import type { Filter } from 'scim2-parse-filter';
import { isCoreSchemaUrn } from './attributes.js';
import { badRequest } from './errors.js';
import { memberTypeProblem } from './group-resource.js';
import { getCaseInsensitive, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import { opLabel, parsePatchBody } from './patch-body.js';
import type { PatchOperation } from './patch-body.js';
import { parsePatchPath } from './patch-path.js';
import type { PatchContext } from './user-patch.js';
import { nameProblem, textProblem } from './text-rules.js';

/**
 * What a PATCH /Groups asks for, reduced in operation order so a later operation overrides
 * an earlier one. Membership after the patch is `replace` (when set) or the current members,
 * minus `remove`, plus `add`; `add` and `remove` never share an id. Once a replace or a
 * remove-all happened, later adds and removes are folded into `replace`, which is then the
 * complete membership.
 */
export interface GroupPatchDelta {
  add: Set<string>;
  remove: Set<string>;
  replace?: string[];
  /** True whenever `replace` is set: the membership from before the patch is discarded. */
  removeAll?: boolean;
  displayName?: string;
  /** `null` clears the externalId. */
  externalId?: string | null;
}

/**
 * Reduces a PATCH /Groups body to a membership and attribute delta, so the backend can make
 * one call instead of rewriting a member array (design §5). Every form Okta and Entra send is
 * understood (idp-behaviour A1.2, A2.1, A2.2): `add`/`replace` on `members` with an array,
 * `replace` with `[]`, `remove` with `members[value eq "id"]` or with `path: "members"` and a
 * value array, `remove` of `members` with no value (all members), and no-path values such as
 * Okta's `{"id": "<same id>", "displayName": "…"}` rename. Unknown attributes are ignored.
 * Values are checked as POST and PUT /Groups check them: members are an array of objects with
 * a string `value` (a bare id, a number or a single object is refused; a number would name a
 * Jamf user by accident), `displayName` follows the identifier rule and `externalId` is a string
 * (text-rules.ts).
 */
export function reduceGroupPatch(body: unknown, context: PatchContext = {}): GroupPatchDelta {
  const delta: GroupPatchDelta = { add: new Set(), remove: new Set() };
  for (const operation of parsePatchBody(body)) {
    const label = opLabel(operation.index);
    if (operation.path === undefined) {
      if (operation.op === 'remove') throw badRequest('noTarget', `${label}: "remove" requires a path.`);
      if (!isPlainObject(operation.value)) {
        throw badRequest('invalidValue', `${label}: without a path, the value must be an object of attributes.`);
      }
      for (const [key, value] of expandNoPath(operation.value)) {
        applyPath(delta, { ...operation, path: key, value, hasValue: true }, label, context);
      }
    } else {
      applyPath(delta, operation, label, context);
    }
  }
  return delta;
}

function expandNoPath(value: JsonObject): Array<[string, unknown]> {
  return Object.entries(value).flatMap(([key, child]): Array<[string, unknown]> =>
    isCoreSchemaUrn('Group', key) && isPlainObject(child) ? expandNoPath(child) : [[key, child]],
  );
}

function applyPath(delta: GroupPatchDelta, operation: PatchOperation, label: string, context: PatchContext): void {
  const target = parsePatchPath(operation.path as string, 'Group', label);
  const { attribute } = target;
  if (attribute.extension !== undefined) return;
  const { op, value } = operation;
  switch (attribute.name) {
    case 'members':
      if (target.valueFilter) {
        if (op !== 'remove' || target.filterSubName !== undefined) {
          throw badRequest('invalidPath', `${label}: members can only be removed through a value filter; add them with path "members".`);
        }
        return removeMembers(delta, filterIds(target.valueFilter, label));
      }
      if (attribute.subName !== undefined) {
        throw badRequest('invalidPath', `${label}: "${operation.path}" cannot be patched; use path "members".`);
      }
      if (op === 'remove') {
        // Entra's default dialect removes with a value array; no value removes everyone.
        if (value === undefined || value === null) return replaceMembers(delta, []);
        return removeMembers(delta, memberIds(value, label));
      }
      if (op === 'replace') return replaceMembers(delta, value === null ? [] : memberIds(value, label));
      if (value !== null) addMembers(delta, memberIds(value, label));
      return;
    case 'displayName': {
      if (op === 'remove') throw badRequest('mutability', `${label}: "displayName" is required and cannot be removed.`);
      const problem = nameProblem(value);
      if (problem) throw badRequest('invalidValue', `${label}: displayName ${problem}.`);
      delta.displayName = value as string;
      return;
    }
    case 'externalId': {
      if (op === 'remove' || value === null || value === '') {
        delta.externalId = null;
        return;
      }
      if (typeof value !== 'string') throw badRequest('invalidValue', `${label}: externalId must be a string.`);
      const problem = textProblem(value, 'store');
      if (problem) throw badRequest('invalidValue', `${label}: externalId ${problem}.`);
      delta.externalId = value;
      return;
    }
    case 'id':
      // Okta repeats the group's own id in every rename (idp-behaviour A1.2).
      if (op !== 'remove' && (context.resourceId === undefined || String(value) === context.resourceId)) return;
      throw badRequest('mutability', `${label}: "id" is read-only.`);
    default:
      // meta, schemas and attributes a Jamf static group cannot hold are ignored.
      return;
  }
}

function memberIds(value: unknown, label: string): string[] {
  if (!Array.isArray(value)) throw badRequest('invalidValue', `${label}: members must be an array of members.`);
  return value.map((item, index) => {
    const id = isPlainObject(item) ? getCaseInsensitive(item, 'value') : undefined;
    if (typeof id !== 'string' || id === '') {
      throw badRequest('invalidValue', `${label}: members[${index}] must be an object with a non-empty string "value".`);
    }
    const problem = textProblem(id, 'store');
    if (problem) throw badRequest('invalidValue', `${label}: members[${index}].value ${problem}.`);
    const typeProblem = memberTypeProblem(item);
    if (typeProblem) throw badRequest('invalidValue', `${label}: members[${index}].type ${typeProblem}.`);
    return id;
  });
}

/**
 * The ids named by `members[value eq "a"]` (or an `or` of such terms). A delta cannot
 * evaluate other filters, since it does not see the current members.
 */
function filterIds(filter: Filter, label: string): string[] {
  if (filter.op === 'eq' && filter.attrPath === 'value' && typeof filter.compValue === 'string') return [filter.compValue];
  if (filter.op === 'or') return filter.filters.flatMap((part) => filterIds(part, label));
  throw badRequest('invalidFilter', `${label}: only members[value eq "<id>"] filters are supported.`);
}

function addMembers(delta: GroupPatchDelta, ids: readonly string[]): void {
  for (const id of ids) {
    if (delta.replace) {
      if (!delta.replace.includes(id)) delta.replace.push(id);
    } else {
      delta.remove.delete(id);
      delta.add.add(id);
    }
  }
}

function removeMembers(delta: GroupPatchDelta, ids: readonly string[]): void {
  if (delta.replace) {
    const removed = new Set(ids);
    delta.replace = delta.replace.filter((id) => !removed.has(id));
    return;
  }
  for (const id of ids) {
    delta.add.delete(id);
    delta.remove.add(id);
  }
}

function replaceMembers(delta: GroupPatchDelta, ids: readonly string[]): void {
  delta.replace = [...new Set(ids)];
  delta.removeAll = true;
  delta.add.clear();
  delta.remove.clear();
}
