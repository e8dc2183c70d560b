import { ScimError } from './errors.js';

/** RFC 7644 §3.7: the message URNs of a bulk request and its response. */
export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export const BULK_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type BulkMethod = (typeof BULK_METHODS)[number];

/** One entry of `Operations`, read but not yet resolved (RFC 7644 §3.7). */
export interface BulkOperation {
  /** Position in the request; results are reported in this order. */
  index: number;
  /** As sent, so the response echoes it even when it is not one of ours. */
  method: string;
  bulkId?: string;
  version?: string;
  path: string;
  data?: unknown;
  /** The bulkIds this operation refers to, in `path` or anywhere in `data` (§3.7.2). */
  references: string[];
  /** Why this operation fails without being attempted; the others still run (§3.7.3). */
  invalid?: ScimError;
}

export interface BulkRequest {
  /** Errors accepted before the rest of the job is dropped (§3.7.3); absent: no limit. */
  failOnErrors?: number;
  operations: BulkOperation[];
}

export interface BulkLimits {
  maxOperations: number;
}

const REFERENCE = /^bulkId:(.+)$/;
const RESOURCE_PATH = /^\/(Users|Groups)(?:\/([^/?#]+))?$/i;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every `bulkId:<id>` value in a path segment or anywhere in `data`, in order of appearance. */
function referencesIn(path: string, data: unknown): string[] {
  const found = new Set<string>();
  for (const segment of path.split('/')) {
    const m = REFERENCE.exec(segment);
    if (m?.[1] !== undefined) found.add(m[1]);
  }
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      const m = REFERENCE.exec(value);
      if (m?.[1] !== undefined) found.add(m[1]);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (isObject(value)) Object.values(value).forEach(walk);
  };
  walk(data);
  return [...found];
}

function readOperation(raw: unknown, index: number): BulkOperation {
  if (!isObject(raw)) {
    return { index, method: '', path: '', references: [], invalid: new ScimError(400, `Operations[${index}] is not an object`, 'invalidSyntax') };
  }
  const method = typeof raw.method === 'string' ? raw.method.toUpperCase() : '';
  const path = typeof raw.path === 'string' ? raw.path : '';
  const op: BulkOperation = { index, method, path, references: [] };
  if (typeof raw.bulkId === 'string' && raw.bulkId !== '') op.bulkId = raw.bulkId;
  if (typeof raw.version === 'string' && raw.version !== '') op.version = raw.version;
  if (raw.data !== undefined) op.data = raw.data;
  op.invalid = problemOf(raw, op);
  if (!op.invalid) op.references = referencesIn(path, op.data);
  return op;
}

function problemOf(raw: Record<string, unknown>, op: BulkOperation): ScimError | undefined {
  const at = `Operations[${op.index}]`;
  if (!(BULK_METHODS as readonly string[]).includes(op.method)) {
    return new ScimError(400, `${at}.method must be one of ${BULK_METHODS.join(', ')}`, 'invalidValue');
  }
  if (raw.bulkId !== undefined && op.bulkId === undefined) return new ScimError(400, `${at}.bulkId must be a non-empty string`, 'invalidValue');
  // §3.7: bulkId is REQUIRED with POST, so the created resource can be told apart in the response.
  if (op.method === 'POST' && op.bulkId === undefined) return new ScimError(400, `${at}.bulkId is required with POST`, 'invalidValue');
  const target = RESOURCE_PATH.exec(op.path);
  if (!target) return new ScimError(400, `${at}.path must be /Users or /Groups, with /{id} except for POST`, 'invalidPath');
  if ((op.method === 'POST') !== (target[2] === undefined)) {
    return new ScimError(400, `${at}.path ${op.method === 'POST' ? 'of a POST names no id' : 'must name a resource id'}`, 'invalidPath');
  }
  if (op.method !== 'DELETE' && !isObject(op.data)) return new ScimError(400, `${at}.data must be an object with ${op.method}`, 'invalidSyntax');
  return undefined;
}

/**
 * Reads a bulk request (RFC 7644 §3.7). Faults of the whole message (not a BulkRequest, too many
 * operations, a bulkId given twice) throw; a fault of one operation marks only that operation.
 */
export function parseBulkRequest(body: unknown, limits: BulkLimits): BulkRequest {
  if (!isObject(body)) throw new ScimError(400, 'Request body must be a BulkRequest object', 'invalidSyntax');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(BULK_REQUEST_SCHEMA)) {
    throw new ScimError(400, `schemas must contain ${BULK_REQUEST_SCHEMA}`, 'invalidSyntax');
  }
  const raw = body.Operations;
  if (!Array.isArray(raw)) throw new ScimError(400, 'Operations must be an array', 'invalidSyntax');
  // §3.7.4: more operations than advertised is 413, like a payload over maxPayloadSize.
  if (raw.length > limits.maxOperations) {
    throw new ScimError(413, `The bulk request has ${raw.length} operations; maxOperations is ${limits.maxOperations}`);
  }
  let failOnErrors: number | undefined;
  if (body.failOnErrors !== undefined) {
    if (typeof body.failOnErrors !== 'number' || !Number.isInteger(body.failOnErrors) || body.failOnErrors < 1) {
      throw new ScimError(400, 'failOnErrors must be a positive integer', 'invalidValue');
    }
    failOnErrors = body.failOnErrors;
  }
  const operations = raw.map(readOperation);
  const seen = new Set<string>();
  for (const op of operations) {
    if (op.bulkId === undefined) continue;
    // A reference must name one resource, so a bulkId given twice makes the whole job ambiguous.
    if (seen.has(op.bulkId)) throw new ScimError(400, `bulkId ${op.bulkId} is used by more than one operation`, 'invalidValue');
    seen.add(op.bulkId);
  }
  markBrokenReferences(operations);
  return failOnErrors === undefined ? { operations } : { failOnErrors, operations };
}

/**
 * An operation referring to a bulkId no operation declares fails with 400; one that takes part in
 * a cycle of references fails with 409 (§3.7.1: the service provider MAY stop after a failed
 * attempt to resolve circular references and return 409). Resources here never need a cycle:
 * a user's `groups` is read-only and Jamf groups hold no groups.
 */
function markBrokenReferences(operations: BulkOperation[]): void {
  const byBulkId = new Map(operations.flatMap((op) => (op.bulkId === undefined ? [] : [[op.bulkId, op] as const])));
  for (const op of operations) {
    const unknown = op.references.find((r) => !byBulkId.has(r));
    if (!op.invalid && unknown !== undefined) {
      op.invalid = new ScimError(400, `Operations[${op.index}] refers to bulkId ${unknown}, which no operation declares`, 'invalidValue');
    }
  }
  const onCycle = (start: BulkOperation): boolean => {
    const visited = new Set<BulkOperation>();
    const stack = [...start.references];
    while (stack.length > 0) {
      const next = byBulkId.get(stack.pop() as string);
      if (!next) continue;
      if (next === start) return true;
      if (visited.has(next)) continue;
      visited.add(next);
      stack.push(...next.references);
    }
    return false;
  };
  for (const op of operations) {
    if (!op.invalid && onCycle(op)) {
      op.invalid = new ScimError(409, `Operations[${op.index}] (bulkId ${op.bulkId ?? 'none'}) is part of a circular bulkId reference`);
    }
  }
}

/** A copy of `value` with every `bulkId:<id>` (whole string or path segment) replaced by the created resource's id. */
export function resolveReferences<T>(value: T, ids: ReadonlyMap<string, string>): T {
  const swap = (s: string): string => {
    const m = REFERENCE.exec(s);
    return m?.[1] !== undefined && ids.has(m[1]) ? (ids.get(m[1]) as string) : s;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return swap(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** `path` with each `bulkId:<id>` segment replaced by the created resource's id. */
export function resolvePath(path: string, ids: ReadonlyMap<string, string>): string {
  return path
    .split('/')
    .map((segment) => resolveReferences(segment, ids))
    .join('/');
}
