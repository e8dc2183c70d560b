/**
 * From a parsed list query (GET or POST .search) to what the services are asked for: the
 * filter split into an indexed lookup and a predicate (design.md §5), and the sort
 * (RFC 7644 §3.4.2.3); and from their answer to the ListResponse. GET /Users, GET /Groups and
 * every .search go through here, so that they cannot drift apart.
 */
import type { GroupListQuery } from '../provisioning/group-reads.js';
import type { GroupService } from '../provisioning/group-service.js';
import type { SortedUserListQuery } from '../provisioning/user-listing.js';
import type { ScimObject } from '../provisioning/user-mapping.js';
import type { ResourceContext } from '../provisioning/user-view.js';
import type { UserService } from '../provisioning/user-service.js';
import { compileFilter, indexedLookup, listResponse, parseFilter, project, type ListQuery } from '../scim/index.js';
import { resolveSort } from '../scim/sort.js';
import { versioned } from './conditional.js';

type FilterAst = ReturnType<typeof parseFilter>;

export function userListRequest(list: ListQuery, ast: FilterAst | undefined = parsedFilter(list, 'User')): SortedUserListQuery {
  const indexed = ast ? indexedLookup(ast, 'User') : null;
  const lookup = indexed && indexed.kind !== 'displayName' && indexed.kind !== 'member' ? indexed : null;
  return {
    lookup: lookup ? { kind: lookup.kind as 'id' | 'userName' | 'externalId' | 'email', value: lookup.value } : undefined,
    predicate: ast ? compileFilter(ast, 'User') : undefined,
    startIndex: list.startIndex,
    count: list.count,
    sort: resolveSort(list, ['User']),
  };
}

export function groupListRequest(
  list: ListQuery,
  withMembers: boolean,
  ast: FilterAst | undefined = parsedFilter(list, 'Group'),
): GroupListQuery {
  const indexed = ast ? indexedLookup(ast, 'Group') : null;
  const lookup = indexed && ['id', 'displayName', 'externalId', 'member'].includes(indexed.kind) ? indexed : null;
  // The lookup applies its own term; only the rest of the filter is evaluated per group, so a
  // `displayName eq` read with excludedAttributes=members needs no group reads (design.md §5).
  const residual = lookup ? lookup.rest : ast;
  return {
    lookup: lookup ? { kind: lookup.kind as 'id' | 'displayName' | 'externalId' | 'member', value: lookup.value } : undefined,
    predicate: residual ? compileFilter(residual, 'Group') : undefined,
    startIndex: list.startIndex,
    count: list.count,
    withMembers,
    sort: resolveSort(list, ['Group']),
  };
}

function parsedFilter(list: ListQuery, type: 'User' | 'Group'): FilterAst | undefined {
  return list.filter === undefined ? undefined : parseFilter(list.filter, type);
}

/** A listed user as it goes out: versioned, then projected (RFC 7644 §3.9). */
export const shownUser = (list: ListQuery) => (r: ScimObject) => project(versioned(r, 'User').resource, list, 'User');

/** Groups read without their members cannot be versioned (src/scim/etag.ts). */
export const shownGroup = (list: ListQuery, withMembers: boolean) => (r: ScimObject) =>
  project(versioned(r, 'Group', withMembers).resource, list, 'Group');

export async function userListPage(users: UserService, list: ListQuery, ctx: ResourceContext) {
  const result = await users.list(userListRequest(list), ctx);
  return listResponse(result.resources.map(shownUser(list)), { totalResults: result.totalResults, startIndex: list.startIndex });
}

export async function groupListPage(groups: GroupService, list: ListQuery, ctx: ResourceContext, withMembers: boolean) {
  const result = await groups.list(groupListRequest(list, withMembers), ctx);
  return listResponse(result.resources.map(shownGroup(list, withMembers)), { totalResults: result.totalResults, startIndex: list.startIndex });
}
