/**
 * Sorting (RFC 7644 §3.4.2.3): which attributes a list can be sorted by, and the one order both
 * the server's own sort and the Jamf-sorted pages are held to.
 */
import { badRequest } from './errors.js';
import { GROUP_SCHEMA, USER_SCHEMA } from './urns.js';

export type SortableType = 'User' | 'Group';
export type SortAttribute = 'id' | 'userName' | 'displayName' | 'externalId' | 'meta.created' | 'meta.lastModified';

export interface ResourceSort {
  attribute: SortAttribute;
  descending: boolean;
}

const SORTABLE: Record<SortableType, readonly SortAttribute[]> = {
  User: ['userName', 'displayName', 'externalId', 'meta.created', 'meta.lastModified', 'id'],
  Group: ['displayName', 'externalId', 'meta.created', 'meta.lastModified', 'id'],
};

/** RFC 7643 §4.1.1, §8.7.1: `id` and `externalId` are caseExact; the names are not. */
const CASE_EXACT = new Set<SortAttribute>(['id', 'externalId', 'meta.created', 'meta.lastModified']);

const CORE_SCHEMA: Record<SortableType, string> = { User: USER_SCHEMA, Group: GROUP_SCHEMA };

/**
 * The sort a request asks for, or undefined without `sortBy`. Attribute names match without
 * case and may carry the core schema URN (RFC 7644 §3.10). The RFC lets a service provider
 * ignore an attribute it cannot sort by; a 400 naming it is clearer to whoever configures the IdP.
 * A `sortOrder` other than "ascending" or "descending" is 400 too; without `sortBy` it is ignored.
 */
export function resolveSort(
  request: { sortBy?: string; sortOrder?: string },
  types: readonly SortableType[],
): ResourceSort | undefined {
  if (request.sortBy === undefined) return undefined;
  const order = request.sortOrder?.trim().toLowerCase();
  if (order !== undefined && order !== 'ascending' && order !== 'descending') {
    throw badRequest('invalidValue', `sortOrder must be "ascending" or "descending", got ${JSON.stringify(request.sortOrder)}.`);
  }
  const wanted = request.sortBy.trim();
  for (const type of types) {
    const prefix = `${CORE_SCHEMA[type].toLowerCase()}:`;
    const bare = wanted.toLowerCase().startsWith(prefix) ? wanted.slice(prefix.length) : wanted;
    const attribute = SORTABLE[type].find((a) => a.toLowerCase() === bare.toLowerCase());
    if (attribute) return { attribute, descending: order === 'descending' };
  }
  const offered = [...new Set(types.flatMap((t) => SORTABLE[t]))].join(', ');
  throw badRequest('invalidValue', `Cannot sort by ${JSON.stringify(request.sortBy)}; sortBy may be one of: ${offered}.`);
}

type Resource = Record<string, unknown>;

/** The value a resource sorts by; undefined when it has none. */
export function sortValue(resource: Resource, attribute: SortAttribute): string | undefined {
  const raw = attribute.startsWith('meta.')
    ? (resource.meta as Resource | undefined)?.[attribute.slice(5)]
    : resource[attribute];
  return typeof raw === 'string' && raw !== '' ? raw : undefined;
}

const codePoints = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Unicode's root collation (no locale, as §3.4.2.3 asks; CLDR's `en` is the root order, and
 * naming it keeps the process locale out), ignoring case. It orders `Émile` before `ezra` as
 * Jamf's accent-insensitive database collation does, so a list sorted here and one sorted by
 * Jamf agree on such names.
 */
const caseless = new Intl.Collator('en', { sensitivity: 'accent' });

/**
 * Ids are Jamf's numbers for groups and for users this server did not create, UUIDs otherwise:
 * numbers compare as numbers and come before the rest, so `sortBy=id` matches the default order.
 */
export function compareIds(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return a.length - b.length || codePoints(a, b);
  if (na !== nb) return na ? -1 : 1;
  return codePoints(a, b);
}

/**
 * The comparator of a sort. Case-insensitive strings compare by the root collation without case,
 * caseExact ones by code point (§3.4.2.3). A resource without a value comes last
 * ascending and first descending. Ties go by id, ascending in both orders, so that pages of one
 * sorted list never overlap or skip (the list is a total order).
 */
export function resourceComparator(sort: ResourceSort): (a: Resource, b: Resource) => number {
  const exact = CASE_EXACT.has(sort.attribute);
  const order = sort.attribute === 'id' ? compareIds : exact ? codePoints : caseless.compare;
  const sign = sort.descending ? -1 : 1;
  return (a, b) => {
    const ka = sortValue(a, sort.attribute);
    const kb = sortValue(b, sort.attribute);
    let d = 0;
    if (ka === undefined || kb === undefined) d = ka === kb ? 0 : ka === undefined ? 1 : -1;
    else d = order(ka, kb);
    if (d !== 0) return d * sign;
    return compareIds(String(a.id ?? ''), String(b.id ?? ''));
  };
}

/** A sorted copy (Array.prototype.sort is stable, and the comparator is total anyway). */
export function sortResources<T extends Resource>(resources: readonly T[], sort: ResourceSort): T[] {
  return [...resources].sort(resourceComparator(sort));
}
