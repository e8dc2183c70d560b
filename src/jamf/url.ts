/**
 * Base URL normalisation and path building. Jamf answers 404 to `//JSSResource` and to a base URL
 * with a trailing slash (jamf-pro-api.md §7.3), and decodes `+` in a path as a space (§7.2).
 */

export interface JamfBase {
  /** `https://host[:port]`, what the undici pool connects to. */
  origin: string;
  /** Path prefix without a trailing slash (`''` or e.g. `/jamf`), prepended to every route. */
  prefix: string;
}

/** Parses `JAMF_URL`: keeps the port and any path prefix, drops trailing and doubled slashes. */
export function normaliseBaseUrl(raw: string): JamfBase {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new TypeError(`JAMF_URL is not a valid URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`JAMF_URL must use http or https, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    // Credentials in the URL would end up in logs and error messages; they belong in the client config.
    throw new TypeError('JAMF_URL must not carry credentials');
  }
  if (url.search || url.hash) {
    throw new TypeError('JAMF_URL must not have a query or fragment');
  }
  const prefix = url.pathname.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return { origin: url.origin, prefix };
}

/** Encodes one path segment; `encodeURIComponent` turns `+` into `%2B` and `/` into `%2F` (§7.2). */
export function encodeSegment(value: string | number): string {
  return encodeURIComponent(String(value));
}

/**
 * Fills a route template (`/JSSResource/users/id/:id`) with encoded values. The template doubles
 * as the log label, so raw usernames and emails never reach a log line (design.md §7.10).
 */
export function fillRoute(template: string, params: Record<string, string | number> = {}): string {
  const parts = routeParts(template);
  let out = parts[0] ?? '';
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i] as string;
    const value = params[key];
    if (value === undefined) throw new Error(`missing route parameter ${key} for ${template}`);
    out += (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : encodeSegment(value)) + (parts[i + 1] ?? '');
  }
  return out;
}

/** Templates are the module constants (a dozen), so their split is kept rather than redone per call. */
const ROUTE_PARTS = new Map<string, string[]>();

/** `/a/:id/b` → ['/a/', 'id', '/b']: literal text at even indexes, parameter names at odd ones. */
function routeParts(template: string): string[] {
  let parts = ROUTE_PARTS.get(template);
  if (parts === undefined) {
    parts = template.split(/:([A-Za-z]+)/);
    if (ROUTE_PARTS.size < 100) ROUTE_PARTS.set(template, parts);
  }
  return parts;
}

/** Joins the prefix and a path that starts with `/`, never producing `//`. */
export function joinPath(base: JamfBase, path: string): string {
  const rest = path.startsWith('/') ? path : `/${path}`;
  return `${base.prefix}${rest}`;
}

/** `?a=1&b=2` with every value percent-encoded (space as `%20`, `+` as `%2B`). */
export function queryString(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
