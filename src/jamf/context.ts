/** What the resource modules (users, groups, server info) need from the client. */
import type { Logger } from 'pino';
import { JamfError } from './errors.js';
import type { CallResult, CallSpec } from './http-core.js';

export interface JamfContext {
  /** An authenticated call with retries (http-core.ts). */
  call(spec: CallSpec): Promise<CallResult>;
  /** Full-jitter pause before retry number `retry`. */
  backoff(retry: number): Promise<void>;
  /** Keeps the node that answered a create for the calls that depend on `key` (node-affinity.ts). */
  pin(key: string, result: CallResult): void;
  retries: number;
  /** Timeout per attempt of the unpaged Classic lists, which grow with the tenant (§11). */
  listTimeoutMs: number;
  logger: Logger;
}

export function parseJsonBody(body: string, route: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new JamfError('server', 'Jamf Pro answered with malformed JSON', undefined, route);
  }
}

/** Jamf ids are positive integers; anything else cannot name an object, so it is "not found". */
export function isJamfId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 1;
}

export function assertJamfId(id: number, route: string): void {
  if (!isJamfId(id)) throw new JamfError('not_found', `no Jamf object has the id ${String(id)}`, undefined, route);
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Classic JSON numbers may arrive as numbers or numeric strings. */
export function jsonInt(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

export function jsonString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

export function jsonBool(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}
