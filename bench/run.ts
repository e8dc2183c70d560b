/**
 * `npm run bench` runs every benchmark; `npm run bench -- users-workload` (or any name or alias
 * below) runs one; `--quick` runs a small version of each (CI: keeps the scripts working, no
 * timing assertions). Each prints its tables and writes bench/results/<name>-<timestamp>.json.
 * `--summary [name…] [--last=N]` prints medians of the stored full runs instead of running.
 * Exit code 1 when a correctness check failed (final state, 2xx answers); timings and call
 * budgets are reported as targets (met or not) and never fail the run.
 */
import { cpus, loadavg } from 'node:os';
import { groupBurst } from './group-burst.js';
import { importScale } from './import-scale.js';
import { provisioningRun } from './provisioning-run.js';
import { scimOverhead } from './scim-overhead.js';
import { renderResult, writeResult, type Bench } from './support/report.js';
import { summarize } from './summarize.js';

const BENCHES: Array<{ name: string; aliases: string[]; run: Bench }> = [
  { name: 'provisioning-run', aliases: ['users-workload', 'provisioning', 'jamf-bound'], run: provisioningRun },
  { name: 'scim-overhead', aliases: ['overhead'], run: scimOverhead },
  { name: 'import-scale', aliases: ['import'], run: importScale },
  { name: 'group-burst', aliases: ['coalescing'], run: groupBurst },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n || b.aliases.includes(n)));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => `${b.name} (${b.aliases.join(', ')})`).join('; ')}`);
    process.exit(2);
  }
  if (args.includes('--summary')) {
    const last = Number(args.find((a) => a.startsWith('--last='))?.slice('--last='.length) ?? 3);
    const canonical = names.map((n) => BENCHES.find((b) => b.name === n || b.aliases.includes(n))?.name ?? n);
    console.log(summarize(canonical, last));
    return;
  }
  const selected = names.length === 0 ? BENCHES : BENCHES.filter((b) => names.includes(b.name) || b.aliases.some((a) => names.includes(a)));
  let failed = false;
  for (const b of selected) {
    console.log(`\n### ${b.name}${quick ? ' --quick' : ''} (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
    const loadBefore = loadavg();
    const result = await b.run({ quick, log: (line) => console.log(line) });
    // The machine is shared: the load average says how busy it was around the run.
    result.data.loadAverage = { before: loadBefore, after: loadavg() };
    result.notes.push(`load average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
    console.log(renderResult(result));
    console.log(`results: ${writeResult(result)}`);
    if (result.checks.some((c) => !c.ok)) failed = true;
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
