/** What an IdP needs from a SCIM response. */
export interface IdpResponse {
  status: number;
  /** Attempts it took (set by the Idp; 1 when the first one was final). */
  attempts?: number;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any -- SCIM bodies are read loosely, as an IdP does
}

/** One attempt; throws on a network error (connection refused or reset). */
export type SendOnce = (method: string, path: string, body?: unknown) => Promise<IdpResponse>;

export interface Idp {
  /** Sends until the answer is neither 5xx nor 429 nor a network error; returns that answer. */
  send(method: string, path: string, body?: unknown): Promise<IdpResponse>;
  /** `send`, and fails with the request and body unless the final status is one of `expected`. */
  expect(expected: number | number[], method: string, path: string, body?: unknown): Promise<IdpResponse>;
  /** DELETE; a 404 to a repeated attempt counts as done (the earlier attempt deleted it). */
  delete(path: string): Promise<void>;
  /** Failed attempts repeated so far. */
  readonly retries: number;
}

export interface IdpOptions {
  /**
   * Awaited before each repeat: the IdP comes back later (Okta and Entra retry after seconds to
   * minutes), by when Jamf has finished what it received and a restarting process is back.
   */
  beforeRetry: () => Promise<void>;
  maxAttempts?: number;
}

const SCIM_PREFIX = '/scim/v2';

/**
 * Okta and Entra both repeat a request that failed with 5xx, 429 or a network error until it
 * succeeds (bounded); 4xx answers are final.
 */
export function createIdp(sendOnce: SendOnce, options: IdpOptions): Idp {
  const maxAttempts = options.maxAttempts ?? 40;
  let retries = 0;
  const idp: Idp = {
    get retries() {
      return retries;
    },
    async send(method, path, body) {
      let last = '';
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        if (attempt > 1) {
          retries++;
          await options.beforeRetry();
        }
        let res: IdpResponse;
        try {
          res = await sendOnce(method, `${SCIM_PREFIX}${path}`, body);
        } catch (err) {
          last = `network error: ${(err as Error).message}`;
          continue;
        }
        if (res.status < 500 && res.status !== 429) return { ...res, attempts: attempt };
        last = `${res.status} ${res.body}`;
      }
      throw new Error(`${method} ${path} still failing after ${maxAttempts} attempts: ${last}`);
    },
    async delete(path) {
      const res = await idp.send('DELETE', path);
      // 404 to a repeat: an earlier attempt deleted it, only its answer was lost.
      if (res.status === 204 || (res.status === 404 && (res.attempts ?? 1) > 1)) return;
      throw new Error(`DELETE ${path} answered ${res.status}: ${res.body}`);
    },
    async expect(expected, method, path, body) {
      const res = await idp.send(method, path, body);
      const allowed = Array.isArray(expected) ? expected : [expected];
      if (!allowed.includes(res.status)) {
        throw new Error(`${method} ${path} answered ${res.status}, expected ${allowed.join('/')}: ${res.body}`);
      }
      return res;
    },
  };
  return idp;
}
