/**
 * An IdP behind a load balancer: each SCIM request goes to the next replica in turn, and a request
 * that failed (network error, 5xx, 429) is sent again to the replica after it, as a balancer
 * moves a retry off a target that stopped answering. Okta and Entra repeat such a request until
 * it succeeds; 4xx answers are final.
 */
import { Pool } from 'undici';
import type { ScimResponse } from './scim-http.js';

export interface IdpCounts {
  /** SCIM requests the workload made (each may take several attempts). */
  requests: number;
  /** Requests that ended with an answer the workload accepted. */
  succeeded: number;
  /** Attempts sent, and those that got an HTTP answer (any status). */
  attempts: number;
  answeredAttempts: number;
  /** Attempts repeated on another replica, by why. */
  retries: { network: number; status: Record<string, number> };
  /** Answered attempts per replica. */
  perReplica: number[];
}

export interface RoundRobinIdp {
  /** Sends until the answer is final, then fails unless its status is one of `expected`. */
  request(op: string, method: string, path: string, body: unknown, expected: number | number[]): Promise<ScimResponse>;
  readonly counts: IdpCounts;
  /** Latency of each successful request (all its attempts), ms, by operation. */
  readonly latencies: Map<string, number[]>;
  close(): Promise<void>;
}

export interface IdpOptions {
  /** Replica origins (`http://host:port`), in round-robin order. */
  origins: readonly string[];
  token: string;
  /** Connections per replica. */
  connections: number;
  /** Attempts before a request counts as lost. */
  maxAttempts?: number;
  /**
   * Pause before a repeat once every replica has failed it in a row (IdPs back off; a replica
   * may be restarting, or a lock of a dead one waiting for its lease to run out): ms, doubled per
   * round, at most 1 s.
   */
  backoffMs?: number;
}

const PREFIX = '/scim/v2';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createRoundRobinIdp(options: IdpOptions): RoundRobinIdp {
  const n = options.origins.length;
  const maxAttempts = options.maxAttempts ?? 60;
  const backoffMs = options.backoffMs ?? 50;
  // A pool keeps its origin: a replica restarted on its port is reached again on new connections.
  const pools = options.origins.map((o) => new Pool(o, { connections: options.connections, pipelining: 1, headersTimeout: 60_000, bodyTimeout: 60_000 }));
  const counts: IdpCounts = { requests: 0, succeeded: 0, attempts: 0, answeredAttempts: 0, retries: { network: 0, status: {} }, perReplica: options.origins.map(() => 0) };
  const latencies = new Map<string, number[]>();
  let next = 0;

  async function attempt(replica: number, method: string, path: string, body: unknown): Promise<ScimResponse | Error> {
    const started = performance.now();
    counts.attempts++;
    try {
      const res = await (pools[replica] as Pool).request({
        method: method as 'GET',
        path: `${PREFIX}${path}`,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/scim+json',
          ...(body === undefined ? {} : { 'content-type': 'application/scim+json; charset=utf-8' }),
          'user-agent': 'Okta SCIM Client 1.0.0',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.body.text();
      counts.answeredAttempts++;
      (counts.perReplica[replica] as number)++;
      return { status: res.statusCode, body: text === '' ? undefined : JSON.parse(text), ms: performance.now() - started };
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  return {
    counts,
    latencies,
    async request(op, method, path, body, expected) {
      counts.requests++;
      const started = performance.now();
      let replica = next++ % n;
      let last = '';
      for (let i = 1; i <= maxAttempts; i++) {
        if (i > 1 && (i - 1) % n === 0) await sleep(Math.min(1000, backoffMs * 2 ** ((i - 1) / n - 1)));
        const res = await attempt(replica, method, path, body);
        if (!(res instanceof Error) && res.status < 500 && res.status !== 429) {
          const allowed = Array.isArray(expected) ? expected : [expected];
          if (!allowed.includes(res.status)) {
            throw new Error(`${op}: ${method} ${path} answered ${res.status}, expected ${allowed.join('/')}: ${JSON.stringify(res.body)?.slice(0, 300)}`);
          }
          counts.succeeded++;
          const ms = performance.now() - started;
          let list = latencies.get(op);
          if (!list) latencies.set(op, (list = []));
          list.push(ms);
          return { ...res, ms };
        }
        if (res instanceof Error) {
          counts.retries.network++;
          last = `replica ${replica}: ${res.message}`;
        } else {
          counts.retries.status[res.status] = (counts.retries.status[res.status] ?? 0) + 1;
          last = `replica ${replica}: ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`;
        }
        replica = (replica + 1) % n;
      }
      throw new Error(`${op}: ${method} ${path} still failing after ${maxAttempts} attempts (${last})`);
    },
    close: async () => {
      await Promise.all(pools.map((p) => p.close()));
    },
  };
}
