/**
 * One rule per attribute, whatever carries the value: a POST or PUT body, a PATCH with a path, a
 * no-path PATCH with plain or dotted keys, a value path, or the element a value path creates. An
 * IdP admin sees the same 400 invalidValue naming the attribute for each form.
 */
import { describe, expect, it } from 'vitest';
import {
  ENTERPRISE_USER_SCHEMA,
  PATCH_OP_SCHEMA,
  applyUserPatch,
  parseUserBody,
  validateUserPatch,
  type ScimUser,
} from '../../src/scim/index.js';
import { barbara, errorOf, kim } from './fixtures.js';

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });
const patchError = (resource: ScimUser, operation: object) =>
  errorOf(() => applyUserPatch(resource, patch(operation), { resourceId: resource.id as string }));

interface Case {
  label: string;
  /** The attribute in a POST/PUT body. */
  body: Record<string, unknown>;
  /** The same value through PATCH forms that address it. */
  operations: object[];
  /** The detail, without the "Operations[0]: " of a PATCH. */
  detail: string;
}

const cases: Case[] = [
  {
    label: 'userName as a number',
    body: { userName: 123 },
    operations: [{ op: 'replace', path: 'userName', value: 123 }, { op: 'replace', value: { userName: 123 } }],
    detail: 'userName must be a string.',
  },
  {
    label: 'userName with surrounding spaces',
    body: { userName: ' pad.x ' },
    operations: [{ op: 'replace', path: 'userName', value: ' pad.x ' }, { op: 'Replace', value: { UserName: ' pad.x ' } }],
    detail: 'userName must not begin or end with whitespace.',
  },
  {
    label: 'userName with U+FFFE',
    body: { userName: 'mallory\uFFFE' },
    operations: [{ op: 'replace', path: 'userName', value: 'mallory\uFFFE' }],
    detail: 'userName contains a character Jamf Pro cannot store (U+FFFE).',
  },
  {
    label: 'title as a number',
    body: { title: 5 },
    operations: [{ op: 'add', path: 'title', value: 5 }, { op: 'replace', value: { title: 5 } }],
    detail: 'title must be a string.',
  },
  {
    label: 'name.givenName with NUL',
    body: { name: { givenName: 'A\u0000da' } },
    operations: [
      { op: 'replace', path: 'name.givenName', value: 'A\u0000da' },
      { op: 'replace', value: { 'name.givenName': 'A\u0000da' } },
      { op: 'add', value: { name: { givenName: 'A\u0000da' } } },
      { op: 'replace', path: 'name', value: { givenName: 'A\u0000da' } },
    ],
    detail: 'name.givenName contains a character Jamf Pro cannot store (U+0000).',
  },
  {
    label: 'displayName with CR',
    body: { displayName: 'Ada\rLovelace' },
    operations: [{ op: 'replace', path: 'displayName', value: 'Ada\rLovelace' }, { op: 'replace', value: { displayName: 'Ada\rLovelace' } }],
    detail: 'displayName contains a carriage return (U+000D), which Jamf Pro does not keep; use LF (U+000A) for line breaks.',
  },
  {
    label: 'emails as a string',
    body: { emails: 'x@y' },
    operations: [{ op: 'add', path: 'emails', value: 'x@y' }, { op: 'replace', value: { emails: 'x@y' } }],
    detail: 'emails must be an array.',
  },
  {
    label: 'emails as a single object',
    body: { emails: { value: 'x@y' } },
    operations: [{ op: 'replace', path: 'emails', value: { value: 'x@y' } }],
    detail: 'emails must be an array.',
  },
  {
    label: 'an email address with a trailing space',
    body: { emails: [{ value: 'x@y ', type: 'work' }] },
    operations: [{ op: 'add', path: 'emails', value: [{ value: 'x@y ', type: 'work' }] }],
    detail: 'emails[0].value must not begin or end with whitespace.',
  },
  {
    label: 'a phone number with U+FFFF',
    body: { phoneNumbers: [{ value: '555\uFFFF' }] },
    operations: [{ op: 'add', path: 'phoneNumbers', value: [{ value: '555\uFFFF' }] }],
    detail: 'phoneNumbers[0].value contains a character Jamf Pro cannot store (U+FFFF).',
  },
  {
    label: 'an enterprise attribute as a number',
    body: { [ENTERPRISE]: { employeeNumber: 7 } },
    operations: [{ op: 'add', path: `${ENTERPRISE}:employeeNumber`, value: 7 }, { op: 'add', value: { [`${ENTERPRISE}:employeeNumber`]: 7 } }],
    detail: `${ENTERPRISE}:employeeNumber must be a string.`,
  },
  {
    label: 'a store-only attribute with a lone surrogate',
    body: { nickName: 'Babs\uD800' },
    operations: [{ op: 'add', path: 'nickName', value: 'Babs\uD800' }, { op: 'add', value: { nickName: 'Babs\uD800' } }],
    detail: 'nickName contains an unpaired surrogate (U+D800), which is not Unicode text.',
  },
  {
    label: 'externalId as a number',
    body: { externalId: 42 },
    operations: [{ op: 'replace', path: 'externalId', value: 42 }, { op: 'replace', value: { externalId: 42 } }],
    detail: 'externalId must be a string.',
  },
];

describe.each(cases)('$label', ({ body, operations, detail }) => {
  it('POST/PUT body: 400 invalidValue naming the attribute', () => {
    const error = errorOf(() => parseUserBody({ userName: 'ada', ...body }));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue', detail });
  });

  it.each(operations.map((operation) => [JSON.stringify(operation), operation] as const))(
    'PATCH %s: the same 400, before any resource is read, for active and inactive users',
    (_json, operation) => {
      const expected = { status: 400, scimType: 'invalidValue', detail: `Operations[0]: ${detail}` };
      expect(errorOf(() => validateUserPatch(patch(operation), { resourceId: '42' }))).toMatchObject(expected);
      expect(patchError(barbara(), operation)).toMatchObject(expected);
      expect(patchError(kim(), operation)).toMatchObject(expected);
    },
  );
});

describe('value paths', () => {
  it.each([
    ['emails[type eq "work"].value', 'x\u0000@y', 'emails[…].value must not contain control characters (U+0000).'],
    ['emails[type eq "work"].value', ' x@y', 'emails[…].value must not begin or end with whitespace.'],
    ['emails[type eq "work"].value', 5, 'emails[…].value must be a string.'],
    ['phoneNumbers[type eq "mobile"].value', '555\r', 'phoneNumbers[…].value contains a carriage return (U+000D), which Jamf Pro does not keep; use LF (U+000A) for line breaks.'],
    ['emails[type eq "work"]', { value: 'x@y\uFFFE' }, 'emails[…].value contains a character Jamf Pro cannot store (U+FFFE).'],
    ['emails[type eq "work"]', 'x@y', 'emails[…] must be an object.'],
    ['emails.value', 'x@y\u0007', 'emails.value must not contain control characters (U+0007).'],
  ])('%s = %j is refused', (path, value, detail) => {
    for (const op of ['add', 'Replace']) {
      expect(patchError(kim(), { op, path, value })).toMatchObject({ scimType: 'invalidValue', detail: `Operations[0]: ${detail}` });
    }
  });

  it('checks the element a value path would create from its filter', () => {
    const refused: Array<[string, string]> = [
      ['emails[value eq "x@y\uFFFE"].type', 'emails[…].value contains a character Jamf Pro cannot store (U+FFFE).'],
      ['emails[value eq " x@y"].primary', 'emails[…].value must not begin or end with whitespace.'],
    ];
    for (const [path, detail] of refused) {
      const value = path.endsWith('primary') ? true : 'work';
      expect(errorOf(() => validateUserPatch(patch({ op: 'add', path, value })))).toMatchObject({ detail: `Operations[0]: ${detail}` });
    }
  });
});

describe('the lenient forms IdPs really send are kept (idp-behaviour A2.2, A3.3)', () => {
  const apply = (resource: ScimUser, ...operations: object[]) => applyUserPatch(resource, patch(...operations), { resourceId: resource.id as string });

  it('"True"/"False" for booleans, in a body and in PATCH', () => {
    expect(parseUserBody({ userName: 'a', active: 'False', emails: [{ value: 'a@x', primary: 'True' }] })).toMatchObject({
      active: false,
      emails: [{ value: 'a@x', primary: true }],
    });
    expect(apply(barbara(), { op: 'Replace', path: 'active', value: 'False' }).active).toBe(false);
  });

  it('a manager as a bare string id, an object or an array of one object', () => {
    for (const manager of ['m1', { value: 'm1' }, [{ $ref: null, value: 'm1' }]]) {
      expect(parseUserBody({ userName: 'a', manager })[ENTERPRISE]).toEqual({ manager: { value: 'm1' } });
      expect(apply(kim(), { op: 'Add', path: 'manager', value: manager })[ENTERPRISE]).toEqual({ manager: { value: 'm1' } });
    }
  });

  it('null and "" as "no value", op names and attribute names in any case', () => {
    const result = apply(barbara(), { op: 'REPLACE', value: { Title: null, DisplayName: '' } }, { op: 'remove', path: 'NickName' });
    expect(result).not.toHaveProperty('title');
    expect(result).not.toHaveProperty('displayName');
  });

  it('unknown attributes keep any JSON type, as sent', () => {
    expect(parseUserBody({ userName: 'a', badge: 12, flags: [true, 'x'] })).toMatchObject({ badge: 12, flags: [true, 'x'] });
    expect(apply(kim(), { op: 'add', path: 'urn:example:custom:1.0:User:floor', value: 3 })['urn:example:custom:1.0:User']).toEqual({ floor: 3 });
  });
});
