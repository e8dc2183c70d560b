import { describe, expect, it } from 'vitest';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, parseUserBody } from '../../src/scim/index.js';
import { errorOf } from './fixtures.js';

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

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

  const managers: Array<[name: string, manager: unknown, stored: object]> = [
    ['a string id', 'm1', { value: 'm1' }],
    [
      'an object',
      { value: 'm1', $ref: 'https://x/Users/m1', displayName: 'Boss', shoeSize: 9 },
      { value: 'm1', $ref: 'https://x/Users/m1', displayName: 'Boss' },
    ],
    ['an array of one object', [{ $ref: null, value: 'm1' }], { value: 'm1' }],
    ['a capitalised Value and $REF', { Value: 'm1', $REF: '../Users/m1' }, { value: 'm1', $ref: '../Users/m1' }],
  ];
  it.each(managers)('stores an enterprise manager given as %s with the RFC 7643 §4.3 sub-attributes sent', (_name, manager, stored) => {
    const user = parseUserBody({ userName: 'a', [ENTERPRISE]: { manager, employeeNumber: '7' } });
    expect(user[ENTERPRISE]).toEqual({ manager: stored, employeeNumber: '7' });
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
    ['missing userName', { name: { givenName: 'a' } }, /^userName is required\.$/],
    ['empty userName', { userName: '' }, /^userName must not be empty\.$/],
    ['blank userName', { userName: '   ' }, /^userName must not be empty\.$/],
    ['userName not a string', { userName: { first: 'a' } }, /^userName must be a string\.$/],
    ['userName a boolean', { userName: true }, /^userName must be a string\.$/],
    ['userName a number (no coercion)', { userName: 123 }, /^userName must be a string\.$/],
    ['userName too long', { userName: 'a'.repeat(256) }, /at most 255/],
    ['userName with a control character', { userName: 'a\u0007b' }, /^userName must not contain control characters \(U\+0007\)\.$/],
    ['userName with leading spaces', { userName: ' pad.x' }, /^userName must not begin or end with whitespace\.$/],
    ['userName with a trailing tab', { userName: 'pad.x\t' }, /^userName must not contain control characters \(U\+0009\)\.$/],
    ['userName with a trailing no-break space', { userName: 'pad.x\u00a0' }, /^userName must not begin or end with whitespace\.$/],
    ['userName with U+FFFE', { userName: 'a\ufffe', active: false }, /^userName contains a character Jamf Pro cannot store \(U\+FFFE\)\.$/],
    ['active not a boolean', { userName: 'a', active: 'yes' }, /^active must be a boolean\.$/],
    ['emails not values', { userName: 'a', emails: [{ value: 'a@x', primary: 'sometimes' }] }, /^emails\[0\]\.primary must be a boolean\.$/],
    ['name not an object', { userName: 'a', name: 'Alice' }, /^name must be an object\.$/],
    ['enterprise extension not an object', { userName: 'a', [ENTERPRISE]: 'x' }, /enterprise/],
    ['title a number (no coercion)', { userName: 'a', title: 5 }, /^title must be a string\.$/],
    ['externalId a number', { userName: 'a', externalId: 42 }, /^externalId must be a string\.$/],
    ['emails a string', { userName: 'a', emails: 'x@y' }, /^emails must be an array\.$/],
    ['emails a single object', { userName: 'a', emails: { value: 'x@y' } }, /^emails must be an array\.$/],
    ['an email that is a bare string', { userName: 'a', emails: ['x@y'] }, /^emails\[0\] must be an object\.$/],
    ['an email value that is a number', { userName: 'a', emails: [{ value: 5 }] }, /^emails\[0\]\.value must be a string\.$/],
    ['phoneNumbers a single object', { userName: 'a', phoneNumbers: { value: '1' } }, /^phoneNumbers must be an array\.$/],
    ['an enterprise attribute that is a number', { userName: 'a', [ENTERPRISE]: { employeeNumber: 7 } }, new RegExp(`^${ENTERPRISE}:employeeNumber must be a string\\.$`)],
    ['a stray enterprise attribute that is a number', { userName: 'a', department: 7 }, /:department must be a string\.$/],
    ['a manager id that is a number', { userName: 'a', [ENTERPRISE]: { manager: 7 } }, /^manager must be a string id/],
    ['a manager that is a boolean', { userName: 'a', [ENTERPRISE]: { manager: { value: true } } }, /^manager must be a string id/],
    ['NUL in a name part', { userName: 'a', name: { givenName: 'A\u0000da' } }, /^name\.givenName contains a character Jamf Pro cannot store \(U\+0000\)\.$/],
    ['CR in the title', { userName: 'a', title: 'Lead\r\nEngineer' }, /^title contains a carriage return \(U\+000D\)/],
    ['U+FFFF in a phone number', { userName: 'a', phoneNumbers: [{ value: '555\uffff' }] }, /^phoneNumbers\[0\]\.value contains a character Jamf Pro cannot store \(U\+FFFF\)\.$/],
    ['a lone surrogate in displayName', { userName: 'a', displayName: 'A\ud800' }, /^displayName contains an unpaired surrogate \(U\+D800\)/],
    ['spaces around an email address', { userName: 'a', emails: [{ value: ' a@x ' }] }, /^emails\[0\]\.value must not begin or end with whitespace\.$/],
    ['NUL in an attribute kept only in the store', { userName: 'a', nickName: 'A\u0000' }, /^nickName contains a character that cannot be stored \(U\+0000\)\.$/],
    ['a lone low surrogate in an unknown attribute', { userName: 'a', badge: { code: '\udc00x' } }, /^badge\.code contains an unpaired surrogate \(U\+DC00\)/],
    ['NUL in the name of an unknown attribute', { userName: 'a', badge: { 'co\u0000de': 'x' } }, /^the name of an attribute in badge contains a character that cannot be stored/],
    ['NUL in a schemas URI', { userName: 'a', schemas: [USER_SCHEMA, 'urn:x\u0000'] }, /^schemas\[1\] contains a character that cannot be stored/],
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

  it('keeps duplicate work emails (Microsoft tooling sends two, idp-behaviour A2.3)', () => {
    const user = parseUserBody({ userName: 'a', emails: [{ value: 'a@x', type: 'work' }, { value: 'b@x', type: 'work' }] });
    expect(user.emails).toHaveLength(2);
  });

  it('keeps text it can store exactly: TAB and LF in Jamf text, emoji, any character in store-only attributes', () => {
    const body = {
      userName: 'zoë.😀@example.com',
      name: { givenName: 'Zoë\tA', familyName: 'O\u2019Brien', middleName: 'a\u0007b' },
      title: 'Lead\nEngineer',
      nickName: 'bell\u0007 \r\n \ufffe',
      addresses: [{ formatted: '1 Main St\r\nSpringfield', type: 'work' }],
      [ENTERPRISE]: { department: 'R\u0001D' },
    };
    const user = parseUserBody(body);
    expect(user).toMatchObject(body);
  });
});

function nest(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { next: value };
  return value;
}
