import type { FastifyError, FastifyInstance, FastifyRequest, LightMyRequestResponse } from 'fastify';
import { ScimError, type ScimErrorBody } from '../scim/errors.js';
import { parseBulkRequest, type BulkOperation } from '../scim/bulk.js';
import { runBulk, type BulkOutcome } from '../scim/bulk-run.js';
import { sendScim } from './scim-reply.js';

export interface BulkSettings {
  /** Advertised in ServiceProviderConfig; more operations is 413 (RFC 7644 §3.7.4). */
  maxOperations: number;
  /** Advertised in ServiceProviderConfig; a larger body is 413 (RFC 7644 §3.7.4). */
  maxPayloadSize: number;
  /** Operations of one job in flight at once; the Jamf client's limiter bounds Jamf calls anyway. */
  concurrency: number;
}

export interface BulkRouteDeps {
  settings: BulkSettings;
  /** The SCIM base URL as the IdP sees it, for operations' locations. */
  baseUrl(request: FastifyRequest): string;
}

/**
 * Headers of the bulk request that every operation carries: who asks, and where it was sent.
 * With the same peer address, an operation resolves the client address (auth throttle), protocol
 * and host (locations) exactly as the bulk request did, behind a proxy or not.
 */
const FORWARDED = ['authorization', 'host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'] as const;

function errorBody(res: LightMyRequestResponse): ScimErrorBody | undefined {
  try {
    const body = res.json() as ScimErrorBody;
    return typeof body === 'object' && body !== null && typeof body.detail === 'string' ? body : undefined;
  } catch {
    return undefined;
  }
}

function createdId(res: LightMyRequestResponse): string | undefined {
  try {
    const id = (res.json() as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `POST /Bulk` (RFC 7644 §3.7). Each operation is dispatched in-process to the route a single
 * request would reach (`inject`), so it gets exactly the same parsing, validation, projection,
 * locks, group writer, lifecycle rules and Jamf call budget; only ordering by bulkId references,
 * `failOnErrors` and the response envelope are Bulk's own (src/scim/bulk.ts, bulk-run.ts).
 */
export function registerBulkRoutes(app: FastifyInstance, deps: BulkRouteDeps): void {
  const { settings } = deps;

  void app.register(async (scope) => {
    // A body over maxPayloadSize names the advertised limit; every other error goes to the
    // application's handler, which renders all SCIM errors (design.md §7.4).
    scope.setErrorHandler((err: FastifyError) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        throw new ScimError(413, `The size of the bulk request exceeds the maxPayloadSize (${settings.maxPayloadSize} bytes)`);
      }
      throw err;
    });

    scope.post('/Bulk', { bodyLimit: settings.maxPayloadSize }, async (request, reply) => {
      const job = parseBulkRequest(request.body, settings);
      const base = deps.baseUrl(request);
      const headers: Record<string, string> = { 'content-type': 'application/scim+json' };
      for (const name of FORWARDED) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }

      const execute = async (op: BulkOperation, path: string, data: unknown): Promise<BulkOutcome> => {
        const res = await app.inject({
          method: op.method as 'POST' | 'PUT' | 'PATCH' | 'DELETE',
          url: `${app.prefix}${path}`,
          remoteAddress: request.socket.remoteAddress,
          headers: {
            ...headers,
            // One request id per operation, traceable to the bulk request's.
            'x-request-id': `${request.id}.${op.index}`,
            // §3.7: `version` is the operation's If-Match.
            ...(op.version === undefined ? {} : { 'if-match': op.version }),
          },
          ...(data === undefined ? {} : { payload: JSON.stringify(data) }),
        });
        const outcome: BulkOutcome = { status: res.statusCode };
        if (res.statusCode >= 300) {
          const body = errorBody(res);
          if (body) outcome.error = body;
          return outcome;
        }
        const id = op.method === 'POST' ? createdId(res) : path.split('/')[2];
        if (id !== undefined) outcome.id = id;
        const location = res.headers.location;
        outcome.location = typeof location === 'string' ? location : `${base}${op.method === 'POST' ? `${path}/${id ?? ''}` : path}`;
        if (typeof res.headers.etag === 'string') outcome.version = res.headers.etag;
        return outcome;
      };

      return sendScim(reply, 200, await runBulk(job, execute, { concurrency: settings.concurrency }));
    });
  });
}
