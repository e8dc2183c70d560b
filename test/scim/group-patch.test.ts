import { describe, expect, it } from 'vitest';
import { PATCH_OP_SCHEMA, reduceGroupPatch, type GroupPatchDelta } from '../../src/scim/index.js';
import { errorOf } from './fixtures.js';

function reduce(...Operations: unknown[]): GroupPatchDelta {
  return reduceGroupPatch({ schemas: [PATCH_OP_SCHEMA], Operations }, { resourceId: '9' });
}

/** The delta in plain data, for readable expectations. */
function plain(delta: GroupPatchDelta) {
  return { ...delta, add: [...delta.add], remove: [...delta.remove] };
}

describe('membership forms (idp-behaviour A1.2, A2.1, A2.2)', () => {
  const cases: Array<[name: string, operations: unknown[], expected: object]> = [
    [
      'Okta: add members array',
      [{ op: 'add', path: 'members', value: [{ value: '1', display: 'a@x' }, { value: '2', display: 'b@x' }] }],
      { add: ['1', '2'], remove: [] },
    ],
    [
      'Entra: Add with $ref null',
      [{ op: 'Add', path: 'members', value: [{ $ref: null, value: '1' }, { $ref: null, value: '2' }] }],
      { add: ['1', '2'], remove: [] },
    ],
    ['Okta / Entra flag: remove with a value filter', [{ op: 'remove', path: 'members[value eq "1"]' }], { add: [], remove: ['1'] }],
    ['Entra default: Remove with path members and a value array', [{ op: 'Remove', path: 'members', value: [{ value: '1' }, { value: '2' }] }], { add: [], remove: ['1', '2'] }],
    ['remove with an or of value filters', [{ op: 'remove', path: 'members[value eq "1" or value eq "2"]' }], { add: [], remove: ['1', '2'] }],
    ['attribute names in any case', [{ op: 'remove', path: 'Members[Value eq "3"]' }], { add: [], remove: ['3'] }],
    ['Okta push: add and remove in one PATCH', [{ op: 'remove', path: 'members[value eq "1"]' }, { op: 'add', path: 'members', value: [{ value: '2' }] }], { add: ['2'], remove: ['1'] }],
    ['replace members', [{ op: 'replace', path: 'members', value: [{ value: '1' }, { value: '1' }, { value: '2' }] }], { add: [], remove: [], replace: ['1', '2'], removeAll: true }],
    ['Okta push now on an empty group: replace members []', [{ op: 'replace', path: 'members', value: [] }], { add: [], remove: [], replace: [], removeAll: true }],
    ['remove all members (no value)', [{ op: 'remove', path: 'members' }], { add: [], remove: [], replace: [], removeAll: true }],
    ['no-path replace with members', [{ op: 'replace', value: { members: [{ value: '7' }] } }], { add: [], remove: [], replace: ['7'], removeAll: true }],
    ['no-path add with members', [{ op: 'add', value: { members: [{ value: '7' }] } }], { add: ['7'], remove: [] }],
    ['empty remove value removes nobody', [{ op: 'remove', path: 'members', value: [] }], { add: [], remove: [] }],
  ];
  it.each(cases)('%s', (_name, operations, expected) => {
    expect(plain(reduce(...operations))).toEqual(expected);
  });
});

describe('operations apply in order', () => {
  it('a later remove cancels an earlier add and the reverse', () => {
    const delta = reduce(
      { op: 'add', path: 'members', value: [{ value: '1' }, { value: '2' }] },
      { op: 'remove', path: 'members[value eq "1"]' },
      { op: 'remove', path: 'members', value: [{ value: '3' }] },
      { op: 'add', path: 'members', value: [{ value: '3' }] },
    );
    expect(plain(delta)).toEqual({ add: ['2', '3'], remove: ['1'] });
  });

  it('operations after a replace are folded into it', () => {
    const delta = reduce(
      { op: 'add', path: 'members', value: [{ value: '9' }] },
      { op: 'replace', path: 'members', value: [{ value: '1' }, { value: '2' }] },
      { op: 'add', path: 'members', value: [{ value: '3' }] },
      { op: 'remove', path: 'members[value eq "1"]' },
    );
    expect(plain(delta)).toEqual({ add: [], remove: [], replace: ['2', '3'], removeAll: true });
  });

  it('adding after removing everyone leaves only the new members', () => {
    const delta = reduce({ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: '4' }] });
    expect(plain(delta)).toEqual({ add: [], remove: [], replace: ['4'], removeAll: true });
  });
});

describe('group attributes', () => {
  it("Okta rename: no-path replace carrying the group's own id", () => {
    expect(plain(reduce({ op: 'replace', value: { id: '9', displayName: 'Guides' } }))).toEqual({
      add: [],
      remove: [],
      displayName: 'Guides',
    });
  });

  it('Entra rename with a path, and the validator no-path forms', () => {
    expect(reduce({ op: 'Replace', path: 'displayName', value: 'A' }).displayName).toBe('A');
    expect(reduce({ op: 'replace', value: { DisplayName: 'B' } }).displayName).toBe('B');
    expect(reduce({ op: 'replace', value: { externalId: 'x1' } }).externalId).toBe('x1');
  });

  it('the last rename wins', () => {
    expect(reduce({ op: 'replace', path: 'displayName', value: 'A' }, { op: 'replace', path: 'displayName', value: 'B' }).displayName).toBe('B');
  });

  it('null, "" and remove clear the externalId', () => {
    for (const operation of [
      { op: 'replace', path: 'externalId', value: null },
      { op: 'replace', path: 'externalId', value: '' },
      { op: 'remove', path: 'externalId' },
    ]) {
      expect(reduce(operation).externalId).toBeNull();
    }
  });

  it('ignores meta, schemas, URN-prefixed core paths are understood, unknown attributes ignored', () => {
    const delta = reduce(
      { op: 'replace', value: { meta: { resourceType: 'Group' }, schemas: [], 'urn:x:custom': 1 } },
      { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName', value: 'C' },
      { op: 'add', path: 'description', value: 'ignored' },
    );
    expect(plain(delta)).toEqual({ add: [], remove: [], displayName: 'C' });
  });
});

describe('refused group operations', () => {
  const cases: Array<[name: string, operation: unknown, scimType: string]> = [
    ['changing the id', { op: 'replace', value: { id: '10', displayName: 'x' } }, 'mutability'],
    ['removing displayName', { op: 'remove', path: 'displayName' }, 'mutability'],
    ['empty displayName', { op: 'replace', path: 'displayName', value: '' }, 'invalidValue'],
    ['a member without value', { op: 'add', path: 'members', value: [{ display: 'x' }] }, 'invalidValue'],
    ['add through a value filter', { op: 'add', path: 'members[value eq "1"]', value: { value: '1' } }, 'invalidPath'],
    ['a filter the delta cannot evaluate', { op: 'remove', path: 'members[display eq "x"]' }, 'invalidFilter'],
    ['a sub-attribute path', { op: 'remove', path: 'members.value' }, 'invalidPath'],
    ['an unknown op', { op: 'merge', path: 'members', value: [] }, 'invalidSyntax'],
    ['remove without path', { op: 'remove' }, 'noTarget'],
    ['add without value', { op: 'add', path: 'members' }, 'invalidValue'],
    ['members as a number (would name Jamf user 5)', { op: 'add', path: 'members', value: 5 }, 'invalidValue'],
    ['a single member object instead of an array', { op: 'add', path: 'members', value: { value: '5' } }, 'invalidValue'],
    ['numeric member ids', { op: 'add', path: 'members', value: [{ value: 5 }] }, 'invalidValue'],
    ['bare member ids', { op: 'replace', path: 'members', value: ['5'] }, 'invalidValue'],
    ['removing with a single member object', { op: 'Remove', path: 'members', value: { value: '5' } }, 'invalidValue'],
    ['a displayName that is a number', { op: 'replace', path: 'displayName', value: 5 }, 'invalidValue'],
    ['a no-path displayName with surrounding spaces', { op: 'replace', value: { displayName: ' Sales ' } }, 'invalidValue'],
    ['a displayName with NUL', { op: 'replace', path: 'displayName', value: 'Sa\u0000les' }, 'invalidValue'],
    ['an externalId that is a number', { op: 'replace', path: 'externalId', value: 7 }, 'invalidValue'],
    ['an externalId with a lone surrogate', { op: 'replace', value: { externalId: 'x\ud800' } }, 'invalidValue'],
  ];
  it.each(cases)('%s', (_name, operation, scimType) => {
    const error = errorOf(() => reduce({ op: 'add', path: 'members', value: [{ value: '1' }] }, operation));
    expect(error).toMatchObject({ status: 400, scimType });
    expect(error.detail).toMatch(/^Operations\[1\]: /);
  });

  it('names the attribute and the reason', () => {
    const detail = (operation: object) => errorOf(() => reduce(operation)).detail;
    expect(detail({ op: 'add', path: 'members', value: 5 })).toBe('Operations[0]: members must be an array of members.');
    expect(detail({ op: 'add', path: 'members', value: [{ value: '1' }, { value: 5 }] })).toBe(
      'Operations[0]: members[1] must be an object with a non-empty string "value".',
    );
    expect(detail({ op: 'replace', path: 'displayName', value: 'Sales ' })).toBe('Operations[0]: displayName must not begin or end with whitespace.');
    expect(detail({ op: 'replace', path: 'externalId', value: 7 })).toBe('Operations[0]: externalId must be a string.');
  });
});

describe('member type (RFC 7643 §4.2)', () => {
  it('refuses a member of a type other than "User"', () => {
    const error = errorOf(() => reduce({ op: 'add', path: 'members', value: [{ value: '1', type: 'User' }, { value: '2', type: 'Group' }] }));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(error.detail).toMatch(/members\[1\]\.type "Group" is not supported/);
    expect([...reduce({ op: 'add', path: 'members', value: [{ value: '1', type: 'User' }] }).add]).toEqual(['1']);
  });
});
