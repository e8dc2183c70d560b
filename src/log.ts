import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** pino-pretty is a development dependency; a production install logs JSON even on a terminal. */
function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** Keys whose values never reach a log line, at any depth (pino's `**`-free paths need a wildcard per level). */
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'set-cookie',
  'token',
  'access_token',
  'accessToken',
  'client_secret',
  'clientSecret',
  'password',
  'secret',
  'JAMF_CLIENT_SECRET',
  'JAMF_PASSWORD',
  'SCIM_BEARER_TOKENS',
  'METRICS_TOKEN',
];

function redactPaths(depth: number): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const prop = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    let prefix = '';
    for (let d = 0; d <= depth; d++) {
      paths.push(prefix === '' ? prop : `${prefix}${prop.startsWith('[') ? '' : '.'}${prop}`);
      prefix = prefix === '' ? '*' : `${prefix}.*`;
    }
  }
  return paths;
}

export const REDACT_PATHS = redactPaths(4);

export interface LogOptions {
  level: string;
  /** Pretty output only when a person is watching. */
  pretty?: boolean;
}

export function createLogger(opts: LogOptions, destination?: DestinationStream): Logger {
  const base: LoggerOptions = {
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'jamf-scim' },
  };
  if (opts.pretty && destination === undefined && prettyAvailable()) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } });
  }
  return destination === undefined ? pino(base) : pino(base, destination);
}
