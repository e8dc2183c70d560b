/**
 * Bad input on /Users: every refused body, filter, PATCH path and PATCH op gets the 4xx and
 * scimType an IdP admin can act on (RFC 7644 §3.12), and leaves Jamf and the store as they were.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { ENTERPRISE, USER_SCHEMA, createUser, expectScimError, oktaCreateBody, patchBody, q, snapshot } from './users-support.js';

let t: TestServer;
let id: string;
let before: string;
beforeEach(async () => {
  t = await startTestServer();
  id = await createUser(t, { ...oktaCreateBody('ada@example.com'), title: 'Analyst' });
  t.resetCalls();
  before = snapshot(t);
});
afterEach(async () => {
  await t.close();
});

/** The refused request changed nothing anywhere, and the user still reads as before. */
async function expectUnchanged(): Promise<void> {
  expect(snapshot(t)).toBe(before);
  const read = (await t.scim('GET', `/scim/v2/Users/${id}`)).json();
  expect(read).toMatchObject({ userName: 'ada@example.com', title: 'Analyst', active: true });
}

const nested = (depth: number): Record<string, unknown> => (depth === 0 ? { leaf: 'x' } : { deeper: nested(depth - 1) });

const badBodies: Array<[string, Record<string, unknown>, string]> = [
  ['no userName', { schemas: [USER_SCHEMA], name: { givenName: 'Grace' } }, 'invalidValue'],
  ['an empty userName', { userName: '' }, 'invalidValue'],
  ['a blank userName', { userName: '   ' }, 'invalidValue'],
  ['a userName that is an object', { userName: { value: 'grace' } }, 'invalidValue'],
  ['a userName with a control character', { userName: 'gra\u0000ce' }, 'invalidValue'],
  ['a userName over 255 characters', { userName: `${'g'.repeat(256)}` }, 'invalidValue'],
  ['a userName with a character XML cannot carry', { userName: 'grace\uFFFE' }, 'invalidValue'],
  ['active that is not a boolean', { userName: 'grace', active: 'maybe' }, 'invalidValue'],
  ['name that is a string', { userName: 'grace', name: 'Grace Hopper' }, 'invalidValue'],
  ['title that is an array', { userName: 'grace', title: ['Rear Admiral'] }, 'invalidValue'],
  ['an email value that is an object', { userName: 'grace', emails: [{ value: { address: 'g@example.com' } }] }, 'invalidValue'],
  ['an enterprise extension that is not an object', { userName: 'grace', [ENTERPRISE]: 'Navy' }, 'invalidValue'],
  ['nesting deeper than any SCIM document', { userName: 'grace', nickName: nested(40) }, 'invalidSyntax'],
  // Wrong JSON types are refused, never coerced (RFC 7643 §2.3 as /Schemas publishes them).
  ['a userName that is a number', { userName: 123 }, 'invalidValue'],
  ['a title that is a number', { userName: 'grace', title: 5 }, 'invalidValue'],
  ['emails that is a string', { userName: 'grace', emails: 'g@example.com' }, 'invalidValue'],
  ['emails that is one object', { userName: 'grace', emails: { value: 'g@example.com' } }, 'invalidValue'],
  ['an externalId that is a number', { userName: 'grace', externalId: 42 }, 'invalidValue'],
  // Text the server could not store exactly.
  ['a userName with surrounding spaces', { userName: ' grace ' }, 'invalidValue'],
  ['a userName with U+FFFE, created inactive', { userName: 'grace\uFFFE', active: false }, 'invalidValue'],
  ['NUL in name.givenName', { userName: 'grace', name: { givenName: 'Gr\u0000ace' } }, 'invalidValue'],
  ['CR LF in the title', { userName: 'grace', title: 'Rear\r\nAdmiral' }, 'invalidValue'],
  ['a lone surrogate in a store-only attribute', { userName: 'grace', nickName: 'Amazing \uD83D' }, 'invalidValue'],
  ['spaces around an email address', { userName: 'grace', emails: [{ value: 'g@example.com ', primary: true }] }, 'invalidValue'],
];

describe('POST and PUT bodies', () => {
  // One server for all cases: a refusal changes nothing, so each case starts from the same state.
  it('refuses each malformed POST /Users body with 400 and the scimType that names the problem', async () => {
    for (const [label, body, scimType] of badBodies) {
      const res = await t.scim('POST', '/scim/v2/Users', body);
      expect([res.statusCode, res.json().scimType], label).toEqual([400, scimType]);
      expectScimError(res, 400, scimType);
      expect(snapshot(t), label).toBe(before);
    }
    expect(t.jamfCalls()).toBe(0);
    await expectUnchanged();
  });

  it('refuses each malformed PUT /Users/{id} body the same way, writing nothing to Jamf', async () => {
    for (const [label, body, scimType] of badBodies) {
      const res = await t.scim('PUT', `/scim/v2/Users/${id}`, body);
      expect([res.statusCode, res.json().scimType], label).toEqual([400, scimType]);
      expect(snapshot(t), label).toBe(before);
    }
    // Every check runs on the body, before the user is read.
    expect(t.jamfCalls()).toBe(0);
    await expectUnchanged();
  });
});

describe('error details an IdP admin can act on', () => {
  it('name the attribute and the reason, for a body and for each PATCH form alike', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/scim/v2/Users', { userName: 'grace', name: { givenName: 'Gr\u0000ace' } }, 'name.givenName contains a character Jamf Pro cannot store (U+0000).'],
      ['POST', '/scim/v2/Users', { userName: 'grace', title: 5 }, 'title must be a string.'],
      ['POST', '/scim/v2/Users', { userName: ' pad.x ' }, 'userName must not begin or end with whitespace.'],
      ['PUT', `/scim/v2/Users/${id}`, { userName: 123 }, 'userName must be a string.'],
      ['PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'userName', value: 123 }), 'Operations[0]: userName must be a string.'],
      ['PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', value: { 'name.givenName': 'Gr\u0000ace' } }), 'Operations[0]: name.givenName contains a character Jamf Pro cannot store (U+0000).'],
      ['PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'add', path: 'title', value: 'a\rb' }), 'Operations[0]: title contains a carriage return (U+000D), which Jamf Pro does not keep; use LF (U+000A) for line breaks.'],
    ];
    for (const [method, url, body, detail] of cases) {
      const res = await t.scim(method, url, body);
      expectScimError(res, 400, 'invalidValue');
      expect(res.json().detail).toBe(detail);
    }
    expect(t.jamfCalls()).toBe(0);
    await expectUnchanged();
  });
});

describe('PATCH /Users/{id} paths and ops', () => {
  const valid = { op: 'replace', path: 'title', value: 'Changed' };
  const refusedOps: Array<[string, unknown[], string, number]> = [
    ['an unknown op', [valid, { op: 'move', path: 'title', value: 'x' }], 'invalidSyntax', 0],
    ['a path with unbalanced brackets', [valid, { op: 'replace', path: 'emails[type eq "work"', value: 'x' }], 'invalidPath', 0],
    ['a path that is not an attribute path', [valid, { op: 'replace', path: 'name..givenName', value: 'x' }], 'invalidPath', 0],
    ['a path that is not a string', [valid, { op: 'replace', path: 42, value: 'x' }], 'invalidPath', 0],
    ['a value filter on a single-valued attribute', [valid, { op: 'replace', path: 'title[value eq "x"]', value: 'y' }], 'invalidPath', 0],
    ['a value filter naming an unknown sub-attribute', [valid, { op: 'replace', path: 'emails[type eq "work"].colour', value: 'y' }], 'invalidPath', 0],
    ['a malformed value filter', [valid, { op: 'replace', path: 'emails[type eq].value', value: 'y' }], 'invalidFilter', 0],
    ['a remove without a path', [valid, { op: 'remove' }], 'noTarget', 0],
    ['an add without a value', [valid, { op: 'add', path: 'title' }], 'invalidValue', 0],
    ['active that is not a boolean', [valid, { op: 'replace', path: 'active', value: 'maybe' }], 'invalidValue', 0],
    ['removing active', [valid, { op: 'remove', path: 'active' }], 'invalidValue', 0],
    ['removing userName', [valid, { op: 'remove', path: 'userName' }], 'mutability', 0],
    ['a blank userName', [valid, { op: 'replace', path: 'userName', value: '  ' }], 'invalidValue', 0],
    ['changing id', [valid, { op: 'replace', path: 'id', value: '999' }], 'mutability', 0],
    ['a complex attribute set to a string', [valid, { op: 'replace', path: 'name', value: 'Ada' }], 'invalidValue', 0],
    ['a manager that is neither an id nor a {value}', [valid, { op: 'replace', path: 'manager', value: { value: true } }], 'invalidValue', 0],
    ['a no-path op whose value is not an object', [valid, { op: 'replace', value: 'Ada' }], 'invalidValue', 0],
    ['a title that is a number', [valid, { op: 'replace', path: 'title', value: 5 }], 'invalidValue', 0],
    ['a userName that is a number', [valid, { op: 'replace', value: { userName: 123 } }], 'invalidValue', 0],
    ['emails that is a string', [valid, { op: 'add', path: 'emails', value: 'a@example.com' }], 'invalidValue', 0],
    ['a userName with a trailing space', [valid, { op: 'replace', path: 'userName', value: 'ada@example.com ' }], 'invalidValue', 0],
    ['an email value with U+FFFF', [valid, { op: 'Replace', path: 'emails[type eq "work"].value', value: 'ada\uFFFF@example.com' }], 'invalidValue', 0],
    ['a dotted no-path name part with NUL', [valid, { op: 'replace', value: { 'name.familyName': 'L\u0000' } }], 'invalidValue', 0],
    // Known only once the user is read: one Jamf read, no write.
    ['a value filter that matches nothing and cannot create', [valid, { op: 'replace', path: 'emails[value co "zzz"].type', value: 'home' }], 'noTarget', 1],
  ];

  it('refuses each bad op with 400 naming it (Operations[1]) and applies none of the ops', async () => {
    for (const [label, ops, scimType, jamfCalls] of refusedOps) {
      t.resetCalls();
      const res = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody(...ops));
      expect([res.statusCode, res.json().scimType], label).toEqual([400, scimType]);
      expect(res.json().detail, label).toContain('Operations[1]');
      expect(t.jamfCalls(), label).toBe(jamfCalls);
      expect(snapshot(t), label).toBe(before);
    }
    await expectUnchanged();
  });

  it('refuses a PATCH body that is not a PatchOp message with 400 invalidSyntax', async () => {
    const bodies: Array<[string, unknown]> = [
      ['no Operations', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }],
      ['Operations that is not an array', { Operations: { op: 'replace' } }],
      ['an operation that is not an object', { Operations: ['replace'] }],
      ['a body that is an array', [{ op: 'replace', path: 'title', value: 'x' }]],
    ];
    for (const [label, body] of bodies) {
      const res = await t.scim('PATCH', `/scim/v2/Users/${id}`, body);
      expect([res.statusCode, res.json().scimType], label).toEqual([400, 'invalidSyntax']);
      expect(snapshot(t), label).toBe(before);
    }
    expect(t.jamfCalls()).toBe(0);
    await expectUnchanged();
  });

  it('refuses bad values for a deactivated user as for an active one, before any Jamf call', async () => {
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', value: { active: false } }));
    const tombstone = snapshot(t);
    t.resetCalls();
    const refused: Array<[string, string, unknown]> = [
      ['PATCH', 'a title with NUL', patchBody({ op: 'replace', path: 'title', value: 'x\u0000' })],
      ['PATCH', 'a userName with U+FFFE', patchBody({ op: 'replace', value: { userName: 'ada\uFFFE@example.com' } })],
      ['PATCH', 'a reactivation with a CR in the title', patchBody({ op: 'replace', value: { active: true, title: 'a\rb' } })],
      ['PATCH', 'a title that is a number', patchBody({ op: 'replace', path: 'title', value: 5 })],
      ['PUT', 'a userName with surrounding spaces', { schemas: [USER_SCHEMA], userName: ' ada@example.com ', active: false }],
      ['PUT', 'a reactivation with U+FFFF in name.givenName', { schemas: [USER_SCHEMA], userName: 'ada@example.com', active: true, name: { givenName: '\uFFFF' } }],
    ];
    for (const [method, label, body] of refused) {
      const res = await t.scim(method, `/scim/v2/Users/${id}`, body);
      expect([res.statusCode, res.json().scimType], label).toEqual([400, 'invalidValue']);
      expect(snapshot(t), label).toBe(tombstone);
    }
    expect(t.jamfCalls()).toBe(0);
  });

  it('refuses a PATCH of a deactivated user the same way, leaving the tombstone as it was', async () => {
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', value: { active: false } }));
    const tombstone = snapshot(t);
    t.resetCalls();
    const res = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody(valid, { op: 'replace', path: 'emails[value co "zzz"].type', value: 'home' }));
    expectScimError(res, 400, 'noTarget');
    expect(t.jamfCalls()).toBe(0);
    expect(snapshot(t)).toBe(tombstone);
  });
});

describe('GET /Users queries', () => {
  it('refuses each malformed filter with 400 invalidFilter, with no Jamf call', async () => {
    const filters: Array<[string, string]> = [
      ['an unknown attribute', 'nickname2 eq "x"'],
      ['a missing value', 'userName eq'],
      ['an unknown operator', 'userName like "a%"'],
      ['unbalanced parentheses', '(userName eq "a"'],
      ['an ordering operator on a boolean', 'active gt true'],
      ['a nested value filter', 'emails[type eq "work" and emails[value eq "x"]]'],
      ['a filter over 4096 characters', `userName eq "${'a'.repeat(4100)}"`],
    ];
    for (const [label, text] of filters) {
      const res = await t.scim('GET', `/scim/v2/Users?filter=${q(text)}`);
      expect([res.statusCode, res.json().scimType], label).toEqual([400, 'invalidFilter']);
      expectScimError(res, 400, 'invalidFilter');
    }
    expect(t.jamfCalls()).toBe(0);
  });

  it('refuses a startIndex or count that is not an integer with 400 invalidValue, with no Jamf call', async () => {
    for (const query of ['startIndex=abc', 'count=1.5', 'count=ten']) {
      const res = await t.scim('GET', `/scim/v2/Users?${query}`);
      expect([res.statusCode, res.json().scimType], query).toEqual([400, 'invalidValue']);
    }
    expect(t.jamfCalls()).toBe(0);
  });
});
