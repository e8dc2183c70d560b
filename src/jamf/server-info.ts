/** Version detection through `GET /api/v1/jamf-pro-version` (jamf-pro-api.md §1.3). */
import { asRecord, jsonString, parseJsonBody, type JamfContext } from './context.js';
import type { JamfServerInfo } from './types.js';

const VERSION = '/api/v1/jamf-pro-version';

/** `/api/v1/users` appeared in 11.26.0 (§3.1). */
const USERS_API_SINCE: readonly [number, number] = [11, 26];

/** Parses "11.30.1-t1784555528405" (or "11.30") into [major, minor, patch]; undefined when unreadable. */
export function parseVersion(version: string): [number, number, number] | undefined {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (m === null) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function hasUsersApi(version: string): boolean {
  const v = parseVersion(version);
  if (v === undefined) return false;
  const [major, minor] = v;
  return major > USERS_API_SINCE[0] || (major === USERS_API_SINCE[0] && minor >= USERS_API_SINCE[1]);
}

export async function fetchServerInfo(ctx: JamfContext): Promise<JamfServerInfo> {
  const res = await ctx.call({ method: 'GET', route: VERSION, path: VERSION, accept: 'application/json' });
  const version = jsonString(asRecord(parseJsonBody(res.body, `GET ${VERSION}`))['version']);
  return { version, hasUsersApi: hasUsersApi(version) };
}
