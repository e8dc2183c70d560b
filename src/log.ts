import { createRequire } from 'node:module';
import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redact } from './log-redact.js';

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

/**
 * pino runs `formatters.bindings` on the root logger's bindings only: `child()` swaps in an identity
 * formatter unless the child's own options bring one (pino 10, lib/proto.js). So every child's
 * bindings, Fastify's per-request `{ reqId }` included, are redacted here, once per child; children
 * inherit this method from the root, so a grandchild is covered too.
 */
function redactChildBindings(logger: Logger): Logger {
  const child = logger.child as unknown as (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger;
  const setBindings = logger.setBindings as (this: Logger, bindings: Bindings) => void;
  const redacting = {
    child(this: Logger, bindings: Bindings, options?: ChildLoggerOptions) {
      // Fastify passes `{}` for the options of every request's child; pino takes a shorter path
      // without any, and the result is the same.
      return child.call(this, redact(bindings), options === undefined || isEmpty(options) ? undefined : options);
    },
    setBindings(this: Logger, bindings: Bindings) {
      setBindings.call(this, redact(bindings));
    },
  };
  return Object.assign(logger, redacting);
}

function isEmpty(obj: object): boolean {
  for (const key in obj) if (Object.prototype.hasOwnProperty.call(obj, key)) return false;
  return true;
}

export function createLogger(opts: LogOptions, destination?: DestinationStream): Logger {
  const base: LoggerOptions = {
    level: opts.level,
    // Redaction is one walk over every logged object, by key, rather than pino's path-based
    // `redact`: that needs a wildcard path per depth, costs a pass per path on every line, and
    // throws on a Buffer, which Node's client errors carry (the raw request head, at trace).
    formatters: { log: redact, bindings: redact },
    // `redact` has already flattened every Error; pino's own serialiser would re-type the copy.
    serializers: { err: (err: unknown) => err },
    base: { service: 'jamf-scim' },
  };
  if (opts.pretty && destination === undefined && prettyAvailable()) {
    return redactChildBindings(pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } }));
  }
  return redactChildBindings(destination === undefined ? pino(base) : pino(base, destination));
}
