/**
 * The provisioning run the replicas benchmark and test drive: Okta's requests (idp-behaviour.md
 * A1) for creates, Group Push with members, profile updates, membership changes, deactivations
 * and reactivations. Every step is written as Okta repeats it, so a request whose answer died with
 * a replica and was sent again ends in the same state: a 409 to a repeated create is followed by
 * the lookup that finds what the first attempt made.
 */
import type { RoundRobinIdp } from './replicas-idp.js';
import { GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA } from './scim-http.js';
import { mapLimit } from './stats.js';

export interface WorkloadSizes {
  users: number;
  groups: number;
  /** Users `g × membersPerGroup …` are pushed with group `g`. */
  membersPerGroup: number;
  /** Per group, in the membership phase: this many of the next group's members added, as many of its own removed. */
  moves: number;
  profilePatches: number;
  deactivations: number;
  reactivations: number;
}

export type PhaseName = 'users' | 'groups' | 'profiles' | 'memberships' | 'deactivate' | 'reactivate';

export interface PhaseTiming {
  name: PhaseName;
  ms: number;
  requests: number;
}

export interface WorkloadOptions {
  inFlight: number;
  /** Called after each request of a phase succeeded, with how many of that phase have. */
  onAnswered?: (phase: PhaseName, answered: number) => void;
  /** Called before each phase starts. */
  onPhase?: (phase: PhaseName) => Promise<void> | void;
}

export const userName = (i: number) => `okta.user${i}@replicas.example.com`;
export const groupName = (g: number) => `Okta Replica Group ${g}`;
const eq = (attribute: string, value: string) => encodeURIComponent(`${attribute} eq "${value}"`);
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });
const range = (n: number, from = 0) => Array.from({ length: Math.max(0, n) }, (_, k) => from + k);

/** Which users each step touches: profiles from the first user, deactivations from the middle. */
export function plan(s: WorkloadSizes) {
  const membersOf = (g: number) => range(Math.min(s.membersPerGroup, s.users - g * s.membersPerGroup), g * s.membersPerGroup);
  const firstDeactivated = Math.max(s.profilePatches, Math.floor(s.users / 2));
  const deactivated = range(Math.min(s.deactivations, s.users - firstDeactivated), firstDeactivated);
  return {
    membersOf,
    profiled: range(Math.min(s.profilePatches, s.users)),
    // Group g gains the first `moves` members of the next group and loses its own last `moves`.
    added: (g: number) => membersOf((g + 1) % s.groups).slice(0, s.moves),
    removed: (g: number) => membersOf(g).slice(-s.moves),
    deactivated,
    reactivated: deactivated.slice(0, s.reactivations),
  };
}

function oktaProfile(i: number) {
  return {
    schemas: [USER_SCHEMA],
    userName: userName(i),
    name: { givenName: `Okta${i}`, familyName: 'Replica' },
    emails: [{ primary: true, value: userName(i), type: 'work' }],
    displayName: `Okta${i} Replica`,
    locale: 'en-US',
    externalId: `00u${String(i).padStart(17, '0')}`,
    groups: [],
    password: 'placeholder-Okta-always-sends',
    active: true,
  };
}

/** Runs every phase in order, each with at most `inFlight` requests at once; returns their timings. */
export async function runWorkload(idp: RoundRobinIdp, sizes: WorkloadSizes, options: WorkloadOptions): Promise<PhaseTiming[]> {
  const p = plan(sizes);
  const scimIds: string[] = new Array(sizes.users);
  const groupIds: string[] = new Array(sizes.groups);
  const timings: PhaseTiming[] = [];

  const phase = async <T>(name: PhaseName, items: readonly T[], step: (item: T, send: RoundRobinIdp['request']) => Promise<void>) => {
    await options.onPhase?.(name);
    let answered = 0;
    let requests = 0;
    const send: RoundRobinIdp['request'] = async (...args) => {
      requests++;
      const res = await idp.request(...args);
      options.onAnswered?.(name, ++answered);
      return res;
    };
    const t0 = performance.now();
    await mapLimit(items, options.inFlight, (item) => step(item, send));
    timings.push({ name, ms: performance.now() - t0, requests });
  };

  // Existence check, then create (A1.1); a 409 means an earlier attempt created it after all.
  await phase('users', range(sizes.users), async (i, send) => {
    for (let round = 0; round < 3; round++) {
      const found = await send('filter userName eq', 'GET', `/Users?filter=${eq('userName', userName(i))}&startIndex=1&count=100`, undefined, 200);
      const hit = found.body.Resources[0] as { id: string } | undefined;
      if (hit) {
        scimIds[i] = hit.id;
        return;
      }
      const created = await send('POST /Users', 'POST', '/Users', oktaProfile(i), [201, 409]);
      if (created.status === 201) {
        scimIds[i] = created.body.id as string;
        return;
      }
    }
    throw new Error(`could not create ${userName(i)}`);
  });

  // Group Push (A1.2): POST with no members, then one PATCH with Okta's rename replace and the additions.
  await phase('groups', range(sizes.groups), async (g, send) => {
    const created = await send('POST /Groups', 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: groupName(g), members: [] }, [201, 409]);
    let id = created.status === 201 ? (created.body.id as string) : undefined;
    if (id === undefined) {
      const found = await send('filter displayName eq', 'GET', `/Groups?filter=${eq('displayName', groupName(g))}&excludedAttributes=members`, undefined, 200);
      id = found.body.Resources[0]?.id as string | undefined;
      if (id === undefined) throw new Error(`group ${groupName(g)}: 409 to the create, but no group by that name`);
    }
    groupIds[g] = id;
    const members = p.membersOf(g).map((i) => ({ value: scimIds[i], display: userName(i) }));
    await send('PATCH /Groups add', 'PATCH', `/Groups/${id}`, patch({ op: 'replace', value: { id, displayName: groupName(g) } }, { op: 'add', path: 'members', value: members }), 204);
  });

  await phase('profiles', p.profiled, async (i, send) => {
    await send('PATCH /Users title', 'PATCH', `/Users/${scimIds[i]}`, patch({ op: 'replace', path: 'title', value: `Title ${i}` }), 200);
  });

  await phase('memberships', range(sizes.groups), async (g, send) => {
    const ops = [
      { op: 'add', path: 'members', value: p.added(g).map((i) => ({ value: scimIds[i] })) },
      ...p.removed(g).map((i) => ({ op: 'remove', path: `members[value eq "${scimIds[i]}"]` })),
    ];
    await send('PATCH /Groups add+remove', 'PATCH', `/Groups/${groupIds[g]}`, patch(...ops), 204);
  });

  // Okta OIN apps: replace without a path, value {active} (A1.1).
  for (const [name, users, active] of [
    ['deactivate', p.deactivated, false],
    ['reactivate', p.reactivated, true],
  ] as const) {
    await phase(name, users, async (i, send) => {
      const res = await send(`PATCH /Users ${name}`, 'PATCH', `/Users/${scimIds[i]}`, patch({ op: 'replace', value: { active } }), 200);
      if (res.body.active !== active || res.body.id !== scimIds[i]) throw new Error(`${name}: ${scimIds[i]} answered ${res.body.id}/${res.body.active}`);
    });
  }
  return timings;
}
