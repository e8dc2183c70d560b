import { ERROR_SCHEMA } from './urns.js';

/** The scimType values of RFC 7644 §3.12, Table 9. */
export const SCIM_TYPES = [
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
] as const;

export type ScimType = (typeof SCIM_TYPES)[number];

export function isScimType(value: unknown): value is ScimType {
  return typeof value === 'string' && (SCIM_TYPES as readonly string[]).includes(value);
}

/** RFC 7644 §3.12 error response body. `status` is a string there, not a number. */
export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

/**
 * The one error type of the SCIM layer. Lower layers translate their own failures into it;
 * the HTTP layer renders it with `toBody()` (design §2, house style 4).
 */
export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  readonly detail: string;
  /** Sent as Retry-After (integer seconds: Okta ignores other forms, idp-behaviour A1.3). */
  retryAfterSeconds?: number;

  constructor(status: number, detail: string, scimType?: ScimType) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.detail = detail;
    this.scimType = scimType;
  }

  toBody(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(this.status), detail: this.detail };
    // Entra rejects nulls in responses, so scimType is omitted rather than null when absent.
    if (this.scimType !== undefined) body.scimType = this.scimType;
    return body;
  }
}

export function isScimError(value: unknown): value is ScimError {
  return value instanceof ScimError;
}

export function badRequest(scimType: ScimType, detail: string): ScimError {
  return new ScimError(400, detail, scimType);
}

export function unauthorized(detail = 'Authorization failure: missing or invalid bearer token.'): ScimError {
  return new ScimError(401, detail);
}

export function forbidden(detail: string): ScimError {
  return new ScimError(403, detail);
}

export function notFound(detail: string): ScimError {
  return new ScimError(404, detail);
}

/** RFC 7644 §3.3: a duplicate unique attribute (userName, group displayName) is 409 uniqueness. */
export function conflict(detail: string): ScimError {
  return new ScimError(409, detail, 'uniqueness');
}

/** RFC 7644 §3.4.2.4 and §3.12: the server refuses to return that many results. */
export function tooMany(detail: string): ScimError {
  return new ScimError(400, detail, 'tooMany');
}

export function payloadTooLarge(detail: string): ScimError {
  return new ScimError(413, detail);
}

/** Throttling answer; Okta honours Retry-After only as integer seconds (idp-behaviour A1.3). */
export function tooManyRequests(detail: string): ScimError {
  return new ScimError(429, detail);
}

/** An upstream (Jamf Pro) failure; never 401, or the IdP would blame its own token (design §2). */
export function badGateway(detail: string): ScimError {
  return new ScimError(502, detail);
}

export function serviceUnavailable(detail: string): ScimError {
  return new ScimError(503, detail);
}

export function notImplemented(detail: string): ScimError {
  return new ScimError(501, detail);
}

/** Unknown failures never leak internals and are never reported as 404 (house style 4). */
export function internalError(detail = 'Internal server error.'): ScimError {
  return new ScimError(500, detail);
}
