import type { FastifyRequest } from 'fastify';
import type { ApiKind } from './errors.js';

/** Per-route facts the request pipeline needs; stored in Fastify's route `config`. */
export interface RouteMeta {
  api: ApiKind;
  /** No bearer token needed (the token endpoints themselves). */
  public?: boolean;
  /** Below this Jamf Pro version the route does not exist (answers 404). */
  minVersion?: string;
}

export const jamfRoute = (meta: RouteMeta): { config: RouteMeta } => ({ config: meta });

/** undefined for simulator admin routes and unmatched URLs, which are neither counted nor faulted. */
export function routeMeta(request: FastifyRequest): RouteMeta | undefined {
  const config = request.routeOptions.config as Partial<RouteMeta> | undefined;
  return config?.api ? (config as RouteMeta) : undefined;
}
