import { z } from 'zod';
import { DEFAULT_PRIVILEGES } from './privileges.js';
import type { KnobPatch, Knobs, SimulatorOptions } from './types.js';

const rate = z.number().min(0).max(1);
const status = z.number().int().min(400).max(599);

export const faultConfigSchema = z.strictObject({
  errorRate: rate.optional(),
  errorStatuses: z.array(status).min(1).optional(),
  resetRate: rate.optional(),
  slowRate: rate.optional(),
  slowMs: z.number().int().min(0).optional(),
  next: z
    .array(
      z.strictObject({
        method: z.string().optional(),
        route: z.string().optional(),
        count: z.number().int().positive().optional(),
        fault: z.union([z.enum(['reset-before', 'reset-after', 'slow']), status]),
      }),
    )
    .optional(),
});

/** Knob changes, from `setKnobs` or `PATCH /__simulator/knobs`. `maxConcurrent: null` lifts the limit. */
export const knobPatchSchema = z.strictObject({
  latencyMs: z.number().int().min(0).optional(),
  jitterMs: z.number().int().min(0).optional(),
  maxConcurrent: z.number().int().positive().nullable().optional(),
  faults: faultConfigSchema.optional(),
  tokenLifetimeSeconds: z.number().int().positive().optional(),
  version: z
    .string()
    .regex(/^\d+(\.\d+)*(-\S*)?$/)
    .optional(),
  privileges: z.array(z.string()).optional(),
  accountPrivileges: z.union([z.literal('all'), z.array(z.string())]).optional(),
  concurrentWrites: z.enum(['atomic', 'lost-update', 'fail']).optional(),
  unknownReferences: z.enum(['accept', 'refuse']).optional(),
  duplicateNameMessage: z.string().min(1).optional(),
  tokenPaths: z.enum(['both', 'v1-only', 'legacy-only']).optional(),
  listLatencyPerThousandMs: z.number().int().min(0).optional(),
});

export function initialKnobs(opts: SimulatorOptions): Knobs {
  return {
    latencyMs: opts.latencyMs ?? 0,
    jitterMs: opts.jitterMs ?? 0,
    maxConcurrent: opts.maxConcurrent,
    faults: opts.faults ?? {},
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 300,
    version: opts.version ?? '11.30.1',
    privileges: [...(opts.privileges ?? DEFAULT_PRIVILEGES)],
    accountPrivileges: opts.accountPrivileges === undefined || opts.accountPrivileges === 'all' ? 'all' : [...opts.accountPrivileges],
    // Today's behaviour; the anomalies of overlapping Classic writes are opt-in (types.ts ConcurrentWrites).
    concurrentWrites: opts.concurrentWrites ?? 'atomic',
    // Today's lenient behaviour; refusing unknown sites and extension attributes is opt-in (types.ts UnknownReferences).
    unknownReferences: opts.unknownReferences ?? 'accept',
    // "Error: Duplicate name" is seen for other Classic objects only (JSSImporter#78; jamf-pro-api.md §11).
    duplicateNameMessage: opts.duplicateNameMessage ?? 'Duplicate name',
    tokenPaths: opts.tokenPaths ?? 'both',
    listLatencyPerThousandMs: opts.listLatencyPerThousandMs ?? 0,
  };
}

/** Validates a patch and writes it into `knobs` (which the pipeline reads on every call). */
export function applyKnobPatch(knobs: Knobs, patch: KnobPatch | z.input<typeof knobPatchSchema>): void {
  const p = knobPatchSchema.parse(patch);
  if (p.latencyMs !== undefined) knobs.latencyMs = p.latencyMs;
  if (p.jitterMs !== undefined) knobs.jitterMs = p.jitterMs;
  if ('maxConcurrent' in patch) knobs.maxConcurrent = p.maxConcurrent ?? undefined;
  if (p.faults !== undefined) knobs.faults = p.faults;
  if (p.tokenLifetimeSeconds !== undefined) knobs.tokenLifetimeSeconds = p.tokenLifetimeSeconds;
  if (p.version !== undefined) knobs.version = p.version;
  if (p.privileges !== undefined) knobs.privileges = p.privileges;
  if (p.accountPrivileges !== undefined) knobs.accountPrivileges = p.accountPrivileges;
  if (p.concurrentWrites !== undefined) knobs.concurrentWrites = p.concurrentWrites;
  if (p.unknownReferences !== undefined) knobs.unknownReferences = p.unknownReferences;
  if (p.duplicateNameMessage !== undefined) knobs.duplicateNameMessage = p.duplicateNameMessage;
  if (p.tokenPaths !== undefined) knobs.tokenPaths = p.tokenPaths;
  if (p.listLatencyPerThousandMs !== undefined) knobs.listLatencyPerThousandMs = p.listLatencyPerThousandMs;
}
