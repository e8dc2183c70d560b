/**
 * The final state two runs are compared by, with every id taken out (a run's SCIM ids and Jamf ids
 * are its own): what each replica answers through SCIM (users with their attributes, active or a
 * tombstone, and groups with their members) and what Jamf holds (users, positions, memberships).
 */
import type { SimStateSummary } from './ipc.js';
import type { RoundRobinIdp } from './replicas-idp.js';

export interface ScimView {
  users: Array<Record<string, unknown>>;
  groups: Array<{ displayName: string; members: string[] }>;
}

export interface JamfView {
  users: Array<{ name: string; position: string; groups: string[] }>;
  groups: Array<{ name: string; smart: boolean; members: string[] }>;
}

const PAGE = 100;
const byName = (a: string, b: string) => a.localeCompare(b);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- SCIM resources are read loosely, as an IdP does
async function readAll(idp: RoundRobinIdp, resource: 'Users' | 'Groups'): Promise<any[]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const out: any[] = [];
  for (let start = 1; ; start += PAGE) {
    const res = await idp.request(`read ${resource}`, 'GET', `/${resource}?startIndex=${start}&count=${PAGE}`, undefined, 200);
    out.push(...(res.body.Resources ?? []));
    if (start + PAGE > (res.body.totalResults as number)) return out;
  }
}

/** Everything the IdP can read back, ids replaced by names. */
export async function scimView(idp: RoundRobinIdp): Promise<ScimView> {
  const users = await readAll(idp, 'Users');
  const groups = await readAll(idp, 'Groups');
  const nameOf = new Map<string, string>(users.map((u) => [u.id as string, u.userName as string]));
  const groupOf = new Map<string, string>(groups.map((g) => [g.id as string, g.displayName as string]));
  return {
    users: users
      .map(({ id: _id, meta: _meta, groups: memberOf, ...rest }) => ({
        ...rest,
        // A tombstone lists the groups a reactivation restores; an active user's come from Jamf.
        groups: ((memberOf ?? []) as Array<{ value: string; display?: string }>).map((g) => groupOf.get(g.value) ?? g.display ?? `<unknown ${g.value}>`).sort(byName),
      }))
      .sort((a, b) => byName(a.userName as string, b.userName as string)),
    groups: groups
      .map((g) => ({
        displayName: g.displayName as string,
        members: ((g.members ?? []) as Array<{ value: string }>).map((m) => nameOf.get(m.value) ?? `<unknown ${m.value}>`).sort(byName),
      }))
      .sort((a, b) => byName(a.displayName, b.displayName)),
  };
}

export function jamfView(state: SimStateSummary): JamfView {
  const userName = new Map(state.users.map((u) => [u.id, u.name]));
  return {
    users: state.users
      .map((u) => ({ name: u.name, position: u.position, groups: state.groups.filter((g) => g.memberIds.includes(u.id)).map((g) => g.name).sort(byName) }))
      .sort((a, b) => byName(a.name, b.name)),
    groups: state.groups
      .map((g) => ({ name: g.name, smart: g.isSmart, members: g.memberIds.map((id) => userName.get(id) ?? `<missing user ${id}>`).sort(byName) }))
      .sort((a, b) => byName(a.name, b.name)),
  };
}

/** Up to `limit` entries that differ, each as `what: expected → actual`; empty when equal. */
export function differences(expected: unknown, actual: unknown, limit = 5, path = ''): string[] {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const out: string[] = [];
    if (expected.length !== actual.length) out.push(`${path}: ${expected.length} entries → ${actual.length}`);
    for (let i = 0; i < Math.max(expected.length, actual.length) && out.length < limit; i++) {
      out.push(...differences(expected[i], actual[i], limit - out.length, `${path}[${i}]`));
    }
    return out.slice(0, limit);
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object') {
    const out: string[] = [];
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) {
      if (out.length >= limit) break;
      out.push(...differences((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], limit - out.length, `${path}.${k}`));
    }
    return out;
  }
  return [`${path}: ${JSON.stringify(expected)?.slice(0, 200)} → ${JSON.stringify(actual)?.slice(0, 200)}`];
}
