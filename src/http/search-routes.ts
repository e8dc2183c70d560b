/**
 * POST .search (RFC 7644 §3.4.3): a query sent in the body instead of the URL, for a filter too
 * long or too private for a query string. `/Users/.search` and `/Groups/.search` answer exactly
 * what the GET of the same parameters answers (list-requests.ts builds both); the root
 * `/.search` (§3.4.2.1) lists Users, then Groups, or both merged by `sortBy`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GroupService } from '../provisioning/group-service.js';
import type { ScimObject } from '../provisioning/user-mapping.js';
import type { ResourceContext } from '../provisioning/user-view.js';
import type { UserService } from '../provisioning/user-service.js';
import { ScimError, listResponse, parseFilter, type ListQuery } from '../scim/index.js';
import { parseSearchRequest } from '../scim/search-request.js';
import { resourceComparator, resolveSort } from '../scim/sort.js';
import { groupListPage, groupListRequest, shownGroup, shownUser, userListPage, userListRequest } from './list-requests.js';
import { sendScim } from './scim-reply.js';

export interface SearchRouteDeps {
  users: UserService;
  groups: GroupService;
  maxPageSize: number;
  ctx: (request: FastifyRequest) => ResourceContext;
  /** The GET /Groups rule for whether members are read, given `attributes`/`excludedAttributes`. */
  wantsMembers: (query: Record<string, string | undefined>) => boolean;
}

type Page = { totalResults: number; resources: ScimObject[] };

export function registerSearchRoutes(app: FastifyInstance, deps: SearchRouteDeps): void {
  const parse = (request: FastifyRequest) => parseSearchRequest(request.body, { maxCount: deps.maxPageSize, defaultCount: 100 });
  const withMembers = (list: ListQuery) =>
    deps.wantsMembers({ attributes: list.attributes?.join(','), excludedAttributes: list.excludedAttributes?.join(',') });
  const reply = (list: ListQuery, page: { totalResults: number; resources: unknown[] }) =>
    listResponse(page.resources, { totalResults: page.totalResults, startIndex: list.startIndex });

  app.post('/Users/.search', async (request, res) => {
    const list = parse(request);
    return sendScim(res, 200, await userListPage(deps.users, list, deps.ctx(request)));
  });

  app.post('/Groups/.search', async (request, res) => {
    const list = parse(request);
    return sendScim(res, 200, await groupListPage(deps.groups, list, deps.ctx(request), withMembers(list)));
  });

  app.post('/.search', async (request, res) => {
    const list = parse(request);
    const ctx = deps.ctx(request);
    const filters = rootFilters(list);
    const sort = resolveSort(list, ['User', 'Group']);
    // The sort is resolved once for both types: `userName` is valid here, and groups lack it.
    const { sortBy: _sortBy, sortOrder: _sortOrder, ...unsorted } = list;
    const userRequest = (startIndex: number, count: number) =>
      filters.User === null ? null : { ...userListRequest(unsorted, filters.User), startIndex, count, sort };
    const groupRequest = (startIndex: number, count: number) =>
      filters.Group === null ? null : { ...groupListRequest(unsorted, withMembers(list), filters.Group), startIndex, count, sort };
    const none: Page = { totalResults: 0, resources: [] };
    const listUsers = async (startIndex: number, count: number) => {
      const q = userRequest(startIndex, count);
      return q === null ? none : deps.users.list(q, ctx);
    };
    const listGroups = async (startIndex: number, count: number) => {
      const q = groupRequest(startIndex, count);
      return q === null ? none : deps.groups.list(q, ctx);
    };

    const offset = list.startIndex - 1;
    if (sort === undefined) {
      // Users first, then Groups: the window runs on into the groups where the users end.
      const users = await listUsers(list.startIndex, list.count);
      const groups = await listGroups(Math.max(0, offset - users.totalResults) + 1, Math.max(0, list.count - users.resources.length));
      const resources = [...users.resources.map(shownUser(list)), ...groups.resources.map(shownGroup(list, withMembers(list)))];
      return sendScim(res, 200, reply(list, { totalResults: users.totalResults + groups.totalResults, resources }));
    }
    // A sort across both types needs both lists whole; each is sorted by its service, then merged.
    const everything = Number.MAX_SAFE_INTEGER;
    const [users, groups] = [await listUsers(1, everything), await listGroups(1, everything)];
    const tagged = [
      ...users.resources.map((r) => ({ r, type: 'User' as const })),
      ...groups.resources.map((r) => ({ r, type: 'Group' as const })),
    ];
    const compare = resourceComparator(sort);
    tagged.sort((a, b) => compare(a.r, b.r));
    const show = { User: shownUser(list), Group: shownGroup(list, withMembers(list)) };
    const resources = tagged.slice(offset, offset + list.count).map(({ r, type }) => show[type](r));
    return sendScim(res, 200, reply(list, { totalResults: tagged.length, resources }));
  });
}

/**
 * A root filter applies to every resource type (§3.4.2.1): a type whose schema lacks an
 * attribute the filter names matches nothing, and only a filter neither type can read is 400.
 */
function rootFilters(list: ListQuery): Record<'User' | 'Group', ReturnType<typeof parseFilter> | undefined | null> {
  if (list.filter === undefined) return { User: undefined, Group: undefined };
  const text = list.filter;
  const attempt = (type: 'User' | 'Group') => {
    try {
      return { ast: parseFilter(text, type) };
    } catch (err) {
      if (err instanceof ScimError) return { err };
      throw err;
    }
  };
  const user = attempt('User');
  const group = attempt('Group');
  if (user.err && group.err) throw user.err;
  return { User: user.ast ?? null, Group: group.ast ?? null };
}
