/** `/api/v1/users` first shipped in Jamf Pro 11.26.0 (jamf-pro-api.md §3.1). */
export const USERS_API_MIN_VERSION = '11.26.0';

/** Compares dotted numeric versions, ignoring any build suffix such as `-t1784555528405`. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => (v.split('-')[0] ?? '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The served version string carries a build stamp, like a real tenant's `11.30.1-t1784555528405` (§1.3). */
export function versionString(version: string): string {
  return version.includes('-') ? version : `${version}-t1784555528405`;
}
