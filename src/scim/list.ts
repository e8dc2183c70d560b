import { splitAttributeNames } from './attributes.js';
import { badRequest } from './errors.js';
import { LIST_RESPONSE_SCHEMA } from './urns.js';

/** RFC 7644 §3.4.2.4 paging and §3.9 projection parameters, plus the raw filter text. */
export interface ListQuery {
  /** 1-based. */
  startIndex: number;
  count: number;
  /** The filter as sent (URL-decoded); parse it with `parseFilter`. */
  filter?: string;
  attributes?: string[];
  excludedAttributes?: string[];
  /** RFC 7644 §3.4.2.3, as sent; `resolveSort` (sort.ts) checks them against the resource type. */
  sortBy?: string;
  sortOrder?: string;
}

export interface ListQueryOptions {
  maxCount: number;
  /** Okta pages with count=100 (idp-behaviour A1.1, A3.2). */
  defaultCount?: number;
}

/** A query string as an HTTP framework hands it over: repeated parameters become arrays. */
export type QueryParameters = Record<string, unknown>;

/**
 * Reads the list parameters of GET /Users and /Groups. Parameter names are matched
 * case-insensitively (clients send `startindex`, `Count`). Per RFC 7644 §3.4.2.4 a
 * startIndex below 1 means 1, a negative count means 0, and a count above the maximum is
 * lowered to it; a value that is not an integer is 400 invalidValue. sortBy/sortOrder are
 * passed on as sent. POST .search builds its query through here too (search-request.ts).
 */
export function parseListQuery(query: QueryParameters, options: ListQueryOptions): ListQuery {
  const read = parameterReader(query);
  const startIndex = integer(read('startIndex'), 'startIndex') ?? 1;
  const count = integer(read('count'), 'count') ?? options.defaultCount ?? 100;
  const result: ListQuery = {
    startIndex: Math.max(1, startIndex),
    count: Math.min(Math.max(0, count), Math.max(0, options.maxCount)),
  };
  const filter = read('filter')?.trim();
  if (filter) result.filter = filter;
  const attributes = attributeList(read('attributes'));
  if (attributes) result.attributes = attributes;
  const excludedAttributes = attributeList(read('excludedAttributes'));
  if (excludedAttributes) result.excludedAttributes = excludedAttributes;
  const sortBy = read('sortBy')?.trim();
  if (sortBy) result.sortBy = sortBy;
  const sortOrder = read('sortOrder');
  if (sortOrder !== undefined && sortOrder.trim() !== '') result.sortOrder = sortOrder;
  return result;
}

function parameterReader(query: QueryParameters): (name: string) => string | undefined {
  const byName = new Map<string, unknown>();
  for (const [key, value] of Object.entries(query)) {
    const lower = key.toLowerCase();
    if (!byName.has(lower)) byName.set(lower, value);
  }
  return (name) => {
    const value = byName.get(name.toLowerCase());
    // A repeated parameter counts once, with its first value.
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : typeof first === 'number' ? String(first) : undefined;
  };
}

function integer(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^[+-]?\d+$/.test(text.trim())) throw badRequest('invalidValue', `${name} must be an integer, got ${JSON.stringify(text)}.`);
  const value = Number(text);
  return Math.max(Math.min(value, Number.MAX_SAFE_INTEGER), -Number.MAX_SAFE_INTEGER);
}

/** `attributes=userName, name.givenName` → ["userName", "name.givenName"]. */
export function attributeList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = splitAttributeNames(text);
  return names.length > 0 ? names : undefined;
}

/** RFC 7644 §3.4.2 ListResponse. Counts are integers and `Resources` is always present. */
export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

/**
 * Okta and Entra read `Resources` unconditionally and need integer counts
 * (idp-behaviour A1.1, A3.2), so an empty page is `Resources: []`.
 */
export function listResponse<T>(
  resources: readonly T[],
  page: { totalResults?: number; startIndex?: number } = {},
): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: Math.trunc(page.totalResults ?? resources.length),
    startIndex: Math.trunc(page.startIndex ?? 1),
    itemsPerPage: resources.length,
    Resources: [...resources],
  };
}
