import type { FastifyRequest } from 'fastify';
import type { ApiKind } from './errors.js';

/** The record kinds whose Classic PUTs are tracked for the `concurrentWrites` knob. */
export type WriteTarget = 'user' | 'group';

/** Per-route facts the request pipeline needs; stored in Fastify's route `config`. */
export interface RouteMeta {
  api: ApiKind;
  /** No bearer token needed (the token endpoints themselves). */
  public?: boolean;
  /** Below this Jamf Pro version the route does not exist (answers 404). */
  minVersion?: string;
  /** A PUT of one record of this kind: tracked for the `concurrentWrites` knob (concurrent-writes.ts). */
  write?: WriteTarget;
}

export const jamfRoute = (meta: RouteMeta): { config: RouteMeta } => ({ config: meta });

/** undefined for simulator admin routes and unmatched URLs, which are neither counted nor faulted. */
export function routeMeta(request: FastifyRequest): RouteMeta | undefined {
  const config = request.routeOptions.config as Partial<RouteMeta> | undefined;
  return config?.api ? (config as RouteMeta) : undefined;
}
