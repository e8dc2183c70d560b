/**
 * The body of POST .search (RFC 7644 §3.4.3). It is turned into the query parameters of the
 * equivalent GET and read by `parseListQuery`, so that GET and .search cannot drift apart.
 */
import { badRequest } from './errors.js';
import { isPlainObject } from './json.js';
import { parseListQuery, type ListQuery, type ListQueryOptions } from './list.js';

export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest('invalidValue', `${name} must be a string.`);
  return value;
}

function integerField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw badRequest('invalidValue', `${name} must be an integer.`);
  return String(value);
}

/** §3.4.3: `attributes` and `excludedAttributes` are multi-valued lists of strings. */
function attributesField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw badRequest('invalidValue', `${name} must be an array of attribute names.`);
  }
  if (value.some((v: string) => v.includes(','))) throw badRequest('invalidValue', `${name} holds one attribute name per entry.`);
  return value.join(',');
}

/**
 * A SearchRequest as a ListQuery. A body that is not a SearchRequest message is 400
 * invalidSyntax; a member of the wrong type is 400 invalidValue naming it.
 */
export function parseSearchRequest(body: unknown, options: ListQueryOptions): ListQuery {
  if (!isPlainObject(body)) throw badRequest('invalidSyntax', 'The body of a .search request must be a SearchRequest object.');
  const schemas = body['schemas'];
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase())) {
    throw badRequest('invalidSyntax', `A .search body must list the schema ${SEARCH_REQUEST_SCHEMA}.`);
  }
  const query: Record<string, string> = {};
  const fields: Array<[string, string | undefined]> = [
    ['filter', stringField(body, 'filter')],
    ['sortBy', stringField(body, 'sortBy')],
    ['sortOrder', stringField(body, 'sortOrder')],
    ['startIndex', integerField(body, 'startIndex')],
    ['count', integerField(body, 'count')],
    ['attributes', attributesField(body, 'attributes')],
    ['excludedAttributes', attributesField(body, 'excludedAttributes')],
  ];
  for (const [name, value] of fields) if (value !== undefined) query[name] = value;
  return parseListQuery(query, options);
}
