/** The shortcuts taken for the common requests give what the general paths give. */
import { scimPatch, type ScimResource } from 'scim-patch';
import { describe, expect, it } from 'vitest';
import {
  PATCH_OP_SCHEMA,
  ScimError,
  applyPreparedUserPatch,
  applyUserPatch,
  parseFilter,
  project,
  validateUserPatch,
  type ScimUser,
} from '../../src/scim/index.js';
import { findDefinition } from '../../src/scim/attributes.js';
import { assertSafeJson } from '../../src/scim/json.js';
import { USER_SCHEMA_DEFINITION } from '../../src/scim/schemas.js';
import { barbara, errorOf } from './fixtures.js';

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });

describe('project without attributes or excludedAttributes', () => {
  it('drops a never-returned attribute in any spelling and leaves the resource as it was', () => {
    const resource = { ...barbara(), Password: 'x', password: 'y' };
    const shown = project(resource, {}, 'User');
    expect(shown).toEqual(barbara());
    expect(resource).toMatchObject({ Password: 'x', password: 'y' });
    expect(project(barbara(), { attributes: [], excludedAttributes: [] }, 'User')).toEqual(barbara());
  });
});

describe('parseFilter cache', () => {
  it('gives the same frozen AST for the same text and type, and different ones per type', () => {
    const first = parseFilter('userName eq "ada@example.com"', 'User');
    expect(parseFilter('userName eq "ada@example.com"', 'User')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual({ op: 'eq', attrPath: 'userName', compValue: 'ada@example.com' });
    expect(() => parseFilter('userName eq "ada@example.com"', 'Group')).toThrow(ScimError);
  });

  it('does not remember a refusal', () => {
    for (let i = 0; i < 2; i++) expect(errorOf(() => parseFilter('userName eq', 'User')).scimType).toBe('invalidFilter');
  });

  it('keeps working past its bound', () => {
    for (let i = 0; i < 600; i++) expect(parseFilter(`externalId eq "e${i}"`, 'User')).toMatchObject({ compValue: `e${i}` });
    expect(parseFilter('externalId eq "e0"', 'User')).toMatchObject({ attrPath: 'externalId', compValue: 'e0' });
  });
});

describe('PATCH /Users', () => {
  const id = barbara().id as string;
  const body = patch({ op: 'replace', path: 'title', value: 'CTO' }, { op: 'add', path: 'emails[type eq "work"].value', value: 'w@example.com' });

  it('applies validated operations as applyUserPatch does, also when applied again (a retried update)', () => {
    const prepared = validateUserPatch(body, { resourceId: id });
    const expected = applyUserPatch(barbara(), body, { resourceId: id });
    expect(applyPreparedUserPatch(barbara(), prepared)).toEqual(expected);
    expect(applyPreparedUserPatch(barbara(), prepared)).toEqual(expected);
  });

  it('sets a simple attribute as scim-patch does, whatever it held before', () => {
    const cases: Array<[unknown, string, unknown]> = [
      [undefined, 'replace', 'CTO'],
      ['Tour Guide', 'replace', 'CTO'],
      ['Tour Guide', 'add', 'CTO'],
      [null, 'replace', 'CTO'],
      [{ odd: 'stored object' }, 'replace', 'CTO'],
      [['a'], 'add', 'CTO'],
    ];
    for (const [before, op, value] of cases) {
      const resource: ScimUser = { ...barbara(), title: before } as ScimUser;
      if (before === undefined) delete resource.title;
      const ours = applyUserPatch(resource, patch({ op, path: 'title', value }), { resourceId: id });
      const library = scimPatch(structuredClone(resource) as unknown as ScimResource, [{ op: op as 'add', path: 'title', value }]) as unknown as ScimUser;
      expect(ours.title, JSON.stringify(before)).toEqual(library.title);
    }
  });
});

describe('findDefinition', () => {
  it('finds names case-insensitively, and nothing in no list', () => {
    const list = USER_SCHEMA_DEFINITION.attributes;
    expect(findDefinition(list, 'USERNAME')?.name).toBe('userName');
    expect(findDefinition(list, 'userName')).toBe(findDefinition(list, 'username'));
    expect(findDefinition(list, 'shoeSize')).toBeUndefined();
    expect(findDefinition(undefined, 'userName')).toBeUndefined();
  });
});

describe('assertSafeJson', () => {
  it('names where a refused key sits', () => {
    expect(errorOf(() => assertSafeJson({ emails: [{ value: 'a' }, { value: 'b', constructor: 1 }] })).detail).toBe(
      'Attribute name "constructor" is not allowed (in emails[1]).',
    );
    expect(errorOf(() => assertSafeJson({ a: { b: [[{ prototype: 1 }]] } })).detail).toBe('Attribute name "prototype" is not allowed (in a.b[0][0]).');
    expect(errorOf(() => assertSafeJson({ prototype: 1 })).detail).toBe('Attribute name "prototype" is not allowed.');
    expect(errorOf(() => assertSafeJson({ a: { b: {} } }, 2)).detail).toBe('Request body is nested deeper than 2 levels.');
    expect(() => assertSafeJson({ a: [1, { b: null }], c: 'constructor' })).not.toThrow();
  });
});
