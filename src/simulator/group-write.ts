import { conflict } from './errors.js';
import { findGroupByName, findUserByName } from './store.js';
import type { Knobs, SimCriterion, SimGroup, SimUser, SimulatorState } from './types.js';
import { child, children, text, type XmlObject } from './xml.js';
import { parseBool, parseRef } from './xml-values.js';

/**
 * A member named by `<id>` or `<username>` (§4.4). Unknown ones are a 409 whose message names what
 * was not found, e.g. `Error: Unable to find user with username jdoe` ([U] wording).
 */
function resolveMember(state: SimulatorState, ref: XmlObject): SimUser {
  const id = text(ref, 'id');
  if (id) {
    const user = /^\d+$/.test(id) ? state.users.get(Number(id)) : undefined;
    if (!user) throw conflict(`Unable to find user with id ${id}`);
    return user;
  }
  const username = text(ref, 'username');
  if (username) {
    const user = findUserByName(state, username);
    if (!user) throw conflict(`Unable to find user with username ${username}`);
    return user;
  }
  throw conflict('Unable to find user: a member needs an <id> or a <username>');
}

function parseCriterion(c: XmlObject, index: number): SimCriterion {
  const priority = Number(text(c, 'priority'));
  return {
    name: text(c, 'name') ?? '',
    priority: Number.isInteger(priority) ? priority : index,
    and_or: text(c, 'and_or')?.toLowerCase() === 'or' ? 'or' : 'and',
    search_type: text(c, 'search_type') ?? 'is',
    value: text(c, 'value') ?? '',
    opening_paren: parseBool(text(c, 'opening_paren')) ?? false,
    closing_paren: parseBool(text(c, 'closing_paren')) ?? false,
  };
}

/**
 * Applies a `<user_group>` body to a copy of `group` and returns the copy; the caller stores it only
 * if nothing threw, so a body is applied all or nothing. Order: `<users>` (replace), then
 * `<user_additions>` (already-members ignored), then `<user_deletions>` (a non-member is a 409).
 * `is_smart` cannot change after creation and is ignored on update.
 */
export function applyGroupBody(
  state: SimulatorState,
  group: SimGroup,
  body: XmlObject,
  rules: Pick<Knobs, 'duplicateNameMessage'>,
): SimGroup {
  const next: SimGroup = { ...group, site: { ...group.site }, criteria: [...group.criteria], memberIds: new Set(group.memberIds) };

  const name = text(body, 'name');
  if (name !== undefined) {
    if (name === '') throw conflict('Problem with name');
    const holder = findGroupByName(state, name);
    // The wording for user groups is not public (jamf-pro-api.md §11), hence the knob.
    if (holder && holder.id !== group.id) throw conflict(rules.duplicateNameMessage);
    next.name = name;
  }

  const notify = parseBool(text(body, 'is_notify_on_change'));
  if (notify !== undefined) next.is_notify_on_change = notify;

  const site = child(body, 'site');
  if (site) next.site = parseRef(site, 'Site');

  const criteria = child(body, 'criteria');
  if (criteria && next.is_smart) next.criteria = children(criteria, 'criterion').map(parseCriterion);

  const users = child(body, 'users');
  const additions = children(child(body, 'user_additions') ?? {}, 'user');
  const deletions = children(child(body, 'user_deletions') ?? {}, 'user');
  const replacing = users ? children(users, 'user') : [];

  // Smart groups compute their members (§4.5); refusing edits server-side is the simulator's choice ([U]).
  if (next.is_smart && replacing.length + additions.length + deletions.length > 0) {
    throw conflict('Membership of a smart group cannot be edited');
  }
  if (next.is_smart) return next;

  // An empty `<users/>` clears the membership ([U]).
  if (users) next.memberIds = new Set(replacing.map((ref) => resolveMember(state, ref).id));
  for (const ref of additions) next.memberIds.add(resolveMember(state, ref).id);
  for (const ref of deletions) {
    const user = resolveMember(state, ref);
    // §4.4: removing a non-member is a 409 (ruby-jss group.rb).
    if (!next.memberIds.delete(user.id)) throw conflict(`User (ID:${user.id}) is not a member of this group`);
  }
  return next;
}
