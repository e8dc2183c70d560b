import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { duplicateProblems, parseScimTokens } from './scim-tokens.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const jamfUrl = z
  .string()
  .trim()
  .url('must be an http(s) URL such as https://example.jamfcloud.com')
  .refine((v) => /^https?:\/\//i.test(v), 'must start with http:// or https://')
  // A pasted API or UI address (…/JSSResource, …/api/…, …/index.html, a query) would make every call
  // a 404 later on; an on-premises context path such as /jamf is kept.
  .refine((v) => {
    const u = new URL(v);
    return u.search === '' && u.hash === '' && !/^\/(JSSResource|api|uapi)(\/|$)/i.test(u.pathname) && !/\.(html?|jsp)$/i.test(u.pathname);
  }, "must be Jamf Pro's base URL (https://example.jamfcloud.com), not an API or page address")
  // Jamf answers 404 to `//JSSResource` (jamf-pro-api.md §7.3), so the base never ends in '/'.
  .transform((v) => v.replace(/\/+$/, ''));

/** An entry Fastify's trustProxy (proxy-addr) takes: an address, a CIDR range, or one of its names for ranges. */
function proxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

const bearerTokens = z
  .string()
  .transform((v, ctx) => {
    const entries = v.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const { tokens, problems } = parseScimTokens(entries);
    if (entries.length === 0) problems.push('at least one token is required');
    for (const message of [...problems, ...duplicateProblems(tokens)]) ctx.addIssue({ code: 'custom', message });
    return tokens;
  })
  .optional();

const printable = (what: string) => z.string().trim().regex(/^[\x21-\x7e]+$/, `${what} must be printable ASCII without spaces`);

// A JWKS fetched over plain HTTP could be swapped in transit; only a loopback address is exempt.
const jwksUrl = z
  .string()
  .trim()
  .url('must be an https URL such as https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys')
  .refine((v) => /^https:\/\//i.test(v) || /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(:\d+)?\//i.test(v), 'must be an https URL');

export const configSchema = z
  .object({
    JAMF_URL: jamfUrl,
    JAMF_CLIENT_ID: optionalString,
    JAMF_CLIENT_SECRET: optionalString,
    JAMF_USERNAME: optionalString,
    JAMF_PASSWORD: optionalString,
    // Tried first; a 404 falls back to the other spelling, /api/oauth/token (src/jamf/token-path.ts).
    JAMF_TOKEN_PATH: z.string().regex(/^\/\S*$/, 'must be a path starting with /').default('/api/v1/oauth/token'),
    JAMF_MAX_CONCURRENCY: int(5, 1, 50),
    JAMF_TIMEOUT_MS: int(15_000, 1_000, 300_000),
    // The unpaged Classic user and group lists grow with the tenant (jamf-pro-api.md §11).
    JAMF_LIST_TIMEOUT_MS: int(120_000, 1_000, 900_000),
    JAMF_RETRIES: int(3, 0, 10),
    JAMF_QUEUE_LIMIT: int(500, 1, 100_000),
    SCIM_BEARER_TOKENS: bearerTokens,
    // One token per line (`name:token`), re-read on SIGHUP and when it changes: rotation without a restart.
    SCIM_BEARER_TOKENS_FILE: optionalString,
    SCIM_MAX_PAGE_SIZE: int(1000, 1, 10_000),
    // POST /Bulk limits, advertised in ServiceProviderConfig (RFC 7644 §3.7.4).
    SCIM_BULK_MAX_OPERATIONS: int(100, 1, 10_000),
    SCIM_BULK_MAX_PAYLOAD_BYTES: int(1_048_576, 1_024, 67_108_864),
    PUBLIC_BASE_URL: z
      .string()
      .trim()
      .url()
      .transform((v) => v.replace(/\/+$/, ''))
      .optional(),
    PORT: int(8080, 0, 65_535),
    HOST: z.string().trim().min(1).default('0.0.0.0'),
    STATE_URL: z.string().trim().min(1).default('./data/state.db'),
    // Connections to PostgreSQL per replica (a postgres:// STATE_URL).
    STATE_POOL_SIZE: int(10, 2, 200),
    // How often half-done lifecycle steps are finished in the background; 0 turns it off.
    LIFECYCLE_SWEEP_SECONDS: int(60, 0, 86_400),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    TLS_CERT_FILE: optionalString,
    TLS_KEY_FILE: optionalString,
    METRICS_TOKEN: optionalString,
    // Turns on /admin (the audit API); separate from the SCIM tokens. Unset: /admin answers 404.
    ADMIN_TOKEN: printable('the admin token').min(32, 'must be at least 32 characters').max(512).optional(),
    // Audit entries older than this are deleted, in small batches in the background.
    AUDIT_RETENTION_DAYS: int(90, 1, 36_500),
    AUTH_FAILURE_LIMIT: int(20, 1, 10_000),
    // OAuth 2.0 client credentials (RFC 6749 §4.4) for IdPs that fetch their own token (Entra gallery apps).
    OAUTH_CLIENT_ID: printable('the client id').max(200).optional(),
    // Also the root of the tokens' signing key (src/http/oauth-token.ts), hence the length.
    OAUTH_CLIENT_SECRET: printable('the secret').min(32, 'must be at least 32 characters').max(512).optional(),
    // Entra's gallery expects access tokens to last between 1 and 6 hours.
    OAUTH_TOKEN_LIFETIME_SECONDS: int(3600, 3600, 21_600),
    // Bearer JWTs signed by the IdP itself: `iss` and `aud` must equal these exactly.
    OIDC_ISSUER: optionalString,
    OIDC_AUDIENCE: optionalString,
    OIDC_JWKS_URL: jwksUrl.optional(),
    OIDC_PUBLIC_KEYS_FILE: optionalString,
    // A reactivation takes over a Jamf user of its userName that no SCIM user holds (Jamf creates
    // end users itself on device assignment: Jamf Pro admin guide, "User Assignments").
    REACTIVATE_ADOPTS_JAMF_USERS: z
      .string()
      .trim()
      .default('true')
      .refine((v) => /^(true|false)$/i.test(v), 'must be true or false')
      .transform((v) => v.toLowerCase() === 'true'),
    // Fastify's trustProxy: "true", a hop count, or comma-separated addresses/CIDRs of proxies.
    TRUST_PROXY: z
      .string()
      .trim()
      .default('false')
      .refine(
        (v) => /^(true|false|\d+)$/i.test(v) || v.split(',').map((a) => a.trim()).filter((a) => a !== '').every(proxyAddress),
        'must be true, false, a hop count, or comma-separated IP addresses or CIDR ranges of the proxies',
      )
      .transform((v): boolean | number | string[] => {
        if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
        if (/^\d+$/.test(v)) return Number(v);
        return v.split(',').map((a) => a.trim()).filter((a) => a !== '');
      }),
    SHUTDOWN_TIMEOUT_MS: int(10_000, 0, 120_000),
  });

/** Rules across keys; checked on presence alone so they are reported together with per-key problems. */
function crossKeyProblems(env: Record<string, string | undefined>): string[] {
  const has = (k: string) => env[k] !== undefined;
  const out: string[] = [];
  const pair = (a: string, b: string, what: string) => {
    if (has(a) && !has(b)) out.push(`${b} is required with ${a} (${what})`);
    if (has(b) && !has(a)) out.push(`${a} is required with ${b} (${what})`);
  };
  if (has('JAMF_CLIENT_ID') || has('JAMF_CLIENT_SECRET')) pair('JAMF_CLIENT_ID', 'JAMF_CLIENT_SECRET', 'Jamf API client');
  else if (has('JAMF_USERNAME') || has('JAMF_PASSWORD')) pair('JAMF_USERNAME', 'JAMF_PASSWORD', 'Jamf basic auth');
  else out.push('JAMF_CLIENT_ID is required: set JAMF_CLIENT_ID and JAMF_CLIENT_SECRET (or JAMF_USERNAME and JAMF_PASSWORD)');
  if (!has('SCIM_BEARER_TOKENS') && !has('SCIM_BEARER_TOKENS_FILE')) out.push('SCIM_BEARER_TOKENS is required (or SCIM_BEARER_TOKENS_FILE): the tokens the IdP presents');
  pair('TLS_CERT_FILE', 'TLS_KEY_FILE', 'HTTPS');
  pair('OAUTH_CLIENT_ID', 'OAUTH_CLIENT_SECRET', 'OAuth client credentials');
  const idpKeys = ['OIDC_AUDIENCE', 'OIDC_JWKS_URL', 'OIDC_PUBLIC_KEYS_FILE'].filter(has);
  if (has('OIDC_ISSUER') || idpKeys.length > 0) {
    for (const k of ['OIDC_ISSUER', 'OIDC_AUDIENCE']) if (!has(k)) out.push(`${k} is required to accept IdP-signed tokens`);
    if (has('OIDC_JWKS_URL') === has('OIDC_PUBLIC_KEYS_FILE')) {
      out.push('OIDC_JWKS_URL or OIDC_PUBLIC_KEYS_FILE (exactly one) is required to accept IdP-signed tokens');
    }
  }
  return out;
}

export type Config = Readonly<z.infer<typeof configSchema>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads `.env` (when present) under the real environment, which wins. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Record<string, string | undefined> {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  return { ...fromFile, ...env };
}

/** Parses once; the result is frozen and passed down (design.md §7.5). Messages name keys, never values. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // `KEY=` in a .env file means "use the default", as if the key were absent.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = configSchema.safeParse(present);
  const problems = result.success
    ? []
    : result.error.issues.map((i) => {
        const key = i.path.join('.') || 'environment';
        const message = i.code === 'invalid_type' && present[key] === undefined ? 'is required' : i.message;
        return `${key} ${message}`;
      });
  problems.push(...crossKeyProblems(present));
  if (result.success && result.data.JAMF_LIST_TIMEOUT_MS < result.data.JAMF_TIMEOUT_MS) {
    problems.push('JAMF_LIST_TIMEOUT_MS must not be below JAMF_TIMEOUT_MS (a list takes at least as long as one record)');
  }
  if (result.success && result.data.ADMIN_TOKEN !== undefined && result.data.SCIM_BEARER_TOKENS?.some((t) => t.token === result.data.ADMIN_TOKEN)) {
    problems.push('ADMIN_TOKEN must not be one of the SCIM_BEARER_TOKENS (an IdP holding it would read the audit trail)');
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(result.data);
}
