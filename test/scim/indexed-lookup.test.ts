import { describe, expect, it } from 'vitest';
import { indexedLookup, parseFilter, type ResourceTypeName } from '../../src/scim/index.js';

const MANAGER_VALUE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value';

function lookup(filter: string, resourceType: ResourceTypeName = 'User') {
  return indexedLookup(parseFilter(filter, resourceType), resourceType);
}

describe('indexedLookup', () => {
  const indexable: Array<[filter: string, resourceType: ResourceTypeName, expected: object]> = [
    ['id eq "42"', 'User', { kind: 'id', value: '42' }],
    ['userName eq "Barbara@Example.com"', 'User', { kind: 'userName', value: 'Barbara@Example.com' }],
    ['USERNAME eq "kim"', 'User', { kind: 'userName', value: 'kim' }],
    ['externalId eq "00u1"', 'User', { kind: 'externalId', value: '00u1' }],
    ['externalId eq 123', 'User', { kind: 'externalId', value: '123' }],
    ['emails.value eq "a@b.c"', 'User', { kind: 'email', value: 'a@b.c' }],
    ['emails eq "a@b.c"', 'User', { kind: 'email', value: 'a@b.c' }],
    ['emails[value eq "a@b.c"]', 'User', { kind: 'email', value: 'a@b.c' }],
    // The value Jamf is asked for is the decoded JSON string (RFC 8259 §7).
    [String.raw`userName eq "CORP\\jdoe"`, 'User', { kind: 'userName', value: 'CORP\\jdoe' }],
    [String.raw`emails.value eq "tab\t\u00e9@b.c"`, 'User', { kind: 'email', value: 'tab\té@b.c' }],
    [String.raw`displayName eq "R\u0026D \"Labs\""`, 'Group', { kind: 'displayName', value: 'R&D "Labs"' }],
    ['displayName eq "Tour Guides"', 'Group', { kind: 'displayName', value: 'Tour Guides' }],
    ['externalId eq "e5a1"', 'Group', { kind: 'externalId', value: 'e5a1' }],
    ['id eq "9"', 'Group', { kind: 'id', value: '9' }],
    ['members.value eq "42"', 'Group', { kind: 'member', value: '42' }],
    ['members[value eq "42"]', 'Group', { kind: 'member', value: '42' }],
  ];
  it.each(indexable)('%s (%s) is one lookup', (filter, resourceType, expected) => {
    expect(lookup(filter, resourceType)).toEqual(expected);
  });

  it('keeps the element condition of emails[type eq "work"].value as the residual filter', () => {
    const filter = 'emails[type eq "work"].value eq "a@b.c"';
    expect(lookup(filter)).toEqual({ kind: 'email', value: 'a@b.c', rest: parseFilter(filter, 'User') });
  });

  it("answers Entra's manager query by id, leaving the manager term to evaluate", () => {
    expect(lookup('id eq "X" and manager eq "Y"')).toEqual({
      kind: 'id',
      value: 'X',
      rest: { op: 'eq', attrPath: MANAGER_VALUE, compValue: 'Y' },
    });
  });

  it('picks the most selective term of an and, whichever side it is on', () => {
    expect(lookup('active eq true and userName eq "kim"')).toEqual({
      kind: 'userName',
      value: 'kim',
      rest: { op: 'eq', attrPath: 'active', compValue: true },
    });
    expect(lookup('externalId eq "e" and id eq "1" and title pr')).toEqual({
      kind: 'id',
      value: '1',
      rest: {
        op: 'and',
        filters: [
          { op: 'eq', attrPath: 'externalId', compValue: 'e' },
          { op: 'pr', attrPath: 'title' },
        ],
      },
    });
  });

  const scans: Array<[filter: string, resourceType: ResourceTypeName]> = [
    ['userName sw "b"', 'User'],
    ['userName ne "kim"', 'User'],
    ['userName eq "a" or userName eq "b"', 'User'],
    ['not (userName eq "a")', 'User'],
    ['active eq true', 'User'],
    ['displayName eq "Babs"', 'User'],
    ['userName eq null', 'User'],
    ['emails[type eq "work"]', 'User'],
    ['members pr', 'Group'],
  ];
  it.each(scans)('%s (%s) needs a scan', (filter, resourceType) => {
    expect(lookup(filter, resourceType)).toBeNull();
  });
});
