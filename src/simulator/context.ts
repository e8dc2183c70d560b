import type { FastifyRequest } from 'fastify';
import type { WriteTracker } from './concurrent-writes.js';
import { hasPrivilege, notAuthorized } from './privileges.js';
import { routeMeta } from './route-meta.js';
import type { TokenGrant, TokenStore } from './tokens.js';
import type { Knobs, SimulatorState } from './types.js';

export interface Credentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

/** What route handlers share: the data, the live knobs, the token store and the writes in flight. */
export interface SimContext {
  readonly state: SimulatorState;
  readonly knobs: Knobs;
  readonly tokens: TokenStore;
  readonly credentials: Credentials;
  /** Grants of authenticated requests, set by the request pipeline. */
  readonly grants: WeakMap<FastifyRequest, TokenGrant>;
  /** Classic PUTs in flight per record, fed by the request pipeline (the `concurrentWrites` knob). */
  readonly writes: WriteTracker;
}

/** Throws the "not authorized" answer unless the request's token holds one of `anyOf`. */
export function requirePrivilege(ctx: SimContext, request: FastifyRequest, ...anyOf: string[]): void {
  if (!hasPrivilege(ctx.grants.get(request), ctx.knobs.privileges, ...anyOf)) {
    throw notAuthorized(routeMeta(request)?.api ?? 'pro');
  }
}
