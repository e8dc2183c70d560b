import type { Filter } from 'scim2-parse-filter';
import { normaliseFilter } from './filter-parse.js';
import type { ResourceTypeName } from './schemas.js';

export type LookupKind = 'id' | 'userName' | 'externalId' | 'email' | 'displayName' | 'member';

/**
 * A filter a backend can answer with one keyed lookup. `rest`, when present, must still be
 * evaluated (with `compileFilter`) on what the lookup returns. Lookups for userName, email
 * and displayName must be case-insensitive (RFC 7643 caseExact false, idp-behaviour A2.3);
 * id, externalId and member ids are exact.
 */
export interface IndexedLookup {
  kind: LookupKind;
  value: string;
  rest?: Filter;
}

/** When several terms of an `and` are indexable, the most selective one is used. */
const PRIORITY: Record<LookupKind, number> = { id: 0, userName: 1, externalId: 2, email: 3, displayName: 4, member: 5 };

const EQ_KINDS: Record<ResourceTypeName, Record<string, LookupKind>> = {
  User: { id: 'id', userName: 'userName', externalId: 'externalId', 'emails.value': 'email' },
  Group: { id: 'id', displayName: 'displayName', externalId: 'externalId', 'members.value': 'member' },
};

const VALUE_PATH_KINDS: Record<ResourceTypeName, Record<string, LookupKind>> = {
  User: { emails: 'email' },
  Group: { members: 'member' },
};

/**
 * Recognises the filters IdPs use to match objects (idp-behaviour A3.1): `eq` on id,
 * userName, externalId, emails.value or `emails[type eq "work"].value` for users; on id,
 * displayName, externalId, members.value or `members[value eq "…"]` for groups; and an `and`
 * with one such term, such as Entra's `id eq "X" and manager eq "Y"`. Returns null when the
 * filter needs a scan.
 */
export function indexedLookup(ast: Filter, resourceType: ResourceTypeName): IndexedLookup | null {
  const terms = andTerms(normaliseFilter(ast, resourceType));
  let best: { index: number; lookup: IndexedLookup } | undefined;
  terms.forEach((term, index) => {
    const lookup = termLookup(term, resourceType);
    if (lookup && (!best || PRIORITY[lookup.kind] < PRIORITY[best.lookup.kind])) best = { index, lookup };
  });
  if (!best) return null;
  const chosen = best;
  const restTerms = terms.filter((_, index) => index !== chosen.index);
  if (chosen.lookup.rest) restTerms.push(chosen.lookup.rest);
  const rest = combine(restTerms);
  return rest ? { kind: chosen.lookup.kind, value: chosen.lookup.value, rest } : { kind: chosen.lookup.kind, value: chosen.lookup.value };
}

function andTerms(filter: Filter): Filter[] {
  return filter.op === 'and' ? filter.filters.flatMap(andTerms) : [filter];
}

function combine(terms: Filter[]): Filter | undefined {
  if (terms.length === 0) return undefined;
  if (terms.length === 1) return terms[0];
  return { op: 'and', filters: terms };
}

function termLookup(term: Filter, resourceType: ResourceTypeName): IndexedLookup | undefined {
  if (term.op === 'eq') {
    const kind = EQ_KINDS[resourceType][term.attrPath];
    return kind && typeof term.compValue === 'string' ? { kind, value: term.compValue } : undefined;
  }
  if (term.op === '[]') {
    const kind = VALUE_PATH_KINDS[resourceType][term.attrPath];
    if (!kind) return undefined;
    const inner = andTerms(term.valFilter);
    const value = inner.find((filter) => filter.op === 'eq' && filter.attrPath === 'value');
    if (value?.op !== 'eq' || typeof value.compValue !== 'string') return undefined;
    // Other conditions in the brackets (type eq "work") bind to the same element, so the
    // whole value path stays as the residual predicate.
    return inner.length === 1 ? { kind, value: value.compValue } : { kind, value: value.compValue, rest: term };
  }
  return undefined;
}
