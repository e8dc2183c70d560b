import { ScimError, type ScimErrorBody } from './errors.js';
import { BULK_RESPONSE_SCHEMA, resolvePath, resolveReferences, type BulkOperation, type BulkRequest } from './bulk.js';

/** What one operation came to, as its single request would have answered. */
export interface BulkOutcome {
  status: number;
  /** The id of the resource the operation wrote (a POST's new id resolves references to its bulkId). */
  id?: string;
  location?: string;
  version?: string;
  /** The SCIM error body, for a status outside 2xx. */
  error?: ScimErrorBody;
}

/** Runs one operation with its references resolved; resolves with its outcome, never rejects for SCIM errors. */
export type BulkExecutor = (op: BulkOperation, path: string, data: unknown) => Promise<BulkOutcome>;

/** RFC 7644 §3.7.3: one entry per attempted operation; `status` is a string there. */
export interface BulkResponseOperation {
  method: string;
  bulkId?: string;
  version?: string;
  location?: string;
  status: string;
  response?: ScimErrorBody;
}

export interface BulkResponse {
  schemas: [typeof BULK_RESPONSE_SCHEMA];
  Operations: BulkResponseOperation[];
}

const failed = (status: number) => status < 200 || status >= 300;

function entry(op: BulkOperation, outcome: BulkOutcome): BulkResponseOperation {
  // Entra rejects nulls in responses, so absent members are left out rather than null.
  const out: BulkResponseOperation = { method: op.method, status: String(outcome.status) };
  if (op.bulkId !== undefined) out.bulkId = op.bulkId;
  if (outcome.version !== undefined) out.version = outcome.version;
  if (outcome.location !== undefined) out.location = outcome.location;
  if (failed(outcome.status)) out.response = outcome.error ?? new ScimError(outcome.status, 'Operation failed').toBody();
  return out;
}

const refusal = (error: ScimError): BulkOutcome => ({ status: error.status, error: error.toBody() });

/**
 * Runs a bulk job (RFC 7644 §3.7). An operation starts once every bulkId it refers to has been
 * created (§3.7.2) and every earlier operation on its own resource has finished, at most
 * `concurrency` at a time, in request order among those ready. An operation whose referenced
 * operation failed fails too, unattempted. Once `failOnErrors` errors have been counted no
 * further operation starts; those running finish and are reported, the rest are left out of the
 * response (§3.7.3).
 */
export async function runBulk(request: BulkRequest, execute: BulkExecutor, options: { concurrency: number }): Promise<BulkResponse> {
  const ops = request.operations;
  const outcomes = new Map<number, BulkOutcome>();
  const createdIds = new Map<string, string>();
  const failedBulkIds = new Set<string>();
  const started = new Set<number>();
  let errors = 0;
  let running = 0;
  const stopped = () => request.failOnErrors !== undefined && errors >= request.failOnErrors;

  const settle = (op: BulkOperation, outcome: BulkOutcome) => {
    outcomes.set(op.index, outcome);
    if (failed(outcome.status)) {
      errors += 1;
      if (op.bulkId !== undefined) failedBulkIds.add(op.bulkId);
    } else if (op.bulkId !== undefined && outcome.id !== undefined) {
      createdIds.set(op.bulkId, outcome.id);
    } else if (op.bulkId !== undefined) {
      // A success that names no resource cannot be referred to.
      failedBulkIds.add(op.bulkId);
    }
  };

  // Operations on one resource run in request order (a PATCH, then a DELETE), the rest at once.
  const target = (op: BulkOperation) => (op.method === 'POST' ? undefined : resolvePath(op.path, createdIds).toLowerCase());
  const waitsForEarlierOnSameResource = (op: BulkOperation) => {
    const mine = target(op);
    return mine !== undefined && ops.some((o) => o.index < op.index && !outcomes.has(o.index) && target(o) === mine);
  };

  await new Promise<void>((done) => {
    const pump = () => {
      // Repeated until nothing more settles at once: a refusal can make earlier operations' fate known.
      let progressed = true;
      while (progressed && !stopped()) {
        progressed = false;
        for (const op of ops) {
          if (stopped()) break;
          if (started.has(op.index)) continue;
          if (op.invalid) {
            started.add(op.index);
            settle(op, refusal(op.invalid));
            progressed = true;
            continue;
          }
          const lost = op.references.find((r) => failedBulkIds.has(r));
          if (lost !== undefined) {
            started.add(op.index);
            settle(op, refusal(new ScimError(400, `Operations[${op.index}] refers to bulkId ${lost}, whose operation failed`, 'invalidValue')));
            progressed = true;
            continue;
          }
          if (running >= options.concurrency || !op.references.every((r) => createdIds.has(r))) continue;
          if (waitsForEarlierOnSameResource(op)) continue;
          started.add(op.index);
          running += 1;
          const path = resolvePath(op.path, createdIds);
          const data = resolveReferences(op.data, createdIds);
          void execute(op, path, data)
            .catch((err: unknown) => refusal(err instanceof ScimError ? err : new ScimError(500, 'Internal server error')))
            .then((outcome) => {
              running -= 1;
              settle(op, outcome);
              pump();
            });
        }
      }
      if (running > 0) return;
      // Only an order no operation can start in is left (one waits for a resource an earlier
      // operation on its own target creates): those fail rather than vanish from the response.
      if (!stopped()) {
        for (const op of ops) {
          if (!started.has(op.index)) settle(op, refusal(new ScimError(409, `Operations[${op.index}] cannot be ordered after the operations it depends on`)));
        }
      }
      done();
    };
    pump();
  });

  return {
    schemas: [BULK_RESPONSE_SCHEMA],
    Operations: ops.filter((op) => outcomes.has(op.index)).map((op) => entry(op, outcomes.get(op.index) as BulkOutcome)),
  };
}
