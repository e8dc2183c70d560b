/** SCIM filtering (RFC 7644 §3.4.2.2): parse and normalise, evaluate, plan keyed lookups. */
export { MAX_FILTER_LENGTH, normaliseFilter, parseFilter } from './filter-parse.js';
export type { AttrExp, Compare, Filter, LogExp, NotFilter, Suffix, ValuePath } from './filter-parse.js';
export { compileFilter } from './filter-compile.js';
export type { ResourcePredicate } from './filter-compile.js';
export { indexedLookup } from './indexed-lookup.js';
export type { IndexedLookup, LookupKind } from './indexed-lookup.js';
