import { JamfError } from '../jamf/errors.js';
import { ScimError } from '../scim/errors.js';
import type { AuditTrail } from './recorder.js';
import type { AuditEvent } from './types.js';

export type AuditSubject = Omit<AuditEvent, 'outcome' | 'detail'>;

/** What a failure entry keeps: the SCIM answer it became, or Jamf's refusal; messages only, never bodies. */
export function failureDetail(err: unknown): Record<string, unknown> {
  if (err instanceof ScimError) return { status: err.status, error: err.detail };
  if (err instanceof JamfError) return { jamf: err.kind, ...(err.status === undefined ? {} : { jamfStatus: err.status }), error: err.message };
  return { error: err instanceof Error ? err.message : String(err) };
}

export function recordSuccess(trail: AuditTrail, subject: AuditSubject, detail?: Record<string, unknown>): Promise<void> {
  return trail.record(detail === undefined ? { ...subject, outcome: 'success' } : { ...subject, outcome: 'success', detail });
}

export function recordFailure(trail: AuditTrail, subject: AuditSubject, err: unknown, detail?: Record<string, unknown>): Promise<void> {
  return trail.record({ ...subject, outcome: 'failure', detail: { ...detail, ...failureDetail(err) } });
}

/** Runs a step that changes Jamf and records its failure (then rethrows); the caller records the success with what it learned. */
export async function auditFailures<T>(trail: AuditTrail, subject: () => AuditSubject, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    await recordFailure(trail, subject(), err);
    throw err;
  }
}
