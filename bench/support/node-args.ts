/**
 * Node flags for the benchmark's child processes. `BENCH_CHILD_ARGS` (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof") applies to every child: simulator, baseline and servers. `--profile`
 * on the driver's command line (`setProfileDir`) profiles only the SCIM servers, one
 * `<label>-<n>.cpuprofile` per server process, written when it exits after SIGTERM.
 */
import { resolve } from 'node:path';

let profileDir: string | undefined;
let profileSeq = 0;
const written: string[] = [];

export function setProfileDir(dir: string): void {
  profileDir = resolve(dir);
}

/** The servers' working directory is a temporary one that is deleted: a profile must go elsewhere. */
function withProfileDir(args: string[]): string[] {
  const profiling = args.some((a) => a.startsWith('--cpu-prof') || a.startsWith('--heap-prof'));
  const hasDir = args.some((a) => a.startsWith('--cpu-prof-dir') || a.startsWith('--heap-prof-dir') || a.startsWith('--diagnostic-dir'));
  return profiling && !hasDir ? [...args, `--diagnostic-dir=${process.cwd()}`] : args;
}

export function childArgs(): string[] {
  return withProfileDir(process.env.BENCH_CHILD_ARGS?.split(' ').filter(Boolean) ?? []);
}

/** Flags for a SCIM server process; `label` names its profile (e.g. `overhead-A-info`). */
export function serverArgs(label: string): string[] {
  const args = childArgs();
  if (profileDir === undefined) return args;
  const name = `${label}-${++profileSeq}.cpuprofile`;
  written.push(resolve(profileDir, name));
  return [...args, '--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}`];
}

/** Profiles requested with `--profile` so far (written once their server has exited). */
export const profilesWritten = (): readonly string[] => written;
