import { describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, ScimError, parseGroupBody } from '../../src/scim/index.js';

const ADSCIM = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

function errorOf(action: () => unknown): ScimError {
  try {
    action();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

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
        Members: [{ Value: '1', $ref: null, Display: 'a' }, { value: '2' }, { value: '1' }, '3'],
        id: '5',
      }),
    ).toEqual({ schemas: [GROUP_SCHEMA], displayName: 'G', members: [{ value: '1', display: 'a' }, { value: '2' }, { value: '3' }] });
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
});
