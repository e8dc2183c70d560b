import { z } from 'zod';
import { badRequest } from './errors.js';
import { assertSafeJson, getCaseInsensitive, isPlainObject } from './json.js';
import { zodToScimError } from './validation.js';

export type PatchOpName = 'add' | 'replace' | 'remove';

/** One PATCH operation after syntax checks (RFC 7644 §3.5.2), before dialect normalisation. */
export interface PatchOperation {
  /** Position in `Operations`, quoted in error details ("Operations[2]: …"). */
  index: number;
  op: PatchOpName;
  path?: string;
  /** False when the operation had no `value` member at all (distinct from `value: null`). */
  hasValue: boolean;
  value?: unknown;
}

// The PatchOp URN is required by RFC 7644 §3.5.2, but a missing `schemas` is accepted:
// refusing it helps nobody. A `schemas` of the wrong type is still a syntax error.
const bodySchema = z.object({
  schemas: z.array(z.string()).optional(),
  Operations: z.array(z.unknown(), { error: 'Operations must be an array of operations.' }),
});

const OP_NAMES: readonly string[] = ['add', 'replace', 'remove'];

export function opLabel(index: number): string {
  return `Operations[${index}]`;
}

/**
 * Validates a PATCH body and returns its operations. Op names are case-insensitive because
 * Entra sends `Add`/`Replace`/`Remove` (idp-behaviour A2.2); member names of the body and of
 * each operation are matched case-insensitively as well (RFC 7643 §2.1).
 */
export function parsePatchBody(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw badRequest('invalidSyntax', 'PATCH body must be a JSON object.');
  assertSafeJson(body);
  const parsed = bodySchema.safeParse({
    schemas: getCaseInsensitive(body, 'schemas') ?? undefined,
    Operations: getCaseInsensitive(body, 'Operations'),
  });
  if (!parsed.success) throw zodToScimError(parsed.error, 'invalidSyntax');
  return parsed.data.Operations.map((raw, index) => parseOperation(raw, index));
}

function parseOperation(raw: unknown, index: number): PatchOperation {
  const label = opLabel(index);
  if (!isPlainObject(raw)) throw badRequest('invalidSyntax', `${label}: an operation must be a JSON object.`);
  const op = getCaseInsensitive(raw, 'op');
  if (typeof op !== 'string' || !OP_NAMES.includes(op.toLowerCase())) {
    throw badRequest('invalidSyntax', `${label}: unknown op ${JSON.stringify(op ?? null)}; expected add, replace or remove.`);
  }
  const operation: PatchOperation = { index, op: op.toLowerCase() as PatchOpName, hasValue: false };
  const path = getCaseInsensitive(raw, 'path');
  if (path !== undefined && path !== null) {
    if (typeof path !== 'string') throw badRequest('invalidPath', `${label}: path must be a string.`);
    if (path.trim() !== '') operation.path = path.trim();
  }
  const valueKey = Object.keys(raw).find((key) => key.toLowerCase() === 'value');
  if (valueKey !== undefined) {
    operation.hasValue = true;
    operation.value = raw[valueKey];
  }
  if (operation.op !== 'remove' && !operation.hasValue) {
    throw badRequest('invalidValue', `${label}: "${operation.op}" requires a value.`);
  }
  return operation;
}
