import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { runSetup } from '../../src/setup/wizard.js';

export const ADMIN_PASSWORD = 'simulator-password';

export interface Harness {
  sim: Simulator;
  url: string;
  envFile: string;
  dir: string;
}

/** A listening simulator and a temp dir per test, both gone after it. */
export function useHarness(): (opts?: SimulatorOptions) => Promise<Harness> {
  const sims: Simulator[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.close()));
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async (opts = {}) => {
    const sim = createSimulator({ seedUsers: 1, ...opts });
    sims.push(sim);
    const url = await sim.listen();
    const dir = await mkdtemp(join(tmpdir(), 'jamf-scim-setup-'));
    dirs.push(dir);
    return { sim, url, envFile: join(dir, '.env'), dir };
  };
}

export interface SetupRun {
  code: number;
  output: string;
}

/** Runs the wizard with these flags and environment; `answers` are the lines piped to its prompts. */
export async function setup(argv: string[], env: Record<string, string> = {}, answers?: string[]): Promise<SetupRun> {
  const input = new PassThrough();
  let output = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      output += String(chunk);
      done();
    },
  });
  // Piped answers: the input ends after the last one.
  if (answers) input.end(answers.map((a) => `${a}\n`).join(''));
  const code = await runSetup({ argv, env, input, output: out, sleep: async () => {} });
  input.destroy();
  return { code, output };
}

/** The flags of a run that creates the role and client with the simulator's admin account. */
export const adminFlags = (h: Harness, ...more: string[]) => ['--yes', '--jamf-url', h.url, '--admin-user', 'admin', '--idp-name', 'okta', '--env-file', h.envFile, ...more];

export const occurrences = (text: string, part: string) => text.split(part).length - 1;
