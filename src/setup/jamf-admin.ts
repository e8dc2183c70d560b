/**
 * The few Jamf Pro API calls the setup wizard makes with an administrator's token: API roles,
 * API clients ("api-integrations") and their secrets (served schema 11.32.0; jamf-pro-api.md §1).
 * Not the server's Jamf client: no queue, no retries; every failure becomes one clear SetupError.
 */
import { SetupError } from './errors.js';

export interface ApiRole {
  id: string;
  displayName: string;
  privileges: string[];
}

export interface ApiIntegration {
  id: number;
  displayName: string;
  authorizationScopes: string[];
  enabled: boolean;
  accessTokenLifetimeSeconds?: number;
  clientId: string;
}

export type IntegrationBody = Omit<ApiIntegration, 'id' | 'clientId'>;

export interface JamfAdminOptions {
  baseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The privilege each admin call needs (x-required-privileges in the served schema). */
const NEEDS: ReadonlyArray<[RegExp, string]> = [
  [/^GET \/api\/v1\/api-role(s|-privileges)/, 'Read API Roles'],
  [/^POST \/api\/v1\/api-roles/, 'Create API Roles'],
  [/^PUT \/api\/v1\/api-roles/, 'Update API Roles'],
  [/^GET \/api\/v1\/api-integrations/, 'Read API Integrations'],
  [/^POST \/api\/v1\/api-integrations/, 'Create API Integrations'],
  [/^PUT \/api\/v1\/api-integrations/, 'Update API Integrations'],
];

/** Jamf Cloud names its node in a cookie; dependent calls (create a role, then a client naming it) stay on one node (DOC-STICKY). */
const NODE_COOKIE = /^(jpro-ingress|APBALANCEID)=([^;]*)/;

const describeCause = (err: unknown): string => {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
};

/** The description of a Jamf `ApiError`, or the OAuth error; never the request, never a secret. */
function jamfMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { errors?: Array<{ description?: string }>; error?: string; error_description?: string };
    return json.errors?.map((e) => e.description).filter(Boolean).join('; ') || json.error_description || json.error || '';
  } catch {
    return '';
  }
}

export interface JamfAdmin {
  signIn(username: string, password: string): Promise<void>;
  version(): Promise<string>;
  privileges(): Promise<string[]>;
  findRole(displayName: string): Promise<ApiRole | undefined>;
  createRole(displayName: string, privileges: readonly string[]): Promise<ApiRole>;
  updateRole(id: string, displayName: string, privileges: readonly string[]): Promise<ApiRole>;
  findClient(displayName: string): Promise<ApiIntegration | undefined>;
  createClient(body: IntegrationBody): Promise<ApiIntegration>;
  updateClient(id: number, body: IntegrationBody): Promise<ApiIntegration>;
  newSecret(id: number): Promise<{ clientId: string; clientSecret: string }>;
  /** Whether the OAuth token endpoint accepts these client credentials (either path spelling, §1.1). */
  clientWorks(clientId: string, clientSecret: string): Promise<boolean>;
}

export function createJamfAdmin(options: JamfAdminOptions): JamfAdmin {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  let token: string | undefined;
  let user = '';
  let nodeCookie: string | undefined;

  async function send(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (nodeCookie) headers['cookie'] = nodeCookie;
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { method, headers, ...(init.body === undefined ? {} : { body: init.body }), signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new SetupError(`cannot reach Jamf Pro at ${base} (${describeCause(err)}): check the URL, the network and the proxy`);
    }
    const cookie = NODE_COOKIE.exec(res.headers.get('set-cookie') ?? '');
    if (cookie && !nodeCookie) nodeCookie = `${cookie[1]}=${cookie[2]}`;
    return { status: res.status, text: await res.text() };
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!token) throw new Error('signIn first');
    const res = await send(method, path, {
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status >= 200 && res.status < 300) return (res.text === '' ? undefined : JSON.parse(res.text)) as T;
    const what = `${method} ${path.split('?')[0]}`;
    const detail = jamfMessage(res.text);
    if (res.status === 403) {
      const privilege = NEEDS.find(([re]) => re.test(what))?.[1];
      throw new SetupError(
        `Jamf Pro refused ${what} (403): the account ${user} lacks the privilege${privilege ? ` "${privilege}"` : ''}. ` +
          'Use a Jamf Pro administrator account, or create the API role and client by hand (README, "Setting up Jamf Pro") and rerun with --client-id.',
      );
    }
    if (res.status === 404 && /api-(roles|integrations|role-privileges)$/.test(path.split('?')[0] ?? '')) {
      throw new SetupError(`Jamf Pro has no ${path.split('?')[0]} (404): API roles and clients need Jamf Pro 10.49 or later. ${OLD_JAMF_ADVICE}`);
    }
    throw new SetupError(`Jamf Pro refused ${what} (${res.status}${detail ? `: ${detail}` : ''})`);
  }

  const find = async <T extends { displayName: string }>(path: string, displayName: string): Promise<T | undefined> => {
    // RSQL: a quoted value, `"` and `\` escaped (jamf-pro-api.md §5).
    const filter = `displayName=="${displayName.replace(/["\\]/g, '\\$&')}"`;
    const page = await call<{ results: T[] }>('GET', `${path}?page=0&page-size=100&filter=${encodeURIComponent(filter)}`);
    return page.results.find((r) => r.displayName.toLowerCase() === displayName.toLowerCase());
  };

  return {
    async signIn(username, password) {
      user = username;
      const basic = Buffer.from(`${username}:${password}`).toString('base64');
      const res = await send('POST', '/api/v1/auth/token', { headers: { authorization: `Basic ${basic}` } });
      if (res.status === 401) {
        throw new SetupError(
          `Jamf Pro refused the user name or password of ${username} (401). SSO-only accounts cannot use the API: use a local Jamf Pro account, or an existing API client with --client-id.`,
        );
      }
      if (res.status === 404) throw new SetupError(`${base} answered 404 to POST /api/v1/auth/token: is this Jamf Pro's base URL?`);
      if (res.status !== 200) throw new SetupError(`Jamf Pro refused the sign-in (${res.status}${jamfMessage(res.text) ? `: ${jamfMessage(res.text)}` : ''})`);
      const body = JSON.parse(res.text) as { token?: string };
      if (!body.token) throw new SetupError(`${base} answered POST /api/v1/auth/token without a token: is this Jamf Pro?`);
      token = body.token;
    },
    version: async () => (await call<{ version: string }>('GET', '/api/v1/jamf-pro-version')).version,
    privileges: async () => (await call<{ privileges: string[] }>('GET', '/api/v1/api-role-privileges')).privileges,
    findRole: (name) => find<ApiRole>('/api/v1/api-roles', name),
    createRole: (displayName, privileges) => call('POST', '/api/v1/api-roles', { displayName, privileges }),
    updateRole: (id, displayName, privileges) => call('PUT', `/api/v1/api-roles/${encodeURIComponent(id)}`, { displayName, privileges }),
    findClient: (name) => find<ApiIntegration>('/api/v1/api-integrations', name),
    createClient: (body) => call('POST', '/api/v1/api-integrations', body),
    updateClient: (id, body) => call('PUT', `/api/v1/api-integrations/${id}`, body),
    newSecret: (id) => call('POST', `/api/v1/api-integrations/${id}/client-credentials`),
    async clientWorks(clientId, clientSecret) {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
      for (const path of ['/api/v1/oauth/token', '/api/oauth/token']) {
        const res = await send('POST', path, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
        if (res.status !== 404) return res.status === 200;
      }
      return false;
    },
  };
}

export const OLD_JAMF_ADVICE =
  'On an older Jamf Pro, give the server a dedicated Jamf Pro user account with the privileges the README lists instead: set JAMF_USERNAME and JAMF_PASSWORD in .env.';
