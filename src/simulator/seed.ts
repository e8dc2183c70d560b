import { blankGroup, blankUser, findGroupByName, findUserByName, insertGroup, insertUser } from './store.js';
import type { SimCriterion, SimulatorState } from './types.js';

const GIVEN = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis'];
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie'];
const POSITIONS = ['Engineer', 'Designer', 'Manager', 'Analyst'];

/** Members each seeded static group gets, drawn from the seeded users. */
const MEMBERS_PER_GROUP = 3;

export const SEEDED_SMART_GROUP = 'All Engineers (smart)';

const ENGINEER_CRITERION: SimCriterion = {
  name: 'Position',
  priority: 0,
  and_or: 'and',
  search_type: 'is',
  value: 'Engineer',
  opening_paren: false,
  closing_paren: false,
};

/**
 * Adds `users` users and `groups` static groups with a few members each, plus one smart group
 * (once). Deterministic: names derive from ids, so a seed always yields the same directory.
 */
export function seedState(state: SimulatorState, users: number, groups: number): void {
  const seeded: number[] = [];
  for (let i = 0; i < users; i++) {
    const n = state.nextUserId;
    const given = GIVEN[n % GIVEN.length] ?? 'User';
    const family = FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length] ?? 'Seeded';
    const name = `${given}.${family}${n}`.toLowerCase();
    if (findUserByName(state, name)) continue;
    const user = insertUser(state, (id) => ({
      ...blankUser(id, name),
      full_name: `${given} ${family}`,
      email: `${name}@example.com`,
      email_address: `${name}@example.com`,
      phone_number: `555-01${String(n % 100).padStart(2, '0')}`,
      position: POSITIONS[n % POSITIONS.length] ?? '',
    }));
    seeded.push(user.id);
  }
  const pool = seeded.length > 0 ? seeded : [...state.users.keys()];
  for (let i = 0; i < groups; i++) {
    const name = `Seeded Group ${state.nextGroupId}`;
    if (findGroupByName(state, name)) continue;
    insertGroup(state, (id) => {
      const group = blankGroup(id, name, false);
      for (let k = 0; k < Math.min(MEMBERS_PER_GROUP, pool.length); k++) {
        const member = pool[(id * MEMBERS_PER_GROUP + k) % pool.length];
        if (member !== undefined) group.memberIds.add(member);
      }
      return group;
    });
  }
  if (groups > 0 && !findGroupByName(state, SEEDED_SMART_GROUP)) {
    insertGroup(state, (id) => ({ ...blankGroup(id, SEEDED_SMART_GROUP, true), criteria: [{ ...ENGINEER_CRITERION }] }));
  }
}
