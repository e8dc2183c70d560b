import type { SimCriterion, SimUser } from './types.js';

/** The user fields a smart-group criterion may name; anything else compares as ''. */
const FIELDS: Record<string, (u: SimUser) => string> = {
  username: (u) => u.name,
  'full name': (u) => u.full_name,
  'email address': (u) => u.email,
  'phone number': (u) => u.phone_number,
  position: (u) => u.position,
};

function matches(c: SimCriterion, user: SimUser): boolean {
  const actual = (FIELDS[c.name.toLowerCase()]?.(user) ?? '').toLowerCase();
  const wanted = c.value.toLowerCase();
  switch (c.search_type.toLowerCase()) {
    case 'is':
      return actual === wanted;
    case 'is not':
      return actual !== wanted;
    case 'like':
      return actual.includes(wanted);
    case 'not like':
      return !actual.includes(wanted);
    default:
      return false;
  }
}

/**
 * A deliberately small evaluator (jamf-pro-api.md §4.5 only needs smart groups to exist and show
 * `is_smart` true): criteria are taken in priority order, `and` binds tighter than `or`, and
 * parentheses are ignored.
 */
export function matchesCriteria(criteria: SimCriterion[], user: SimUser): boolean {
  const ordered = [...criteria].sort((a, b) => a.priority - b.priority);
  const orGroups: SimCriterion[][] = [];
  for (const c of ordered) {
    const last = orGroups.at(-1);
    if (last && c.and_or === 'and') last.push(c);
    else orGroups.push([c]);
  }
  return orGroups.some((group) => group.every((c) => matches(c, user)));
}
