import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { CENSOR, TOP_LEVEL_PATHS, redact } from './log-redact.js';

/** pino-pretty is a development dependency; a production install logs JSON even on a terminal. */
function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export interface LogOptions {
  level: string;
  /** Pretty output only when a person is watching. */
  pretty?: boolean;
}

export function createLogger(opts: LogOptions, destination?: DestinationStream): Logger {
  const base: LoggerOptions = {
    level: opts.level,
    // Redaction is a walk over every logged object rather than pino's path-based `redact` with a
    // wildcard per depth: that one throws on a Buffer, and Fastify logs Node's client errors,
    // which carry the raw request head, at trace level (a crash at LOG_LEVEL=trace).
    formatters: { log: redact, bindings: redact },
    redact: { paths: TOP_LEVEL_PATHS, censor: CENSOR },
    // `redact` has already flattened every Error; pino's own serialiser would re-type the copy.
    serializers: { err: (err: unknown) => err },
    base: { service: 'jamf-scim' },
  };
  if (opts.pretty && destination === undefined && prettyAvailable()) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } });
  }
  return destination === undefined ? pino(base) : pino(base, destination);
}
