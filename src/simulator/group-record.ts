import { groupMembers } from './store.js';
import type { SimGroup, SimulatorState } from './types.js';

/** List entry of `GET /usergroups` (§4.2). */
export const groupSummary = (g: SimGroup) => ({
  id: g.id,
  name: g.name,
  is_smart: g.is_smart,
  is_notify_on_change: g.is_notify_on_change,
});

function members(state: SimulatorState, group: SimGroup) {
  return groupMembers(state, group).map((u) => ({
    id: u.id,
    username: u.name,
    full_name: u.full_name,
    phone_number: u.phone_number,
    email_address: u.email_address,
  }));
}

const criteria = (group: SimGroup) => group.criteria.map((c) => ({ ...c }));

/** The XML group record (§4.2); lists carry a `<size>` like every Classic list. */
export function groupXml(state: SimulatorState, group: SimGroup): unknown {
  const users = members(state, group);
  const crit = criteria(group);
  return {
    ...groupSummary(group),
    site: { ...group.site },
    criteria: { size: crit.length, ...(crit.length ? { criterion: crit } : {}) },
    users: { size: users.length, ...(users.length ? { user: users } : {}) },
  };
}

/** The Classic JSON rendering: lists become plain arrays, `size` disappears (§4.2). */
export function groupJson(state: SimulatorState, group: SimGroup): unknown {
  return { ...groupSummary(group), site: { ...group.site }, criteria: criteria(group), users: members(state, group) };
}
