/**
 * A Jamf simulator in-process and the server as a child process on a temporary state store.
 * The server is killed with SIGKILL at an exact Jamf call (the simulator's call listener), before
 * Jamf applies it or after; the IdP's repeat of the failed request starts it again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createSimulator, type Fault, type Simulator } from '../../src/simulator/index.js';
import { finalState, invariantProblems, type FinalState } from './final-state.js';
import { createIdp, type Idp } from './idp.js';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA } from './lifecycles.js';
import { serverProcess, type ServerProcess } from './server-process.js';

export type KillPhase = 'before Jamf applies it' | 'after Jamf applied it';

export interface KillRig {
  sim: Simulator;
  server: ServerProcess;
  idp: Idp;
  /** Kills the server at the `nth` Jamf call from now (token requests not counted). */
  killAt(nth: number, phase: KillPhase): { killedCall: () => string | undefined };
  state(): FinalState;
  close(): Promise<void>;
}

export async function startKillRig(): Promise<KillRig> {
  const sim = createSimulator({ tokenLifetimeSeconds: 3600 });
  const jamfUrl = await sim.listen();
  const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-kill-'));
  const statePath = join(dir, 'state.db');
  const server = serverProcess({ jamfUrl, clientId: sim.clientId, clientSecret: sim.clientSecret, statePath, cwd: dir });
  await server.start();
  // The IdP repeats a request that failed; the orchestrator has restarted the process by then.
  const idp = createIdp(server.send, {
    beforeRetry: async () => {
      if (!server.running) await server.start();
    },
    maxAttempts: 20,
  });

  let disarm: (() => void) | undefined;
  return {
    sim,
    server,
    idp,
    killAt(nth, phase) {
      disarm?.();
      let seen = 0;
      let target = false;
      let killed: string | undefined;
      const stop = sim.onCall(async (c): Promise<Fault | undefined> => {
        if (killed !== undefined || /\/(oauth|auth)\/token$/.test(c.route)) return undefined;
        if (c.phase === 'received') target = ++seen === nth;
        if (!target) return undefined;
        // Calls of one lifecycle step are sequential, so the N-th 'settled' follows the N-th 'received'.
        const now = phase === 'before Jamf applies it' ? c.phase === 'received' : c.phase === 'settled';
        if (!now) return undefined;
        killed = `${c.method} ${c.route}`;
        stop();
        await server.kill();
        // Before: the call dies with the process and never reaches Jamf's handler.
        return phase === 'before Jamf applies it' ? 'reset-before' : undefined;
      });
      disarm = stop;
      return { killedCall: () => killed };
    },
    state: () => finalState(sim.state, statePath),
    async close() {
      disarm?.();
      await server.kill();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const setActive = (active: boolean) => ({ schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] });

/** Creates `u<k>` in two static groups through SCIM; returns its SCIM id. `k` is a unique tag. */
export async function userInTwoGroups(idp: Idp, k: string): Promise<string> {
  const created = await idp.expect(201, 'POST', '/Users', {
    schemas: [USER_SCHEMA],
    userName: `u${k}@example.com`,
    name: { givenName: 'User', familyName: k },
    emails: [{ value: `u${k}@example.com`, type: 'work', primary: true }],
    title: 'Engineer',
    externalId: `ext-${k}`,
  });
  const id = created.json().id as string;
  for (const suffix of ['a', 'b']) {
    await idp.expect(201, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `g${k}-${suffix}`, members: [{ value: id }] });
  }
  return id;
}

/**
 * What an administrator checks for user `u<k>`, with `k` taken out so that every case can be
 * compared with the uninterrupted one: Jamf (user, memberships), the store row, and what the
 * IdP reads back (GET /Users/{id}, with the same SCIM id).
 */
export async function userView(rig: KillRig, k: string, id: string): Promise<unknown> {
  const state = rig.state();
  expect(invariantProblems(state)).toEqual([]);
  const mine = (name: string) => name.includes(`u${k}@`) || name.startsWith(`g${k}-`);
  const read = await rig.idp.expect(200, 'GET', `/Users/${id}`);
  const { meta: _meta, id: readId, groups, ...user } = read.json() as Record<string, unknown>;
  expect(readId).toBe(id);
  const view = {
    jamfUsers: state.jamfUsers.filter((u) => mine(u.name)),
    jamfGroups: state.jamfGroups.filter((g) => mine(g.name)),
    store: state.storeUsers.filter((r) => mine(r.userName)),
    scim: { ...user, groups: (groups as Array<{ display?: string }>).map((g) => g.display).sort() },
  };
  return JSON.parse(JSON.stringify(view).replaceAll(k, 'K'));
}
