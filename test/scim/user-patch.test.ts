import { describe, expect, it } from 'vitest';
import {
  ENTERPRISE_USER_SCHEMA,
  PATCH_OP_SCHEMA,
  ScimError,
  USER_SCHEMA,
  applyUserPatch,
  validateUserPatch,
  type ScimUser,
} from '../../src/scim/index.js';
import { barbara, errorOf, kim } from './fixtures.js';

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

function patch(...Operations: unknown[]) {
  return { schemas: [PATCH_OP_SCHEMA], Operations };
}

function apply(resource: ScimUser, ...operations: unknown[]): ScimUser {
  return applyUserPatch(resource, patch(...operations), { resourceId: resource.id as string });
}

describe('activation (idp-behaviour A1.1, A2.2)', () => {
  const cases: Array<[name: string, operation: object, active: boolean]> = [
    ['Okta no-path replace {active:false}', { op: 'replace', value: { active: false } }, false],
    ['Okta no-path replace {active:true}', { op: 'replace', value: { active: true } }, true],
    ['Entra default: Replace active "False"', { op: 'Replace', path: 'active', value: 'False' }, false],
    ['Entra default: Replace active "True"', { op: 'Replace', path: 'active', value: 'True' }, true],
    ['Entra with flag: replace active false', { op: 'replace', path: 'active', value: false }, false],
    ['no-path value with "False" string', { op: 'Replace', value: { active: 'False' } }, false],
    ['attribute name in another case', { op: 'REPLACE', path: 'Active', value: 'false' }, false],
    ['URN-qualified active path', { op: 'replace', path: `${USER_SCHEMA}:active`, value: 'False' }, false],
    ['no-path URN-qualified active key', { op: 'replace', value: { [`${USER_SCHEMA}:active`]: 'True' } }, true],
  ];
  it.each(cases)('%s', (_name, operation, active) => {
    const start = active ? kim() : barbara();
    expect(apply(start, operation).active).toBe(active);
  });

  it('refuses an active value that is not a boolean', () => {
    const error = errorOf(() => apply(barbara(), { op: 'replace', path: 'active', value: 'maybe' }));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(error.detail).toMatch(/^Operations\[0\]: /);
  });
});

describe('attribute updates', () => {
  it("applies Entra's default one-op-per-attribute form", () => {
    const result = apply(
      barbara(),
      { op: 'Replace', path: 'displayName', value: 'Barb J' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'bj@example.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Barb' },
      { op: 'Replace', path: 'name.familyName', value: 'J' },
      { op: 'Replace', path: 'externalId', value: 'ext-2' },
      { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: '1001' },
    );
    expect(result).toMatchObject({
      displayName: 'Barb J',
      externalId: 'ext-2',
      name: { givenName: 'Barb', familyName: 'J', formatted: 'Barbara Jensen' },
      emails: [
        { value: 'bj@example.com', type: 'work', primary: true },
        { value: 'babs@home.example.org', type: 'home' },
      ],
      [ENTERPRISE]: { employeeNumber: '1001', department: 'Tours', manager: { value: '7' } },
    });
  });

  it('expands one no-path op with plain, dotted and URN-qualified keys (aadOptscim062020)', () => {
    const result = apply(kim(), {
      op: 'replace',
      value: {
        displayName: 'Kim Lee',
        'name.givenName': 'Kim',
        'name.familyName': 'Lee',
        [`${ENTERPRISE}:employeeNumber`]: '555',
        [`${ENTERPRISE}:manager`]: { value: '42' },
        title: 'Driver',
      },
    });
    expect(result).toMatchObject({
      displayName: 'Kim Lee',
      name: { givenName: 'Kim', familyName: 'Lee' },
      title: 'Driver',
      [ENTERPRISE]: { employeeNumber: '555', manager: { value: '42' } },
    });
    expect(result.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
  });

  it('accepts a no-path value nesting attributes under the extension URN', () => {
    const result = apply(kim(), { op: 'add', value: { [ENTERPRISE]: { department: 'Ops', costCenter: '41' } } });
    expect(result[ENTERPRISE]).toEqual({ department: 'Ops', costCenter: '41' });
  });

  it('accepts a path naming the whole extension schema', () => {
    const result = apply(kim(), { op: 'add', path: ENTERPRISE, value: { division: 'North' } });
    expect(result[ENTERPRISE]).toEqual({ division: 'North' });
  });

  it('changes userName through a no-path replace (Entra validator)', () => {
    expect(apply(kim(), { op: 'replace', value: { userName: 'kim.lee' } }).userName).toBe('kim.lee');
  });

  it("adds a single-valued string with Entra's capitalised op", () => {
    expect(apply(kim(), { op: 'Add', path: 'nickName', value: 'Babs' }).nickName).toBe('Babs');
  });

  it('matches attribute names case-insensitively and stores them canonically', () => {
    const result = apply(
      kim(),
      { op: 'replace', path: 'DisplayName', value: 'K' },
      { op: 'replace', path: 'Name.GivenName', value: 'Kim' },
      { op: 'replace', path: 'EMAILS[Type eq "home"].Value', value: 'k@example.com' },
      { op: 'add', value: { Title: 'Boss', NAME: { FamilyName: 'Lee' } } },
    );
    expect(result).toMatchObject({
      displayName: 'K',
      title: 'Boss',
      name: { givenName: 'Kim', familyName: 'Lee' },
      emails: [{ value: 'k@example.com', type: 'home' }],
    });
    expect(Object.keys(result)).not.toContain('DisplayName');
  });

  it('merges sub-attributes when adding or replacing a complex value (RFC 7644 §3.5.2.1)', () => {
    const result = apply(barbara(), { op: 'replace', path: 'name', value: { givenName: 'B' } });
    expect(result.name).toEqual({ givenName: 'B', familyName: 'Jensen', formatted: 'Barbara Jensen' });
  });

  it('removes the whole enterprise extension through its schema URN', () => {
    const result = apply(barbara(), { op: 'remove', path: ENTERPRISE });
    expect(result).not.toHaveProperty(ENTERPRISE);
    expect(result.schemas).toEqual([USER_SCHEMA]);
  });

  it('stores attributes of unknown extensions and unknown attributes as sent', () => {
    const result = apply(
      kim(),
      { op: 'add', value: { 'urn:example:custom:1.0:User': { badge: '12' }, favouriteColour: 'teal' } },
      { op: 'add', path: 'urn:example:custom:1.0:User:floor', value: 3 },
    );
    expect(result['urn:example:custom:1.0:User']).toEqual({ badge: '12', floor: 3 });
    expect(result.favouriteColour).toBe('teal');
  });

  it('handles value filters whose values contain colons and dots', () => {
    const start = apply(kim(), { op: 'add', path: 'phoneNumbers', value: [{ value: 'tel:+1.555.0100' }] });
    const result = apply(start, { op: 'replace', path: 'phoneNumbers[value eq "tel:+1.555.0100"].type', value: 'work' });
    expect(result.phoneNumbers).toEqual([{ value: 'tel:+1.555.0100', type: 'work' }]);
  });

  it('keeps roles values that are JSON-encoded strings as sent', () => {
    const value = JSON.stringify({ id: 'r1', displayName: 'Admin' });
    const result = apply(kim(), { op: 'Add', path: 'roles', value: [{ primary: 'True', type: 'WindowsAzureActiveDirectoryRole', value }] });
    expect(result.roles).toEqual([{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value }]);
  });
});

describe('value paths create the element when it is missing (idp-behaviour A2.2)', () => {
  const cases: Array<[path: string, attribute: string, expected: object[]]> = [
    ['emails[type eq "work"].value', 'emails', [{ value: 'kim@example.com', type: 'home' }, { type: 'work', value: 'new' }]],
    ['phoneNumbers[type eq "mobile"].value', 'phoneNumbers', [{ type: 'mobile', value: 'new' }]],
    ['addresses[type eq "work"].streetAddress', 'addresses', [{ type: 'work', streetAddress: 'new' }]],
    ['roles[primary eq "True"].value', 'roles', [{ primary: true, value: 'new' }]],
  ];
  for (const op of ['add', 'Replace']) {
    it.each(cases)(`${op} %s`, (path, attribute, expected) => {
      expect(apply(kim(), { op, path, value: 'new' })[attribute]).toEqual(expected);
    });
  }

  it('updates the matching element rather than adding another one', () => {
    const once = apply(kim(), { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '1' });
    const twice = apply(once, { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '2' });
    expect(twice.phoneNumbers).toEqual([{ type: 'mobile', value: '2' }]);
  });

  it('matches the filter value case-insensitively, as filters do', () => {
    const result = apply(kim(), { op: 'replace', path: 'emails[type eq "HOME"].value', value: 'x@example.com' });
    expect(result.emails).toEqual([{ value: 'x@example.com', type: 'home' }]);
  });

  it('creates a whole element from a value path without sub-attribute', () => {
    const result = apply(kim(), { op: 'add', path: 'emails[type eq "work"]', value: { value: 'w@example.com', primary: 'True' } });
    expect(result.emails).toContainEqual({ type: 'work', value: 'w@example.com', primary: true });
  });

  it('is noTarget when nothing matches and the filter cannot seed an element', () => {
    const error = errorOf(() => apply(kim(), { op: 'replace', path: 'emails[value co "nothing"].type', value: 'work' }));
    expect(error).toMatchObject({ status: 400, scimType: 'noTarget' });
  });
});

describe('enterprise manager (idp-behaviour A2.2)', () => {
  const managerForms: Array<[name: string, operation: object]> = [
    ['unqualified path with array value', { op: 'Add', path: 'manager', value: [{ $ref: 'https://x/Users/99', value: '99' }] }],
    ['URN path with {value}', { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: '99' } }],
    ['bare string id', { op: 'replace', path: 'manager', value: '99' }],
    ['URN path to manager.value', { op: 'add', path: `${ENTERPRISE}:manager.value`, value: '99' }],
    ['no-path unqualified key', { op: 'add', value: { manager: { Value: '99' } } }],
    ['capitalised Manager.Value', { op: 'replace', path: 'Manager.Value', value: '99' }],
  ];
  it.each(managerForms)('%s is stored as {value} plus the $ref sent', (_name, operation) => {
    const sent = (operation as { value?: unknown }).value;
    const $ref = Array.isArray(sent) ? (sent[0] as { $ref?: string }).$ref : undefined;
    for (const start of [barbara(), kim()]) {
      const result = apply(start, operation);
      expect(result[ENTERPRISE]?.manager).toEqual($ref === undefined ? { value: '99' } : { value: '99', $ref });
      expect(result.schemas).toContain(ENTERPRISE);
    }
  });

  const removals: Array<[name: string, operation: object]> = [
    ['remove with the URN path', { op: 'remove', path: `${ENTERPRISE}:manager` }],
    ['remove unqualified', { op: 'Remove', path: 'manager' }],
    ['replace with null', { op: 'replace', path: 'manager', value: null }],
    ['replace with ""', { op: 'replace', path: `${ENTERPRISE}:manager`, value: '' }],
    ['replace with {value: ""}', { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: '' } }],
  ];
  it.each(removals)('%s clears the manager', (_name, operation) => {
    const result = apply(barbara(), operation);
    expect(result[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Tours' });
  });

  it('drops the extension and its schema URN once it is empty', () => {
    const result = apply(kim(), { op: 'add', path: 'manager', value: '1' }, { op: 'remove', path: 'manager' });
    expect(result[ENTERPRISE]).toBeUndefined();
    expect(result.schemas).toEqual([USER_SCHEMA]);
  });

  it('keeps $ref and displayName while the manager id stays; a new id drops them; sub-paths change one', () => {
    const start = apply(kim(), { op: 'add', path: 'manager', value: { value: '1', $ref: '../Users/1', displayName: 'One' } });
    expect(start[ENTERPRISE]?.manager).toEqual({ value: '1', $ref: '../Users/1', displayName: 'One' });
    expect(apply(start, { op: 'replace', path: 'manager.value', value: '1' })[ENTERPRISE]?.manager).toEqual(start[ENTERPRISE]?.manager);
    expect(apply(start, { op: 'replace', path: 'manager', value: '2' })[ENTERPRISE]?.manager).toEqual({ value: '2' });
    const changed = apply(start, { op: 'replace', path: 'manager.displayName', value: 'Uno' }, { op: 'remove', path: 'manager.$ref' });
    expect(changed[ENTERPRISE]?.manager).toEqual({ value: '1', displayName: 'Uno' });
    expect(apply(start, { op: 'replace', path: `${ENTERPRISE}:manager.$ref`, value: null })[ENTERPRISE]?.manager).toEqual({ value: '1', displayName: 'One' });
    // A $ref alone names no manager.
    expect(apply(kim(), { op: 'add', path: 'manager.$ref', value: '../Users/1' })[ENTERPRISE]).toBeUndefined();
    expect(errorOf(() => apply(start, { op: 'add', path: 'manager.displayName', value: 5 }))).toMatchObject({ scimType: 'invalidValue' });
  });

  it('refuses a manager that is neither an id nor an object with a value', () => {
    expect(errorOf(() => apply(kim(), { op: 'add', path: 'manager', value: true }))).toMatchObject({ scimType: 'invalidValue' });
  });
});

describe('null and "" clear optional attributes (Entra null update)', () => {
  const cases: Array<[name: string, operation: object, absent: string]> = [
    ['replace title ""', { op: 'replace', path: 'title', value: '' }, 'title'],
    ['replace title null', { op: 'Replace', path: 'title', value: null }, 'title'],
    ['add displayName ""', { op: 'Add', path: 'displayName', value: '' }, 'displayName'],
    ['no-path {title: null}', { op: 'replace', value: { title: null } }, 'title'],
    ['no-path {externalId: ""}', { op: 'replace', value: { externalId: '' } }, 'externalId'],
    ['replace phoneNumbers []', { op: 'replace', path: 'phoneNumbers', value: [] }, 'phoneNumbers'],
  ];
  it.each(cases)('%s', (_name, operation, absent) => {
    expect(apply(barbara(), operation)).not.toHaveProperty(absent);
  });

  it('removes a sub-attribute and then the emptied complex attribute', () => {
    const result = apply(
      barbara(),
      { op: 'replace', path: 'name.givenName', value: null },
      { op: 'replace', path: 'name.familyName', value: '' },
    );
    expect(result.name).toEqual({ formatted: 'Barbara Jensen' });
    expect(apply(result, { op: 'remove', path: 'name.formatted' })).not.toHaveProperty('name');
  });

  it('removes the element when the value of a value path is cleared', () => {
    const result = apply(barbara(), { op: 'replace', path: 'emails[type eq "home"].value', value: '' });
    expect(result.emails).toEqual([{ value: 'Barbara.Jensen@example.com', type: 'work', primary: true }]);
  });

  it('clears an enterprise attribute', () => {
    const result = apply(barbara(), { op: 'replace', path: `${ENTERPRISE}:employeeNumber`, value: null });
    expect(result[ENTERPRISE]).toEqual({ department: 'Tours', manager: { value: '7' } });
  });
});

describe('multi-valued attributes', () => {
  it('add appends without duplicating, replace replaces', () => {
    const added = apply(kim(), { op: 'add', path: 'emails', value: [{ value: 'kim@example.com', type: 'home' }, { value: 'w@x', type: 'work' }] });
    expect(added.emails).toEqual([
      { value: 'kim@example.com', type: 'home' },
      { value: 'w@x', type: 'work' },
    ]);
    const replaced = apply(added, { op: 'replace', path: 'emails', value: [{ value: 'only@x' }] });
    expect(replaced.emails).toEqual([{ value: 'only@x' }]);
  });

  it('remove with a filter, with a value array, and the whole attribute', () => {
    expect(apply(barbara(), { op: 'remove', path: 'emails[type eq "work"]' }).emails).toEqual([
      { value: 'babs@home.example.org', type: 'home' },
    ]);
    expect(apply(barbara(), { op: 'Remove', path: 'emails', value: [{ value: 'babs@home.example.org' }] }).emails).toEqual([
      { value: 'Barbara.Jensen@example.com', type: 'work', primary: true },
    ]);
    expect(apply(barbara(), { op: 'remove', path: 'emails' })).not.toHaveProperty('emails');
  });

  it('removing from a missing attribute changes nothing', () => {
    expect(apply(kim(), { op: 'remove', path: 'phoneNumbers[type eq "work"]' })).toEqual(kim());
    expect(apply(kim(), { op: 'remove', path: 'name.givenName' })).toEqual(kim());
  });
});

describe('read-only and ignored attributes', () => {
  it("ignores id equal to the resource id, meta, groups and password (Okta sends them)", () => {
    const result = apply(
      barbara(),
      { op: 'replace', value: { id: '42', meta: { resourceType: 'Nope' }, groups: [], password: 'p', schemas: [USER_SCHEMA] } },
      { op: 'replace', path: 'meta.lastModified', value: '2000-01-01T00:00:00Z' },
      { op: 'add', path: 'groups', value: [{ value: '9' }] },
      { op: 'replace', path: 'password', value: 'secret' },
    );
    expect(result).toEqual(barbara());
  });

  const refused: Array<[name: string, operation: object, scimType: string]> = [
    ['changing id', { op: 'replace', path: 'id', value: '43' }, 'mutability'],
    ['changing id without a path', { op: 'replace', value: { id: '43' } }, 'mutability'],
    ['removing id', { op: 'remove', path: 'id' }, 'mutability'],
    ['removing userName', { op: 'remove', path: 'userName' }, 'mutability'],
    ['clearing userName', { op: 'replace', path: 'userName', value: '' }, 'invalidValue'],
    ['removing active', { op: 'remove', path: 'active' }, 'invalidValue'],
  ];
  it.each(refused)('refuses %s', (_name, operation, scimType) => {
    expect(errorOf(() => apply(barbara(), operation))).toMatchObject({ status: 400, scimType });
  });
});

describe('bad operations are 400 with the operation index in the detail', () => {
  const ok = { op: 'replace', path: 'title', value: 'x' };
  const cases: Array<[name: string, operation: unknown, scimType: string]> = [
    ['unknown op', { op: 'move', path: 'title', value: 'x' }, 'invalidSyntax'],
    ['missing op', { path: 'title', value: 'x' }, 'invalidSyntax'],
    ['operation not an object', 'replace', 'invalidSyntax'],
    ['add without value', { op: 'add', path: 'title' }, 'invalidValue'],
    ['replace without value', { op: 'Replace', path: 'title' }, 'invalidValue'],
    ['remove without path', { op: 'remove' }, 'noTarget'],
    ['path not a string', { op: 'replace', path: 5, value: 'x' }, 'invalidPath'],
    ['unbalanced brackets', { op: 'replace', path: 'emails[type eq "work"', value: 'x' }, 'invalidPath'],
    ['empty path segment', { op: 'replace', path: 'name..givenName', value: 'x' }, 'invalidPath'],
    ['too many segments', { op: 'replace', path: 'name.givenName.first', value: 'x' }, 'invalidPath'],
    ['filter on a simple attribute', { op: 'replace', path: 'title[value eq "x"]', value: 'x' }, 'invalidPath'],
    ['unknown sub-attribute after a filter', { op: 'replace', path: 'emails[type eq "work"].colour', value: 'x' }, 'invalidPath'],
    ['broken value filter', { op: 'replace', path: 'emails[type eq].value', value: 'x' }, 'invalidFilter'],
    ['no-path value not an object', { op: 'replace', value: 'x' }, 'invalidValue'],
    ['wrong value type', { op: 'replace', path: 'name', value: 5 }, 'invalidValue'],
    ['wrong sub-attribute type', { op: 'add', path: 'emails', value: [{ value: 'a@b', primary: 'yes' }] }, 'invalidValue'],
  ];
  it.each(cases)('%s', (_name, operation, scimType) => {
    const error = errorOf(() => apply(barbara(), ok, ok, operation));
    expect(error).toMatchObject({ status: 400, scimType });
    expect(error.detail).toMatch(/^Operations\[2\]: /);
    expect(error.toBody()).toMatchObject({ status: '400', scimType });
  });

  const bodies: Array<[name: string, body: unknown]> = [
    ['not an object', []],
    ['Operations missing', { schemas: [PATCH_OP_SCHEMA] }],
    ['Operations not an array', { schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } }],
    ['schemas of the wrong type', { schemas: PATCH_OP_SCHEMA, Operations: [] }],
    ['__proto__ in a value', JSON.parse(`{"Operations":[{"op":"add","value":{"__proto__":{"polluted":true}}}]}`)],
    ['constructor key', { Operations: [{ op: 'add', value: { constructor: { prototype: {} } } }] }],
  ];
  it.each(bodies)('body %s is invalidSyntax', (_name, body) => {
    expect(errorOf(() => applyUserPatch(barbara(), body))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts a body without schemas and with lower-case member names', () => {
    expect(applyUserPatch(kim(), { operations: [{ OP: 'add', PATH: 'title', VALUE: 'x' }] }).title).toBe('x');
  });
});

describe('all-or-nothing', () => {
  it('leaves the input untouched when a later operation fails', () => {
    const resource = barbara();
    expect(() =>
      apply(
        resource,
        { op: 'replace', path: 'displayName', value: 'Changed' },
        { op: 'remove', path: 'emails' },
        { op: 'replace', path: 'emails[value co "z"].type', value: 'work' },
      ),
    ).toThrow(ScimError);
    expect(resource).toEqual(barbara());
  });

  it('returns a new object and never mutates the input', () => {
    const resource = barbara();
    const result = apply(resource, { op: 'replace', path: 'name.givenName', value: 'B' });
    expect(result).not.toBe(resource);
    expect(resource).toEqual(barbara());
    expect(result.name?.givenName).toBe('B');
  });

  it('applies operations in order, so a later one wins', () => {
    const result = apply(kim(), { op: 'replace', path: 'title', value: 'a' }, { op: 'replace', path: 'title', value: 'b' });
    expect(result.title).toBe('b');
  });
});

describe('validateUserPatch', () => {
  it('checks a body without a resource', () => {
    expect(() => validateUserPatch(patch({ op: 'replace', path: 'emails[type eq "work"].value', value: 'x' }))).not.toThrow();
    expect(errorOf(() => validateUserPatch(patch({ op: 'copy' }), { resourceId: '1' })).detail).toMatch(/^Operations\[0\]/);
  });
});
