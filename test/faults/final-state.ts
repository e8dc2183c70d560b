import Database from 'better-sqlite3';
import type { SimulatorState } from '../../src/simulator/index.js';

/**
 * What an administrator compares after an incident: the Jamf users and static groups (by
 * username and name, never by id, which a repeated create may shift) and the server's state
 * store (tombstones, their group memberships, externalIds and the attributes it returns).
 */
export interface FinalState {
  jamfUsers: Array<{ name: string; fullName: string; email: string; phone: string; position: string; groups: string[] }>;
  jamfGroups: Array<{ name: string; smart: boolean; members: string[] }>;
  /** `attributes` only for tombstones (a reactivation restores them); an active user's are read from Jamf. */
  storeUsers: Array<{ userName: string; status: string; inJamf: boolean; externalId: string | null; attributes?: unknown; groups: string[] }>;
  storeGroups: Array<{ group: string; externalId: string | null }>;
}

interface UserRow {
  scim_id: string;
  jamf_id: number | null;
  user_name: string;
  external_id: string | null;
  status: string;
  attributes: string;
  group_ids: string;
}

interface GroupRow {
  scim_id: string;
  external_id: string | null;
}

const byName = (a: string, b: string) => a.localeCompare(b);

/** Reads both sides; the store file is opened read-only, so a running server may keep it open. */
export function finalState(sim: SimulatorState, statePath: string): FinalState {
  const groupName = (id: number) => sim.groups.get(id)?.name ?? `<deleted group ${id}>`;
  const userName = (id: number) => sim.users.get(id)?.name ?? `<missing user ${id}>`;

  const jamfUsers = [...sim.users.values()]
    .map((u) => ({
      name: u.name,
      fullName: u.full_name,
      email: u.email,
      phone: u.phone_number,
      position: u.position,
      groups: [...sim.groups.values()].filter((g) => g.memberIds.has(u.id)).map((g) => g.name).sort(byName),
    }))
    .sort((a, b) => byName(a.name, b.name));
  const jamfGroups = [...sim.groups.values()]
    .map((g) => ({ name: g.name, smart: g.is_smart, members: [...g.memberIds].map(userName).sort(byName) }))
    .sort((a, b) => byName(a.name, b.name));

  const db = new Database(statePath, { readonly: true, fileMustExist: true });
  try {
    const users = db.prepare('SELECT * FROM users').all() as UserRow[];
    const groups = db.prepare('SELECT * FROM groups').all() as GroupRow[];
    return {
      jamfUsers,
      jamfGroups,
      storeUsers: users
        .map((r) => ({
          userName: r.user_name,
          status: r.status,
          inJamf: r.jamf_id !== null && sim.users.get(r.jamf_id)?.name.toLowerCase() === r.user_name.toLowerCase(),
          externalId: r.external_id,
          ...(r.status === 'active' ? {} : { attributes: JSON.parse(r.attributes) as unknown }),
          groups: (JSON.parse(r.group_ids) as number[]).map(groupName).sort(byName),
        }))
        .sort((a, b) => byName(a.userName, b.userName)),
      storeGroups: groups
        .map((r) => ({ group: groupName(Number(r.scim_id)), externalId: r.external_id }))
        .sort((a, b) => byName(a.group, b.group)),
    };
  } finally {
    db.close();
  }
}

/** Problems no run may end with, whatever happened during it. */
export function invariantProblems(state: FinalState): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const u of state.jamfUsers) {
    if (seen.has(u.name.toLowerCase())) problems.push(`duplicate Jamf user ${u.name}`);
    seen.add(u.name.toLowerCase());
  }
  for (const r of state.storeUsers) {
    if (r.status !== 'active' && r.status !== 'inactive') problems.push(`${r.userName} left in status ${r.status}`);
    if (r.status === 'active' && !r.inJamf) problems.push(`${r.userName} is active in the store but not in Jamf`);
    if (r.status === 'inactive' && seen.has(r.userName.toLowerCase())) problems.push(`${r.userName} is both a tombstone and a Jamf user`);
  }
  return problems;
}
