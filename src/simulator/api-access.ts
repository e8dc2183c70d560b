/**
 * API roles and API clients ("API integrations") made through the Jamf Pro API (Jamf Pro ≥ 10.49,
 * jamf-pro-api.md §1.1): the data behind routes/api-clients.ts and the clients the OAuth token
 * endpoint accepts besides the simulator's built-in one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SimError } from './errors.js';
import { DEFAULT_PRIVILEGES } from './privileges.js';
import type { IssuedToken, TokenStore } from './tokens.js';

/** API roles and clients exist from 10.49.0 on (developer.jamf.com "Client Credentials"). */
export const API_CLIENTS_MIN_VERSION = '10.49.0';

/**
 * What `GET /api/v1/api-role-privileges` lists: a sorted subset of a real tenant's names, the ones
 * the simulator can enforce or a setup tool asks for. Names as in the served schema's
 * `x-required-privileges` (11.32.0) and the Terraform provider's role examples.
 */
export const API_ROLE_PRIVILEGES: readonly string[] = [
  ...DEFAULT_PRIVILEGES,
  'Create Smart User Groups',
  'Read Smart User Groups',
  'Update Smart User Groups',
  'Delete Smart User Groups',
  'Create User Extension Attributes',
  'Read User Extension Attributes',
  'Update User Extension Attributes',
  'Delete User Extension Attributes',
  'Read Sites',
  'Read LDAP Servers',
  'Create API Roles',
  'Read API Roles',
  'Update API Roles',
  'Delete API Roles',
  'Create API Integrations',
  'Read API Integrations',
  'Update API Integrations',
  'Delete API Integrations',
].sort((a, b) => a.localeCompare(b, 'en'));

export interface SimApiRole {
  /** Jamf answers role ids as strings (`ApiRole.id`), integration ids as integers. */
  id: number;
  displayName: string;
  privileges: string[];
}

export interface SimApiIntegration {
  id: number;
  displayName: string;
  /** Role display names, not ids (`ApiIntegrationRequest.authorizationScopes`). */
  authorizationScopes: string[];
  enabled: boolean;
  accessTokenLifetimeSeconds: number;
  clientId: string;
  /** Set by `POST …/client-credentials`; each call replaces it, so the previous one stops working. */
  clientSecret: string | undefined;
}

export interface ApiAccessState {
  roles: Map<number, SimApiRole>;
  integrations: Map<number, SimApiIntegration>;
  nextRoleId: number;
  nextIntegrationId: number;
}

export function createApiAccess(): ApiAccessState {
  return { roles: new Map(), integrations: new Map(), nextRoleId: 1, nextIntegrationId: 1 };
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function findRoleByName(access: ApiAccessState, name: string): SimApiRole | undefined {
  return [...access.roles.values()].find((r) => sameName(r.displayName, name));
}

export function findIntegrationByName(access: ApiAccessState, name: string): SimApiIntegration | undefined {
  return [...access.integrations.values()].find((i) => sameName(i.displayName, name));
}

export const newClientId = (): string => randomUUID();

/** Jamf's secrets are long random strings; the exact alphabet is not public [U]. */
export const newClientSecret = (): string => randomBytes(48).toString('base64url');

/** The roles a client names that exist, by display name. */
function rolesOf(access: ApiAccessState, integration: SimApiIntegration): SimApiRole[] {
  return integration.authorizationScopes.flatMap((name) => findRoleByName(access, name) ?? []);
}

/** The privileges of `roles`, read at each request so a role edit applies at once. */
function privilegesOf(roles: () => SimApiRole[]): () => string[] {
  return () => [...new Set(roles().flatMap((r) => r.privileges))];
}

const oauthError = (error: string, description: string): SimError =>
  new SimError(400, description, { json: { error, error_description: description } });

export interface ClientTokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
}

/**
 * The token answer for a client made through `/api/v1/api-integrations`, or undefined when
 * `clientId` is none of them. A wrong secret, a client without one, or a disabled client is
 * `invalid_client`, as for the built-in client. Its token holds exactly its roles' privileges.
 */
export function registeredClientToken(
  access: ApiAccessState,
  tokens: TokenStore,
  form: URLSearchParams,
): ClientTokenAnswer | undefined {
  const clientId = form.get('client_id');
  const integration = [...access.integrations.values()].find((i) => i.clientId === clientId);
  if (!integration) return undefined;
  // Jamf's UI calls a disabled client unusable until "Enable API client" is set [U: exact answer].
  if (integration.clientSecret === undefined || form.get('client_secret') !== integration.clientSecret || !integration.enabled) {
    throw oauthError('invalid_client', 'Client authentication failed');
  }
  const scopeOf = (r: SimApiRole) => `api-role:${r.id}`;
  const granted = rolesOf(access, integration).map(scopeOf);
  // `scope` narrows the token to some of the client's roles (§1.1).
  const asked = (form.get('scope') ?? '').split(/\s+/).filter((s) => s !== '');
  if (asked.some((s) => !granted.includes(s))) throw oauthError('invalid_scope', 'OAuth 2.0 Parameter: scope');
  const scope = asked.length > 0 ? asked : granted;
  const issued: IssuedToken = tokens.issue('client', integration.accessTokenLifetimeSeconds * 1000, {
    scope,
    privileges: privilegesOf(() => rolesOf(access, integration).filter((r) => scope.includes(scopeOf(r)))),
  });
  return {
    access_token: issued.token,
    token_type: 'Bearer',
    scope: scope.join(' '),
    expires_in: integration.accessTokenLifetimeSeconds,
  };
}
