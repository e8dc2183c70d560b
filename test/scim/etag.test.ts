import { describe, expect, it } from 'vitest';
import { isVersionable, resourceVersion, tagMatches, withVersion } from '../../src/scim/index.js';

const user = (extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '7',
  userName: 'ada@example.com',
  active: true,
  emails: [
    { value: 'ada@example.com', type: 'work', primary: true },
    { value: 'ada@home.example', type: 'home' },
  ],
  groups: [{ value: '3', display: 'Engineering', $ref: 'https://a.example/scim/v2/Groups/3', type: 'direct' }],
  meta: { resourceType: 'User', location: 'https://a.example/scim/v2/Users/7', lastModified: '2026-01-01T00:00:00.000Z' },
  ...extra,
});

describe('resourceVersion (RFC 7644 §3.14)', () => {
  it('is a weak tag that moves with any attribute the resource shows', () => {
    const v = resourceVersion(user());
    expect(v).toMatch(/^W\/"[A-Za-z0-9_-]{24}"$/);
    expect(resourceVersion(user())).toBe(v);
    expect(resourceVersion(user({ title: 'CFO' }))).not.toBe(v);
    expect(resourceVersion(user({ meta: { ...user().meta, lastModified: '2026-01-02T00:00:00.000Z' } }))).not.toBe(v);
    expect(resourceVersion(user({ groups: [{ value: '3', display: 'Platform', type: 'direct' }] }))).not.toBe(v);
  });

  it('ignores meta.version, meta.location, $ref, key order and the order of multi-valued attributes', () => {
    const v = resourceVersion(user());
    expect(resourceVersion(withVersion(user(), 'W/"old"'))).toBe(v);
    const elsewhere = user({
      groups: [{ value: '3', display: 'Engineering', $ref: 'https://b.example/scim/v2/Groups/3', type: 'direct' }],
      meta: { lastModified: '2026-01-01T00:00:00.000Z', resourceType: 'User', location: 'https://b.example/scim/v2/Users/7' },
    });
    expect(resourceVersion(elsewhere)).toBe(v);
    expect(resourceVersion(user({ emails: [...user().emails].reverse() }))).toBe(v);
  });

  it('counts a deactivated user’s groups by id only', () => {
    const inactive = user({ active: false });
    const unnamed = user({ active: false, groups: [{ value: '3', type: 'direct' }] });
    expect(resourceVersion(unnamed)).toBe(resourceVersion(inactive));
    expect(resourceVersion(user({ active: false, groups: [] }))).not.toBe(resourceVersion(inactive));
  });

  it('leaves an active user listed without groups unversioned', () => {
    const { groups: _groups, ...listed } = user();
    expect(isVersionable(user(), 'User')).toBe(true);
    expect(isVersionable(listed, 'User')).toBe(false);
    expect(isVersionable({ ...listed, active: false }, 'User')).toBe(true);
  });
});

describe('tagMatches (RFC 7232 §3.1, §3.2; weak comparison)', () => {
  const v = 'W/"abc_-1"';
  it('matches the tag weak or strong, within a list, and *', () => {
    for (const header of [v, '"abc_-1"', `"x", ${v}`, `W/"x",W/"abc_-1"`, '*', ' * ']) expect(tagMatches(header, v), header).toBe(true);
  });
  it('does not match another tag, a bare token or an empty header', () => {
    for (const header of ['W/"abc"', 'abc_-1', '', '"abc_-1x"']) expect(tagMatches(header, v), header).toBe(false);
  });
});
