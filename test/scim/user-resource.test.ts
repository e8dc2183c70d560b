import { describe, expect, it } from 'vitest';
import { ENTERPRISE_USER_SCHEMA, ScimError, USER_SCHEMA, parseUserBody } from '../../src/scim/index.js';

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

function errorOf(action: () => unknown): ScimError {
  try {
    action();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('parseUserBody', () => {
  it("accepts Okta's create body and drops password and groups (idp-behaviour A1.1)", () => {
    const user = parseUserBody({
      schemas: [USER_SCHEMA],
      userName: 'isabella@example.com',
      name: { givenName: 'Isabella', familyName: 'Ortiz' },
      emails: [{ primary: true, value: 'isabella@example.com', type: 'work' }],
      displayName: 'Isabella Ortiz',
      locale: 'en-US',
      externalId: '00u1dhhb1fkIGP7RL1d8',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    expect(user).toEqual({
      schemas: [USER_SCHEMA],
      userName: 'isabella@example.com',
      name: { givenName: 'Isabella', familyName: 'Ortiz' },
      emails: [{ primary: true, value: 'isabella@example.com', type: 'work' }],
      displayName: 'Isabella Ortiz',
      locale: 'en-US',
      externalId: '00u1dhhb1fkIGP7RL1d8',
      active: true,
    });
  });

  it("accepts Entra's create body with nulls, strings for booleans, meta and stray enterprise keys (A2.1)", () => {
    const user = parseUserBody({
      schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      userName: 'Test_User_00aa00aa@contoso.com',
      active: 'True',
      addresses: null,
      displayName: 'Test User',
      emails: [{ Primary: 'True', Type: 'work', Value: 'Test_User@contoso.com' }],
      meta: { resourceType: 'User' },
      name: { familyName: 'User', givenName: 'Test' },
      phoneNumbers: null,
      roles: [],
      title: null,
      department: 'Sales',
      manager: 'mgr-1',
    });
    expect(user).toEqual({
      schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User', ENTERPRISE],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      userName: 'Test_User_00aa00aa@contoso.com',
      active: true,
      displayName: 'Test User',
      emails: [{ primary: true, type: 'work', value: 'Test_User@contoso.com' }],
      name: { familyName: 'User', givenName: 'Test' },
      [ENTERPRISE]: { department: 'Sales', manager: { value: 'mgr-1' } },
    });
  });

  it('canonicalises attribute names (UserName, Emails[].Primary)', () => {
    const user = parseUserBody({ UserName: 'a', Emails: [{ VALUE: 'a@x', Primary: 'true' }], ACTIVE: 'false', NickName: 'A' });
    expect(user).toEqual({ schemas: [USER_SCHEMA], userName: 'a', emails: [{ value: 'a@x', primary: true }], active: false, nickName: 'A' });
  });

  const managers: Array<[name: string, manager: unknown]> = [
    ['a string id', 'm1'],
    ['an object', { value: 'm1', $ref: 'https://x/Users/m1', displayName: 'Boss' }],
    ['an array of one object', [{ $ref: null, value: 'm1' }]],
    ['a capitalised Value', { Value: 'm1' }],
  ];
  it.each(managers)('stores an enterprise manager given as %s as {value}', (_name, manager) => {
    const user = parseUserBody({ userName: 'a', [ENTERPRISE]: { manager, employeeNumber: 7 } });
    expect(user[ENTERPRISE]).toEqual({ manager: { value: 'm1' }, employeeNumber: '7' });
    expect(user.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
  });

  it('keeps unknown attributes and unknown schema URIs, stripped of nulls', () => {
    const user = parseUserBody({
      schemas: [USER_SCHEMA, 'urn:example:custom'],
      userName: 'a',
      favouriteColour: 'teal',
      'urn:example:custom': { badge: 12, gone: null },
    });
    expect(user).toEqual({
      schemas: [USER_SCHEMA, 'urn:example:custom'],
      userName: 'a',
      favouriteColour: 'teal',
      'urn:example:custom': { badge: 12 },
    });
  });

  it('treats "" as absent for optional attributes (Okta pushes empty values)', () => {
    const user = parseUserBody({
      userName: 'a',
      title: '',
      name: { givenName: 'A', middleName: '' },
      emails: [{ value: '', type: 'work' }],
      [ENTERPRISE]: { manager: { value: '' }, department: '' },
    });
    expect(user).toEqual({ schemas: [USER_SCHEMA], userName: 'a', name: { givenName: 'A' } });
  });

  it("ignores the id and meta Okta sends back in a PUT", () => {
    const user = parseUserBody({ id: '42', meta: { resourceType: 'User' }, userName: 'a', groups: [{ value: '9' }] });
    expect(user).toEqual({ schemas: [USER_SCHEMA], userName: 'a' });
  });

  const invalidValues: Array<[name: string, body: object, detail: RegExp]> = [
    ['missing userName', { name: { givenName: 'a' } }, /^userName: /],
    ['empty userName', { userName: '' }, /^userName: /],
    ['blank userName', { userName: '   ' }, /^userName: /],
    ['userName not a string', { userName: { first: 'a' } }, /^userName: /],
    ['userName a boolean', { userName: true }, /^userName: /],
    ['userName too long', { userName: 'a'.repeat(256) }, /at most 255/],
    ['userName with a control character', { userName: 'a\u0007b' }, /control/],
    ['active not a boolean', { userName: 'a', active: 'yes' }, /^active: /],
    ['emails not values', { userName: 'a', emails: [{ value: 'a@x', primary: 'sometimes' }] }, /^emails\[0\]\.primary: /],
    ['name not an object', { userName: 'a', name: 'Alice' }, /^name: /],
    ['enterprise extension not an object', { userName: 'a', [ENTERPRISE]: 'x' }, /enterprise/],
  ];
  it.each(invalidValues)('%s is 400 invalidValue', (_name, body, detail) => {
    const error = errorOf(() => parseUserBody(body));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(error.detail).toMatch(detail);
  });

  const invalidSyntax: Array<[name: string, body: unknown]> = [
    ['an array', [{ userName: 'a' }]],
    ['a string', 'userName'],
    ['null', null],
    ['__proto__ at the top', JSON.parse('{"userName":"a","__proto__":{"isAdmin":true}}')],
    ['__proto__ nested', JSON.parse('{"userName":"a","name":{"__proto__":{"x":1}}}')],
    ['constructor in an array element', { userName: 'a', emails: [{ value: 'x', constructor: {} }] }],
    ['prototype key', { userName: 'a', prototype: 1 }],
    ['nesting deeper than 32 levels', { userName: 'a', deep: nest(40) }],
  ];
  it.each(invalidSyntax)('%s is 400 invalidSyntax', (_name, body) => {
    expect(errorOf(() => parseUserBody(body))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('wraps a single email object into an array and keeps duplicate work emails', () => {
    const user = parseUserBody({ userName: 'a', emails: [{ value: 'a@x', type: 'work' }, { value: 'b@x', type: 'work' }], phoneNumbers: { value: '1' } });
    expect(user.emails).toHaveLength(2);
    expect(user.phoneNumbers).toEqual([{ value: '1' }]);
  });
});

function nest(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { next: value };
  return value;
}
