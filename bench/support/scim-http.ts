/** The benchmark's IdP side: SCIM requests over undici with per-operation latencies. */
import { Pool } from 'undici';
import { BENCH_TOKEN } from './ipc.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface ScimResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  ms: number;
}

export interface ScimClient {
  request(op: string, method: string, path: string, body?: unknown): Promise<ScimResponse>;
  /** Latencies in ms by operation name. */
  latencies: Map<string, number[]>;
  close(): Promise<void>;
}

/** `baseUrl` ends in `/scim/v2`. At most `connections` requests are in flight (undici queues the rest). */
export function createScimClient(baseUrl: string, connections = 10): ScimClient {
  const url = new URL(baseUrl);
  const prefix = url.pathname.replace(/\/$/, '');
  const pool = new Pool(url.origin, { connections, pipelining: 1 });
  const latencies = new Map<string, number[]>();
  return {
    latencies,
    async request(op, method, path, body) {
      const started = performance.now();
      const res = await pool.request({
        method: method as 'GET',
        path: `${prefix}${path}`,
        headers: {
          authorization: `Bearer ${BENCH_TOKEN}`,
          accept: 'application/scim+json',
          ...(body === undefined ? {} : { 'content-type': 'application/scim+json; charset=utf-8' }),
          'user-agent': 'Okta SCIM Client 1.0.0',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.body.text();
      const ms = performance.now() - started;
      let list = latencies.get(op);
      if (!list) latencies.set(op, (list = []));
      list.push(ms);
      return { status: res.statusCode, body: text === '' ? undefined : JSON.parse(text), ms };
    },
    close: () => pool.close(),
  };
}

/** Throws unless the status is the expected one, with the SCIM error detail. */
export function expectStatus(res: ScimResponse, status: number, what: string): void {
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`);
  }
}

/** A Jamf access token from the simulator, for calls made to it directly. */
export async function simulatorToken(simUrl: string, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${simUrl}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
  });
  if (!res.ok) throw new Error(`simulator token: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
