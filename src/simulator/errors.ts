import { defaultMessage, reasonPhrase, statusPage } from './status-page.js';

/** Which front door a route belongs to; it decides how errors are rendered. */
export type ApiKind = 'classic' | 'pro' | 'token';

export interface SimErrorOptions {
  /** Jamf Pro `ApiError` code, e.g. `INVALID_FIELD`. */
  code?: string;
  field?: string;
  /** A fixed JSON body that replaces the rendered one (token and OAuth errors). */
  json?: unknown;
}

/** An error the simulator answers on purpose; rendered by {@link renderError}. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string = defaultMessage(status),
    readonly options: SimErrorOptions = {},
  ) {
    super(message);
  }
}

/** §1.4: the same body on Classic and Jamf Pro API routes ([U] for Classic; the doc says reuse it). */
export const INVALID_TOKEN_BODY = {
  httpStatus: 401,
  errors: [{ code: 'INVALID_TOKEN', description: 'Unauthorized', id: '0', field: null }],
};

export const invalidToken = (): SimError => new SimError(401, 'Unauthorized', { json: INVALID_TOKEN_BODY });

/** Classic write errors are 409 pages whose message starts `Error: ` (§2.10). */
export const conflict = (message: string): SimError => new SimError(409, `Error: ${message}`);

export interface RenderedError {
  status: number;
  contentType: string;
  body: string;
}

/** Classic answers with the HTML status page (§2.10); the Jamf Pro API with `ApiError` JSON (§3.1). */
export function renderError(err: SimError, api: ApiKind): RenderedError {
  const { status } = err;
  if (err.options.json !== undefined) {
    return { status, contentType: 'application/json;charset=UTF-8', body: JSON.stringify(err.options.json) };
  }
  if (api === 'classic') {
    return { status, contentType: 'text/html;charset=UTF-8', body: statusPage(status, err.message) };
  }
  const apiError = {
    httpStatus: status,
    errors: [
      {
        code: err.options.code ?? reasonPhrase(status).toUpperCase().replace(/\W+/g, '_'),
        description: err.message,
        id: '0',
        field: err.options.field ?? null,
      },
    ],
  };
  return { status, contentType: 'application/json;charset=UTF-8', body: JSON.stringify(apiError) };
}
