import { pino } from 'pino';

export const CENSOR = '[redacted]';

/**
 * Keys whose values never reach a log line, at any depth, in any letter case. `rawPacket` is the
 * field Node's HTTP parser attaches to a client error: the raw request head, Authorization
 * header included.
 */
const SECRET_NAMES = [
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'token',
    'access_token',
    'accessToken',
    'refresh_token',
    'client_secret',
    'clientSecret',
    'password',
    'secret',
    'rawPacket',
    'JAMF_CLIENT_SECRET',
    'JAMF_PASSWORD',
    'SCIM_BEARER_TOKENS',
    'OAUTH_CLIENT_SECRET',
    'METRICS_TOKEN',
];
const SECRET_KEYS = new Set(SECRET_NAMES.map((k) => k.toLowerCase()));

/**
 * pino's `redact` paths for the same keys at the top level only. pino does not pass a child
 * logger's bindings through `formatters.bindings`; these paths cover them. A top-level path never
 * walks into a value, so it cannot trip over one.
 */
export const TOP_LEVEL_PATHS = SECRET_NAMES.map((k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`));

/** Deeper than anything this server logs on purpose; a deeper value is summarised, not walked. */
const MAX_DEPTH = 8;

function binarySummary(value: ArrayBufferView | ArrayBuffer): string {
  const kind = Buffer.isBuffer(value) ? 'Buffer' : value.constructor.name;
  return `[${kind} ${value.byteLength} bytes]`;
}

/** Reads a property without trusting it: a getter may throw (Node's Buffer `parent` does on a copy). */
function read(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return '[unreadable]';
  }
}

function walk(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'bigint':
      // JSON has no bigint; pino's serialiser would throw on one.
      return value.toString();
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  // Bytes are never written out: they are request heads, bodies or key material, and a Buffer's
  // own getters throw when a redaction library walks a copy of one (item 9 of the issue).
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return binarySummary(value);
  if (ancestors.has(value)) return '[Circular]';
  // Dates, URLs and the like say how they serialise; the result is walked like any other value.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function' && !(value instanceof Error)) {
    ancestors.add(value);
    try {
      return walk(toJSON.call(value), depth + 1, ancestors);
    } finally {
      ancestors.delete(value);
    }
  }
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';

  // An Error is flattened as pino's own serialiser does (type, message, stack, cause, own fields),
  // then walked like any object so its fields are redacted too.
  const source: object = value instanceof Error ? pino.stdSerializers.errWithCause(value) : value;
  ancestors.add(value);
  try {
    if (Array.isArray(source)) return source.map((item) => walk(item, depth + 1, ancestors) ?? null);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      const v = SECRET_KEYS.has(key.toLowerCase()) ? CENSOR : walk(read(source, key), depth + 1, ancestors);
      if (v !== undefined) out[key] = v;
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * A copy of a log object that is safe to serialise whatever it holds: secrets redacted at any
 * depth, bytes summarised, cycles and throwing getters replaced by markers. It never throws, so no
 * log call (at any level) can take the process down.
 */
export function redact(obj: Record<string, unknown>): Record<string, unknown> {
  try {
    const out = walk(obj, 0, new WeakSet());
    return typeof out === 'object' && out !== null && !Array.isArray(out) ? (out as Record<string, unknown>) : {};
  } catch {
    return { logError: 'log fields could not be serialised' };
  }
}
