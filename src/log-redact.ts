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
 * The answer per key already seen, so the usual keys (`method`, `route`, `ms`…) cost a map lookup
 * rather than a lower-cased copy of the key on every line. Bounded: keys taken from logged data
 * could be anything.
 */
const seenKeys = new Map<string, boolean>();
const MAX_SEEN_KEYS = 1024;

function isSecret(key: string): boolean {
  const known = seenKeys.get(key);
  if (known !== undefined) return known;
  const secret = SECRET_KEYS.has(key.toLowerCase());
  if (seenKeys.size < MAX_SEEN_KEYS) seenKeys.set(key, secret);
  return secret;
}

/** Deeper than anything this server logs on purpose; a deeper value is summarised, not walked. */
const MAX_DEPTH = 8;

const hasOwn = Object.prototype.hasOwnProperty;

/** What `read` returns for a property whose getter threw. */
const UNREADABLE = Symbol('unreadable');

function binarySummary(value: ArrayBufferView | ArrayBuffer): string {
  const kind = Buffer.isBuffer(value) ? 'Buffer' : value.constructor.name;
  return `[${kind} ${value.byteLength} bytes]`;
}

/** Reads a property without trusting it: a getter may throw (Node's Buffer `parent` does on a copy). */
function read(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return UNREADABLE;
  }
}

/**
 * The objects being walked, by depth, for cycle detection without a WeakSet per line. A log call
 * made from inside a walk (a getter or toJSON that logs) gets a stack of its own.
 */
let spareStack: unknown[] | undefined = [];

function onStack(stack: unknown[], depth: number, value: object): boolean {
  for (let i = 0; i < depth; i++) if (stack[i] === value) return true;
  return false;
}

/**
 * The value as it may be serialised: the value itself when nothing in it needs changing (the usual
 * log object of a few primitives is walked, never copied), otherwise a copy holding only the changes
 * and what surrounds them. Whatever is returned as is serialises exactly as the copy would.
 */
function walk(value: unknown, depth: number, stack: unknown[]): unknown {
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
  if (onStack(stack, depth, value)) return '[Circular]';
  const isError = value instanceof Error;
  // Dates, URLs and the like say how they serialise; the result is walked like any other value.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function' && !isError) {
    stack[depth] = value;
    const json = walk(toJSON.call(value), depth + 1, stack);
    stack[depth] = undefined;
    return json;
  }
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';
  stack[depth] = value;
  const out = Array.isArray(value)
    ? walkArray(value, depth, stack)
    : // An Error is flattened as pino's own serialiser does (type, message, stack, cause, own
      // fields), then walked like any object so its fields are redacted too; that copy is always made.
      walkObject(isError ? pino.stdSerializers.errWithCause(value) : value, depth, stack, isError);
  stack[depth] = undefined;
  return out;
}

function walkArray(source: unknown[], depth: number, stack: unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < source.length; i++) {
    const item = source[i];
    const v = walk(item, depth + 1, stack);
    if (out !== undefined) out.push(v ?? null);
    else if (v !== item) {
      // Items before this one came back unchanged; JSON writes an undefined item as null.
      out = source.slice(0, i).map((before) => before ?? null);
      out.push(v ?? null);
    }
  }
  return out ?? source;
}

function walkObject(source: object, depth: number, stack: unknown[], copy: boolean): object {
  let out: Record<string, unknown> | undefined = copy ? {} : undefined;
  for (const key in source) {
    // JSON.stringify writes own enumerable keys only.
    if (!hasOwn.call(source, key)) continue;
    let v: unknown;
    let changed: boolean;
    if (isSecret(key)) {
      v = CENSOR;
      changed = true;
    } else {
      const raw = read(source, key);
      v = raw === UNREADABLE ? '[unreadable]' : walk(raw, depth + 1, stack);
      changed = v !== raw;
    }
    if (out === undefined) {
      if (!changed) continue;
      out = copyUntil(source, key, depth, stack);
    }
    if (v !== undefined) out[key] = v;
  }
  return out ?? source;
}

/**
 * A fresh object with the keys before `stop`, which came back unchanged. They are read and walked
 * again rather than remembered, so the common path keeps no list of values; a getter that changes
 * its answer between reads is walked on the answer that is written.
 */
function copyUntil(source: object, stop: string, depth: number, stack: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in source) {
    if (key === stop) break;
    if (!hasOwn.call(source, key)) continue;
    const raw = read(source, key);
    const v = isSecret(key) ? CENSOR : raw === UNREADABLE ? '[unreadable]' : walk(raw, depth + 1, stack);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * A log object that is safe to serialise whatever it holds: secrets redacted at any depth, bytes
 * summarised, cycles and throwing getters replaced by markers. The object itself when it needs none
 * of that, so the usual line costs a walk and no allocation. It never throws, so no log call (at
 * any level) can take the process down.
 */
export function redact(obj: Record<string, unknown>): Record<string, unknown> {
  const stack = spareStack ?? [];
  spareStack = undefined;
  let out: unknown;
  try {
    out = walk(obj, 0, stack);
  } catch {
    // Each level clears its own entry on the way out; a throw skips that, and the stack must not
    // hold a logged object past the call.
    stack.fill(undefined);
    out = { logError: 'log fields could not be serialised' };
  }
  spareStack = stack;
  return typeof out === 'object' && out !== null && !Array.isArray(out) ? (out as Record<string, unknown>) : {};
}
