import { it, expect } from 'vitest';
import { invariantProblems, type FinalState } from './final-state.js';
import { entraLifecycle, oktaLifecycle } from './lifecycles.js';
import { createWorld, type WorldOptions } from './world.js';
import type { Idp } from './idp.js';

const L: Record<string, (idp: Idp) => Promise<void>> = { okta: oktaLifecycle, entra: entraLifecycle };
const variants: Array<[string, (seed: number) => WorldOptions]> = [
  ['err30-r0', (seed) => ({ seed, clientRetries: 0, faults: { errorRate: 0.3 } })],
  ['reset30-r0', (seed) => ({ seed, clientRetries: 0, faults: { resetRate: 0.3 } })],
  ['err30-r3', (seed) => ({ seed, faults: { errorRate: 0.3 } })],
  ['lose3', (seed) => ({ seed, incidents: [{ incident: 'lose-response', every: 2 + (seed % 3) }] })],
  ['lose-r0', (seed) => ({ seed, clientRetries: 0, incidents: [{ incident: 'lose-response', every: [3, 5, 7, 11][seed % 4] as number }] })],
  ['restart', (seed) => ({ seed, incidents: [{ incident: 'restart-jamf', every: [5, 7, 11, 13][seed % 4] as number }] })],
  ['restart-r0', (seed) => ({ seed, clientRetries: 0, incidents: [{ incident: 'restart-jamf', every: [5, 7, 11, 13][seed % 4] as number }] })],
  ['tokens', (seed) => ({ seed, incidents: [{ incident: 'expire-tokens', every: 2 + (seed % 4) }] })],
  ['slow-r0', (seed) => ({ seed, clientRetries: 0, faults: { slowRate: 0.15, slowMs: 400 } })],
  ['mixed-r0', (seed) => ({ seed, clientRetries: 0, faults: { errorRate: 0.1, resetRate: 0.1 }, incidents: [{ incident: 'lose-response', every: [5, 7, 9][seed % 3] as number }, { incident: 'expire-tokens', every: 6 }, { incident: 'restart-jamf', every: [7, 11, 13][seed % 3] as number }] })],
];
it('explore', async () => {
  const out: string[] = [];
  for (const [name, life] of Object.entries(L).filter(([n]) => !process.env.L || n === process.env.L)) {
    const clean = await createWorld();
    await life(clean.idp);
    const expected = await clean.settle();
    await clean.close();
    for (const [vname, mk] of variants.filter(([n]) => !process.env.V || n === process.env.V)) {
      for (const seed of (process.env.SEEDS ?? '1-15').includes('-') ? Array.from({length: Number(process.env.N ?? 15)}, (_, i) => i + 1) : (process.env.SEEDS as string).split(',').map(Number)) {
        const w = await createWorld(mk(seed));
        let actual: FinalState | undefined;
        try {
          await life(w.idp);
          actual = await w.settle();
          const probs = invariantProblems(actual);
          try { if (JSON.stringify(actual) !== JSON.stringify(expected)) { const fs = await import('node:fs'); fs.writeFileSync(`/tmp/diff-${name}-${vname}-${seed}-a.json`, JSON.stringify(actual, null, 1)); fs.writeFileSync(`/tmp/diff-${name}-${vname}-${seed}-e.json`, JSON.stringify(expected, null, 1)); } expect(actual).toEqual(expected); if (probs.length) throw new Error(probs.join(';')); } catch (e) { out.push(`${name} ${vname} seed ${seed}: ${(e as Error).message.slice(0, 30000)}`); }
        } catch (e) {
          out.push(`${name} ${vname} seed ${seed}: THROW ${(e as Error).message.slice(0, 600)}`);
        } finally { await w.close(); }
      }
    }
  }
  console.log(out.join('\n\n'));
}, 600_000);
