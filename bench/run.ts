/**
 * `npm run bench` runs every benchmark; `npm run bench -- users-workload` (or any name or alias
 * below) runs one; `--quick` runs a small version of each (CI: keeps the scripts working, no
 * timing assertions). Each prints its tables and writes bench/results/<name>-<timestamp>.json.
 * The server under test is `node dist/server.js`, so the run starts with `npm run build`
 * (`--no-build` skips it). `--profile[=DIR]` writes a CPU profile of every SCIM server process.
 * `--summary [name…] [--last=N]` prints medians of the stored full runs instead of running;
 * `--profile-summary FILE… [--top=N]` sums a .cpuprofile's self time by area, file and function.
 * Exit code 1 when a correctness check failed (final state, 2xx answers, the request log);
 * timings and call budgets are reported as targets (met or not) and never fail the run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { groupBurst } from './group-burst.js';
import { importScale } from './import-scale.js';
import { provisioningRun } from './provisioning-run.js';
import { replicas } from './replicas.js';
import { scimOverhead } from './scim-overhead.js';
import { profilesWritten, setProfileDir } from './support/node-args.js';
import { renderProfileSummary } from './support/profile-summary.js';
import { renderResult, writeResult, type Bench } from './support/report.js';
import { DIST_SERVER } from './support/scim-server.js';
import { summarize } from './summarize.js';

const BENCHES: Array<{ name: string; aliases: string[]; run: Bench }> = [
  { name: 'provisioning-run', aliases: ['users-workload', 'provisioning', 'jamf-bound'], run: provisioningRun },
  { name: 'scim-overhead', aliases: ['overhead'], run: scimOverhead },
  { name: 'import-scale', aliases: ['import'], run: importScale },
  { name: 'group-burst', aliases: ['coalescing'], run: groupBurst },
  { name: 'replicas', aliases: ['multi-replica'], run: replicas },
];

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** `npm run build` (tsc to dist/), as a deployment builds; a type error is reported, the emitted code still runs. */
function build(): string | undefined {
  const t0 = performance.now();
  const res = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(DIST_SERVER)) {
    console.error(`npm run build did not produce ${DIST_SERVER}`);
    process.exit(1);
  }
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (res.status === 0) {
    console.log(`built dist/ in ${s} s`);
    return undefined;
  }
  const warning = `npm run build exited ${String(res.status)} (type errors above); the benchmark runs what tsc emitted`;
  console.warn(warning);
  return warning;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const names = args.filter((a) => !a.startsWith('--'));
  if (args.includes('--profile-summary')) {
    const topN = Number(args.find((a) => a.startsWith('--top='))?.slice('--top='.length) ?? 25);
    for (const file of names) console.log(renderProfileSummary(file, topN));
    return;
  }
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
  const profile = args.find((a) => a === '--profile' || a.startsWith('--profile='));
  if (profile) setProfileDir(profile.includes('=') ? profile.slice('--profile='.length) : `${ROOT}bench/results/profiles`);
  const buildWarning = args.includes('--no-build') ? undefined : build();
  let failed = false;
  for (const b of selected) {
    console.log(`\n### ${b.name}${quick ? ' --quick' : ''} (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
    const loadBefore = loadavg();
    const result = await b.run({ quick, log: (line) => console.log(line) });
    // The machine is shared: the load average says how busy it was around the run.
    result.data.loadAverage = { before: loadBefore, after: loadavg() };
    if (buildWarning) result.notes.push(buildWarning);
    result.notes.push(`load average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
    console.log(renderResult(result));
    console.log(`results: ${writeResult(result)}`);
    if (result.checks.some((c) => !c.ok)) failed = true;
  }
  if (profilesWritten().length > 0) {
    console.log(`\nCPU profiles of the SCIM servers:\n${profilesWritten().map((f) => `  ${f}`).join('\n')}`);
    console.log('read one with: npm run bench -- --profile-summary FILE [--top=N]');
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
