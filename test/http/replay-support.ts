import { readFileSync } from 'node:fs';

/** Shared pieces of the fixture replays (house style §7.8): loading, `{{var}}` filling, body paths. */
export function loadFixture<Step>(file: string): Step[] {
  return JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8')) as Step[];
}

/** Replaces `{{name}}` in every string; an unknown name fails the replay rather than sending "{{x}}". */
export function substitute<T>(value: T, vars: Map<string, string>): T {
  if (typeof value === 'string') {
    return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      const v = vars.get(name);
      if (v === undefined) throw new Error(`fixture variable {{${name}}} is not set`);
      return v;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)])) as T;
  }
  return value;
}

/** Dotted paths whose keys may contain dots themselves (`urn:…:enterprise:2.0:User.manager`). */
export function at(body: unknown, path: string): { found: boolean; value: unknown } {
  let node: unknown = body;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; ) {
    if (node === null || typeof node !== 'object') return { found: false, value: undefined };
    let j = i + 1;
    while (j <= parts.length && !(parts.slice(i, j).join('.') in node)) j++;
    if (j > parts.length) return { found: false, value: undefined };
    node = (node as Record<string, unknown>)[parts.slice(i, j).join('.')];
    i = j;
  }
  return { found: true, value: node };
}
