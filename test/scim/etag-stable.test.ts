import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resourceVersion } from '../../src/scim/index.js';

/**
 * Versions are stored by IdPs and sent back in If-Match, so a cheaper computation in etag.ts
 * must give exactly the versions the first one gave. This is that one (sorted copy, Hash object).
 */
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function basis(value: unknown, inactiveUser: boolean, depth: number): unknown {
  if (Array.isArray(value)) return value.map((v) => JSON.stringify(basis(v, inactiveUser, depth + 1))).sort();
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const key of Object.keys(value).sort()) {
    if (key === '$ref') continue;
    let v = value[key];
    if (depth === 0 && key === 'meta' && isObject(v)) {
      const { version: _version, location: _location, ...meta } = v;
      v = meta;
    }
    if (depth === 0 && key === 'groups' && inactiveUser && Array.isArray(v)) v = v.map((g) => (isObject(g) ? { value: g.value } : g));
    out[key] = basis(v, inactiveUser, depth + 1);
  }
  return out;
}

function referenceVersion(resource: Json): string {
  const digest = createHash('sha256').update(JSON.stringify(basis(resource, resource.active === false, 0))).digest();
  return `W/"${digest.subarray(0, 18).toString('base64url')}"`;
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['value', 'display', '$ref', 'type', 'primary', 'meta', 'groups', 'version', 'location', '0', '10', '2', '01', 'Zeta', 'alpha', 'émoji😀', 'a"b', ''];
const STRINGS = ['', 'x', 'Ada "the" Lovelace', 'line\nbreak', '\u0000', 'ünïcødé', '😀', '\\', '</script>'];

function value(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 3 || r < 0.45) {
    const p = next();
    if (p < 0.3) return STRINGS[Math.floor(next() * STRINGS.length)];
    if (p < 0.45) return Math.floor(next() * 2000) - 1000;
    if (p < 0.5) return next() * 10;
    if (p < 0.6) return next() < 0.5;
    if (p < 0.7) return null;
    if (p < 0.75) return undefined;
    return `v${Math.floor(next() * 5)}`;
  }
  if (r < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  const out: Json = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) out[KEYS[Math.floor(next() * KEYS.length)] as string] = value(next, depth + 1);
  return out;
}

describe('resourceVersion stays what it was', () => {
  it('for realistic resources', () => {
    const user = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      id: '7',
      userName: 'ada@example.com',
      name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
      active: true,
      emails: [
        { value: 'ada@example.com', type: 'work', primary: true },
        { value: 'ada@home.example', type: 'home' },
      ],
      groups: [{ value: '3', display: 'Engineering', $ref: 'https://a.example/scim/v2/Groups/3', type: 'direct' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: { value: '9', $ref: 'x' }, employeeNumber: '12' },
      meta: { resourceType: 'User', location: 'https://a.example/scim/v2/Users/7', version: 'W/"x"', lastModified: '2026-01-01T00:00:00.000Z' },
    };
    for (const resource of [user, { ...user, active: false }, { ...user, groups: [] }, { ...user, meta: 'odd' }, { ...user, groups: ['3', null, { value: '4' }] }]) {
      expect(resourceVersion(resource)).toBe(referenceVersion(resource));
    }
  });

  it('for arbitrary JSON', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const next = random(seed);
      const resource: Json = {};
      for (let i = Math.floor(next() * 7); i > 0; i--) resource[KEYS[Math.floor(next() * KEYS.length)] as string] = value(next, 1);
      if (next() < 0.3) resource.active = false;
      expect(resourceVersion(resource), `seed ${seed}: ${JSON.stringify(resource)}`).toBe(referenceVersion(resource));
    }
  });

  it('for an own __proto__ key', () => {
    const resource = JSON.parse('{"id":"1","__proto__":{"x":1},"emails":[{"__proto__":null,"value":"a"}]}') as Json;
    expect(resourceVersion(resource)).toBe(referenceVersion(resource));
  });
});
