/**
 * Three server processes (`src/server.ts`) on one PostgreSQL database and one Jamf whose
 * simulator serves 5 calls at once and records the most it ever had in flight. An IdP spreads a
 * provisioning run over them round-robin; one replica is SIGKILLed in the middle of the
 * deactivations (after the 8th is answered) and started again, and the IdP sends what failed to
 * the next replica. The end state must be that of the same run against one replica, untroubled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplicas, type JamfSide, type KillPlan, type RunResult } from '../../bench/support/replicas-run.js';
import { differences } from '../../bench/support/replicas-state.js';
import type { WorkloadSizes } from '../../bench/support/replicas-workload.js';
import { createSimulator } from '../../src/simulator/index.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const SERVER = join(ROOT, 'src/server.ts');

const SIZES: WorkloadSizes = { users: 60, groups: 4, membersPerGroup: 15, moves: 3, profilePatches: 10, deactivations: 24, reactivations: 8 };
const JAMF_SLOTS = 5;
const KILL: KillPlan = { replica: 1, phase: 'deactivate', afterAnswered: 8 };

const databases: TestDatabase[] = [];
const dirs: string[] = [];

/** One run on a database and a Jamf of its own. */
async function run(replicas: number, kill?: KillPlan): Promise<RunResult> {
  // A few ms per call, so that calls of several replicas overlap at Jamf.
  const sim = createSimulator({ maxConcurrent: JAMF_SLOTS, latencyMs: 3, tokenLifetimeSeconds: 3600 });
  const url = await sim.listen();
  const jamf: JamfSide = {
    url,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    counters: async () => sim.counters(),
    peak: async () => sim.maxObservedConcurrency(),
    state: async () => ({
      users: [...sim.state.users.values()].map((u) => ({ id: u.id, name: u.name, position: u.position })),
      groups: [...sim.state.groups.values()].map((g) => ({ id: g.id, name: g.name, isSmart: g.is_smart, memberIds: [...g.memberIds] })),
    }),
  };
  const db = await freshDatabase();
  databases.push(db);
  const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-replicas-'));
  dirs.push(dir);
  try {
    return await runReplicas({
      replicas,
      stateUrl: db.url,
      nodeArgs: () => ['--import', TSX, SERVER],
      dir,
      jamf,
      sizes: SIZES,
      // More than Jamf's 5 slots: replicas that did not share the budget would exceed it.
      inFlight: 12,
      maxConcurrency: JAMF_SLOTS,
      ...(kill ? { kill } : {}),
    });
  } finally {
    await sim.close();
  }
}

describe('three replicas on one PostgreSQL database, one SIGKILLed mid-run', () => {
  let reference: RunResult;
  let incident: RunResult;

  beforeAll(async () => {
    reference = await run(1);
    incident = await run(3, KILL);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the untroubled run did what the workload asked', () => {
    const { scim, jamf } = reference;
    expect(reference.idp.retries.network).toBe(0);
    expect(scim[0]?.users).toHaveLength(SIZES.users);
    expect(scim[0]?.users.filter((u) => u.active === false)).toHaveLength(SIZES.deactivations - SIZES.reactivations);
    expect(jamf.users).toHaveLength(SIZES.users - (SIZES.deactivations - SIZES.reactivations));
    expect(jamf.users.find((u) => u.name === 'okta.user0@replicas.example.com')).toMatchObject({ position: 'Title 0', groups: ['Okta Replica Group 0', 'Okta Replica Group 3'] });
  });

  it('the replica was killed where planned and started again', () => {
    expect(incident.killed).toMatchObject({ replica: 1, phase: 'deactivate', answered: 8 });
    // Requests in flight on the killed replica, or sent to it while it was down, went to the next one.
    expect(incident.idp.retries.network).toBeGreaterThan(0);
    expect(incident.log.exitCodes).toEqual([0, 0, 0]);
  });

  it('no request was lost: every IdP request ended in the answer the workload expects', () => {
    expect(incident.idp.succeeded).toBe(incident.idp.requests);
    expect(incident.idp.requests).toBeGreaterThanOrEqual(reference.idp.requests);
    expect(incident.idp.perReplica.every((n) => n > 0)).toBe(true);
  });

  it('Jamf and every replica end as after the untroubled run', () => {
    expect(differences(reference.jamf, incident.jamf)).toEqual([]);
    for (const view of incident.scim) expect(differences(reference.scim[0], view)).toEqual([]);
  });

  it('never more than JAMF_MAX_CONCURRENCY calls reached Jamf at once, over all replicas', () => {
    expect(incident.peak).toBeLessThanOrEqual(JAMF_SLOTS);
    expect(reference.peak).toBeLessThanOrEqual(JAMF_SLOTS);
    // The bound was under pressure: calls did overlap at Jamf.
    expect(incident.peak).toBeGreaterThanOrEqual(3);
  });
});
