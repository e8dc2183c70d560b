/** Messages between a benchmark driver and a child process started by `child.ts`. */

/** The SCIM bearer token the benchmark servers accept (SCIM_BEARER_TOKENS). */
export const BENCH_TOKEN = 'bench-bearer-token-0123456789abcdef';

export type ChildRole = 'sim' | 'scim' | 'baseline';

export interface SimChildConfig {
  seedUsers?: number;
  seedGroups?: number;
  latencyMs?: number;
  jitterMs?: number;
  maxConcurrent?: number;
  version?: string;
  tokenLifetimeSeconds?: number;
  /** The simulator's `concurrentWrites` knob: how overlapping Classic PUTs to one record behave. */
  concurrentWrites?: 'atomic' | 'lost-update' | 'fail';
}

/**
 * The `scim` role: the production wiring (`startServer` with config from the environment, the
 * production logger on stdout) with only the Jamf client replaced by the in-memory fake.
 */
export interface ScimChildConfig {
  fakeVersion?: string;
  fakeSeedUsers?: number;
  /** Static groups created in the fake, each empty. */
  fakeSeedGroups?: number;
}

export interface ChildReady {
  type: 'ready';
  url: string;
  /** Role-specific facts (simulator credentials, seeded ids). */
  info: Record<string, unknown>;
}

export interface ChildRequest {
  id: number;
  cmd: string;
  args?: unknown;
}

export interface ChildResponse {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export interface ChildUsage {
  /** Current RSS, bytes. */
  rss: number;
  /** Highest RSS sampled every 50 ms since start or the last `resetPeak`, bytes. */
  peakRss: number;
  /** `process.resourceUsage().maxRSS` (whole process lifetime), bytes. */
  maxRss: number;
  heapUsed: number;
  heapTotal: number;
  /** Memory outside the V8 heap (Buffers, SQLite's allocations are not included). */
  external: number;
  /** CPU time used since start, ms. */
  cpuMs: number;
}

export interface SimStateSummary {
  users: Array<{ id: number; name: string; position: string }>;
  groups: Array<{ id: number; name: string; isSmart: boolean; memberIds: number[] }>;
}
