/** What the PostgreSQL coordination pieces share: the logger they need and the lease clock. */
import type pg from 'pg';

/** The two levels coordination logs at; a pino logger fits. */
export interface CoordLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLog: CoordLog = { warn: () => undefined, error: () => undefined };

export interface LeaseContext {
  pool: pg.Pool;
  leaseMs: number;
  now: () => number;
  log: CoordLog;
}

/** Raised when the shared state cannot be used; callers see it instead of waiting forever. */
export class CoordinationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoordinationError';
  }
}

export function errorFields(err: unknown): { err: string } {
  return { err: err instanceof Error ? err.message : String(err) };
}
