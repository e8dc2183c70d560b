import { describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, parseGroupBody } from '../../src/scim/index.js';
import { errorOf } from './fixtures.js';

const ADSCIM = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

describe('parseGroupBody', () => {
  it("accepts Okta's group push", () => {
    expect(parseGroupBody({ schemas: [GROUP_SCHEMA], displayName: 'Tour Guides', members: [] })).toEqual({
      schemas: [GROUP_SCHEMA],
      displayName: 'Tour Guides',
      members: [],
    });
  });

  it("accepts Entra's create body with its own schema URN and meta (idp-behaviour A2.1)", () => {
    expect(
      parseGroupBody({
        schemas: [GROUP_SCHEMA, ADSCIM],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'Group1DisplayName',
        meta: { resourceType: 'Group' },
      }),
    ).toEqual({ schemas: [GROUP_SCHEMA, ADSCIM], externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'Group1DisplayName' });
  });

  it('canonicalises names, drops $ref null, de-duplicates members, keeps display', () => {
    expect(
      parseGroupBody({
        DisplayName: 'G',
        Members: [{ Value: '1', $ref: null, Display: 'a' }, { value: '2' }, { value: '1' }],
        id: '5',
      }),
    ).toEqual({ schemas: [GROUP_SCHEMA], displayName: 'G', members: [{ value: '1', display: 'a' }, { value: '2' }] });
  });

  const invalid: Array<[name: string, body: unknown, scimType: string]> = [
    ['missing displayName', { members: [] }, 'invalidValue'],
    ['empty displayName', { displayName: '' }, 'invalidValue'],
    ['member without value', { displayName: 'G', members: [{ display: 'x' }] }, 'invalidValue'],
    ['member with an empty value', { displayName: 'G', members: [{ value: '' }] }, 'invalidValue'],
    ['not an object', 'G', 'invalidSyntax'],
    ['__proto__ in a member', JSON.parse('{"displayName":"G","members":[{"value":"1","__proto__":{}}]}'), 'invalidSyntax'],
  ];
  it.each(invalid)('%s is 400 %s', (_name, body, scimType) => {
    expect(errorOf(() => parseGroupBody(body))).toMatchObject({ status: 400, scimType });
  });

  const refusedValues: Array<[name: string, body: object, detail: string]> = [
    ['a displayName that is a number (no coercion)', { displayName: 5 }, 'displayName must be a string.'],
    ['a displayName with leading and trailing spaces', { displayName: ' Sales ' }, 'displayName must not begin or end with whitespace.'],
    ['a displayName with a tab', { displayName: 'Sa\tles' }, 'displayName must not contain control characters (U+0009).'],
    ['a displayName with U+FFFE', { displayName: 'Sales\ufffe' }, 'displayName contains a character Jamf Pro cannot store (U+FFFE).'],
    ['a displayName with a lone surrogate', { displayName: 'Sales\udbff' }, 'displayName contains an unpaired surrogate (U+DBFF), which is not Unicode text.'],
    ['members that is one object', { displayName: 'G', members: { value: '1' } }, 'members must be an array.'],
    ['a member that is a bare id', { displayName: 'G', members: ['3'] }, 'members[0] must be an object.'],
    ['a member value that is a number', { displayName: 'G', members: [{ value: '1' }, { value: 5 }] }, 'members[1].value must be a string.'],
    ['an externalId that is a number', { displayName: 'G', externalId: 7 }, 'externalId must be a string.'],
    ['NUL in the externalId', { displayName: 'G', externalId: 'e\u0000' }, 'externalId contains a character that cannot be stored (U+0000).'],
  ];
  it.each(refusedValues)('refuses %s with 400 invalidValue naming the attribute', (_name, body, detail) => {
    expect(errorOf(() => parseGroupBody(body))).toMatchObject({ status: 400, scimType: 'invalidValue', detail });
  });

  it('keeps a displayName with inner spaces, markup and emoji exactly', () => {
    expect(parseGroupBody({ displayName: 'Dev  & <Ops> 😀' }).displayName).toBe('Dev  & <Ops> 😀');
  });
});

describe('member type (RFC 7643 §4.2)', () => {
  it('accepts "User" in any case or no type, and refuses another type: a Jamf static user group holds users only', () => {
    const members = [{ value: '1', type: 'User' }, { value: '2', type: 'user' }, { value: '3' }];
    expect(parseGroupBody({ displayName: 'G', members }).members).toEqual(members);
    const error = errorOf(() => parseGroupBody({ displayName: 'G', members: [{ value: '1' }, { value: '9', type: 'Group' }] }));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(error.detail).toMatch(/^members\[1\]\.type "Group" is not supported/);
  });
});
