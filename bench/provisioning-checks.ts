/** provisioning-run's yardsticks: the simulator's real slot time, and the final-state checks. */
import { Pool } from 'undici';
import type { Child } from './support/child.js';
import type { SimStateSummary } from './support/ipc.js';
import type { BenchResult } from './support/report.js';
import { simulatorToken } from './support/scim-http.js';
import { mapLimit } from './support/stats.js';

/** The simulator's slots (maxConcurrent), as many as the server's JAMF_MAX_CONCURRENCY. */
const SLOTS = 5;

export interface Sizes {
  users: number;
  groups: number;
  membersPerGroup: number;
  profilePatches: number;
  deactivations: number;
  reactivations: number;
  /** Direct simulator calls used to measure what one Jamf call really occupies a slot for. */
  referenceCalls: number;
}

export const userName = (i: number) => `okta.user${i}@bench.example.com`;

/** Direct GETs to the simulator, 5 at a time: the real time one call holds one of Jamf's 5 slots. */
export async function measureReference(sim: Child, calls: number): Promise<{ calls: number; wallMs: number; slotMs: number }> {
  const token = await simulatorToken(sim.url, sim.info.clientId as string, sim.info.clientSecret as string);
  const pool = new Pool(sim.url, { connections: SLOTS });
  try {
    const t0 = performance.now();
    await mapLimit(Array.from({ length: calls }, (_, i) => i), SLOTS, async () => {
      const res = await pool.request({ method: 'GET', path: '/JSSResource/users/id/1', headers: { authorization: `Bearer ${token}`, accept: 'application/xml' } });
      await res.body.text();
    });
    const wallMs = performance.now() - t0;
    return { calls, wallMs, slotMs: (wallMs * SLOTS) / calls };
  } finally {
    await pool.close();
  }
}

export function verify(
  sizes: Sizes,
  state: SimStateSummary,
  w: { deactivated: number[]; reactivated: number[]; profiled: number[]; groupName: (g: number) => string; membersOf: (g: number) => number[] },
  listed: Map<string, { userName: string; active: boolean }>,
  listedGroups: Map<string, string>,
): BenchResult['checks'] {
  const stillInactive = new Set(w.deactivated.filter((i) => !w.reactivated.includes(i)));
  const expectedActive = new Set(Array.from({ length: sizes.users }, (_, i) => i).filter((i) => !stillInactive.has(i)).map(userName));
  const jamfNames = new Set(state.users.map((u) => u.name));
  const byId = new Map(state.users.map((u) => [u.id, u]));
  const byName = new Map(state.users.map((u) => [u.name, u]));
  const missing = [...expectedActive].filter((n) => !jamfNames.has(n));
  const unexpected = [...jamfNames].filter((n) => !expectedActive.has(n));
  const checks: BenchResult['checks'] = [
    {
      what: `Jamf holds exactly the ${expectedActive.size} active users`,
      ok: missing.length === 0 && unexpected.length === 0 && state.users.length === expectedActive.size,
      detail: `${state.users.length} users; missing ${missing.length}, unexpected ${unexpected.length}`,
    },
  ];
  const wrongTitle = w.profiled.filter((i) => byName.get(userName(i))?.position !== `Title ${i}`);
  checks.push({ what: `profile PATCHes reached Jamf (${w.profiled.length} positions)`, ok: wrongTitle.length === 0, detail: wrongTitle.length ? `${wrongTitle.length} wrong` : undefined });

  const wrongGroups: string[] = [];
  const staticGroups = state.groups.filter((g) => !g.isSmart);
  for (let g = 0; g < sizes.groups; g++) {
    const group = staticGroups.find((x) => x.name === w.groupName(g));
    const want = new Set(w.membersOf(g).filter((i) => i < sizes.users && !stillInactive.has(i)).map(userName));
    const have = new Set((group?.memberIds ?? []).map((id) => byId.get(id)?.name ?? `#${id}`));
    const same = group !== undefined && want.size === have.size && [...want].every((n) => have.has(n));
    if (!same) wrongGroups.push(`${w.groupName(g)} (want ${want.size}, have ${have.size})`);
  }
  checks.push({
    what: `${sizes.groups} groups hold their members minus the still-deactivated (reactivated ones restored)`,
    ok: wrongGroups.length === 0 && staticGroups.length === sizes.groups,
    detail: wrongGroups.slice(0, 3).join('; ') || undefined,
  });

  const importActive = new Set([...listed.values()].filter((u) => u.active).map((u) => u.userName));
  const importInactive = new Set([...listed.values()].filter((u) => !u.active).map((u) => u.userName));
  const inactiveNames = new Set([...stillInactive].map(userName));
  const importOk =
    listed.size === sizes.users &&
    importActive.size === expectedActive.size &&
    [...expectedActive].every((n) => importActive.has(n)) &&
    importInactive.size === inactiveNames.size &&
    [...inactiveNames].every((n) => importInactive.has(n));
  checks.push({
    what: 'the import lists every user once, active and deactivated sets as expected',
    ok: importOk,
    detail: `${listed.size} listed, ${importActive.size} active, ${importInactive.size} inactive`,
  });
  const groupNamesOk = listedGroups.size === sizes.groups && Array.from({ length: sizes.groups }, (_, g) => w.groupName(g)).every((n) => [...listedGroups.values()].includes(n));
  checks.push({ what: 'the group import lists the pushed groups', ok: groupNamesOk, detail: `${listedGroups.size} listed` });
  return checks;
}
