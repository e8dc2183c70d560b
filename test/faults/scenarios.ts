import { afterEach, beforeAll, expect, it } from 'vitest';
import { invariantProblems, type FinalState } from './final-state.js';
import type { Idp } from './idp.js';
import { CLIENT_TIMEOUT_MS, createWorld, type World, type WorldOptions } from './world.js';

const SLOW_MS = CLIENT_TIMEOUT_MS + 100;

/**
 * One kind of trouble at a time, then mixed. Seeds are fixed, incidents fire at call numbers:
 * a failure replays exactly. With the Jamf client's own retries off (JAMF_RETRIES=0) every
 * failure reaches the IdP, so lifecycle steps are left half-done and finished by its repeats.
 */
export const SCENARIOS: Array<[string, WorldOptions]> = [
  ['10% of calls answer 500/502/503', { seed: 2, faults: { errorRate: 0.1, errorStatuses: [500, 502, 503] } }],
  ['10% of connections reset before Jamf applies the call', { seed: 3, faults: { resetRate: 0.1 } }],
  ['10% of calls answer slower than the client timeout', { seed: 13, faults: { slowRate: 0.1, slowMs: SLOW_MS } }],
  ['every 5th response is lost after Jamf applied the call', { seed: 14, incidents: [{ incident: 'lose-response', every: 5 }] }],
  ['the token is revoked every 3rd call', { seed: 15, incidents: [{ incident: 'expire-tokens', every: 3 }] }],
  ['Jamf restarts with its state every 7th call', { seed: 16, incidents: [{ incident: 'restart-jamf', every: 7 }] }],
  [
    '5xx, resets and lost responses, the Jamf client not retrying',
    { seed: 17, clientRetries: 0, faults: { errorRate: 0.1, resetRate: 0.1 }, incidents: [{ incident: 'lose-response', every: 7 }] },
  ],
  [
    'all of it mixed',
    {
      seed: 18,
      faults: { errorRate: 0.05, resetRate: 0.05, slowRate: 0.04, slowMs: SLOW_MS },
      incidents: [
        { incident: 'lose-response', every: 7 },
        { incident: 'expire-tokens', every: 11 },
        { incident: 'restart-jamf', every: 23 },
      ],
    },
  ],
  [
    'all of it mixed, the Jamf client not retrying',
    {
      seed: 1,
      clientRetries: 0,
      faults: { errorRate: 0.1, resetRate: 0.1 },
      incidents: [
        { incident: 'lose-response', every: 4 },
        { incident: 'expire-tokens', every: 5 },
        { incident: 'restart-jamf', every: 8 },
      ],
    },
  ],
];

/**
 * Registers the fault-free run (checked against what an administrator expects) and one test per
 * scenario: after the faults stop and the IdP has repeated what failed, Jamf and the state store
 * hold exactly what the fault-free run left.
 */
export function faultSuite(lifecycle: (idp: Idp) => Promise<void>, expectClean: (state: FinalState) => void): void {
  let expected: FinalState;
  let world: World | undefined;

  beforeAll(async () => {
    const clean = await createWorld();
    try {
      await lifecycle(clean.idp);
      expect(clean.idp.retries).toBe(0);
      expected = await clean.settle();
    } finally {
      await clean.close();
    }
  });

  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('without faults: Jamf and the store hold what the IdP asked for', () => {
    expect(invariantProblems(expected)).toEqual([]);
    expectClean(expected);
  });

  it.each(SCENARIOS)('%s: after the IdP retries, Jamf and the store match the fault-free run', async (_name, options) => {
    world = await createWorld(options);
    await lifecycle(world.idp);
    const actual = await world.settle();

    // The faults happened (and, with the client's retries off, reached the IdP).
    expect(world.failedCalls + world.lostResponses).toBeGreaterThanOrEqual(4);
    if (options.clientRetries === 0) expect(world.idp.retries).toBeGreaterThanOrEqual(4);
    expect(invariantProblems(actual)).toEqual([]);
    expect(actual).toEqual(expected);
  });
}
