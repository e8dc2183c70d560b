import { describe, expect, it } from 'vitest';
import { MAX_FILTER_LENGTH, ScimError, compileFilter, parseFilter, type ResourceTypeName } from '../../src/scim/index.js';
import { barbara, kim, tourGuides } from './fixtures.js';

const users = [barbara(), kim()];
const groups = [tourGuides(), { ...tourGuides(), id: '10', displayName: 'Drivers', externalId: 'E5A1', members: [] }];

function matchingIds(filter: string, resourceType: ResourceTypeName = 'User'): string[] {
  const predicate = compileFilter(parseFilter(filter, resourceType), resourceType);
  const resources = resourceType === 'User' ? users : groups;
  return resources.filter((resource) => predicate(resource)).map((resource) => resource.id as string);
}

describe('user filters (RFC 7644 §3.4.2.2)', () => {
  const cases: Array<[filter: string, ids: string[]]> = [
    ['userName eq "Barbara.Jensen@example.com"', ['42']],
    // userName is caseExact false: Entra's "different case" validator test
    ['userName eq "barbara.jensen@EXAMPLE.com"', ['42']],
    ['UserName eq "kim"', ['43']],
    ['USERNAME EQ "KIM"', ['43']],
    ['userName eq "nobody"', []],
    ['id eq "42"', ['42']],
    ['externalId eq "00u1abcd"', ['42']],
    // externalId is caseExact
    ['externalId eq "00U1ABCD"', []],
    // unquoted numbers compare as text
    ['externalId eq 123', ['43']],
    ['externalId eq "123"', ['43']],
    // bare words are read as strings rather than refused
    ['userName eq kim', ['43']],
    ['emails.value eq "babs@home.example.org"', ['42']],
    ['emails.value eq "BABS@HOME.example.org"', ['42']],
    ['emails eq "kim@example.com"', ['43']],
    ['emails[type eq "work"].value eq "barbara.jensen@example.com"', ['42']],
    ['emails[type eq "work"].value eq "babs@home.example.org"', []],
    ['emails[type eq "home"].value eq "kim@example.com"', ['43']],
    ['emails[type eq "work" and value co "jensen"]', ['42']],
    ['emails[type eq "work"]', ['42']],
    ['emails.type eq "home"', ['42', '43']],
    ['emails.primary eq true', ['42']],
    ['emails[primary eq "True"].value pr', ['42']],
    ['active eq true', ['42']],
    ['active eq false', ['43']],
    ['active eq "True"', ['42']],
    ['active eq "false"', ['43']],
    ['active eq False', ['43']],
    ['active ne true', ['43']],
    ['name.givenName eq "barbara"', ['42']],
    ['name.familyName sw "Jen"', ['42']],
    ['name.formatted co "bara j"', ['42']],
    ['displayName ew "jensen"', ['42']],
    ['title eq "Tour Guide"', ['42']],
    ['title pr', ['42']],
    ['not (title pr)', ['43']],
    ['phoneNumbers.value eq "+1 555 0100"', ['42']],
    ['userName sw "b" or userName eq "kim"', ['42', '43']],
    ['userName sw "b" and active eq true', ['42']],
    ['userName sw "b" and active eq false', []],
    ['not (userName eq "kim")', ['42']],
    ['(userName eq "kim" or userName eq "x") and active eq false', ['43']],
    ['userName eq "kim" or userName sw "B" and active eq false', ['43']],
    ['meta.created gt "2024-01-01T00:00:00Z"', ['42']],
    ['meta.lastModified lt "2024-01-01T00:00:00Z"', ['43']],
    ['meta.lastModified ge "2024-06-01T12:30:00.000Z"', ['42']],
    ['userName gt "c"', ['43']],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"', ['42']],
    ['employeeNumber eq "701984"', ['42']],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "7"', ['42']],
    ['manager eq "7"', ['42']],
    ['id eq "42" and manager eq "7"', ['42']],
    ['id eq "42" and manager eq "8"', []],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "kim"', ['43']],
    ['externalId eq null', []],
    ['title eq null', ['43']],
  ];
  it.each(cases)('%s', (filter, ids) => {
    expect(matchingIds(filter)).toEqual(ids);
  });
});

describe('group filters', () => {
  const cases: Array<[filter: string, ids: string[]]> = [
    ['displayName eq "Tour Guides"', ['9']],
    ['DisplayName eq "tour guides"', ['9']],
    ['displayName eq "drivers"', ['10']],
    ['externalId eq "e5a1"', ['9']],
    ['id eq "10"', ['10']],
    ['members.value eq "43"', ['9']],
    ['members eq "42"', ['9']],
    ['members[value eq "42"]', ['9']],
    ['members pr', ['9']],
    ['not (members pr)', ['10']],
    ['urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "Drivers"', ['10']],
  ];
  it.each(cases)('%s', (filter, ids) => {
    expect(matchingIds(filter, 'Group')).toEqual(ids);
  });
});

describe('invalid filters are 400 invalidFilter', () => {
  const cases: Array<[filter: string, resourceType: ResourceTypeName]> = [
    ['nickName2 eq "x"', 'User'],
    ['password eq "secret"', 'User'],
    ['userName eq', 'User'],
    ['userName xx "a"', 'User'],
    ['userName eq "a" and', 'User'],
    ['(userName eq "a"', 'User'],
    ['emails[type eq "work"', 'User'],
    ['emails[foo eq "work"].value eq "x"', 'User'],
    ['userName[value eq "x"]', 'User'],
    ['active gt true', 'User'],
    ['active eq "maybe"', 'User'],
    ['meta.created gt "yesterday"', 'User'],
    ['name eq "x"', 'User'],
    ['userName co null', 'User'],
    ['emails[value eq "a"].bogus eq "x"', 'User'],
    ['manager eq "7"', 'Group'],
    ['userName eq "a"', 'Group'],
    ['', 'User'],
  ];
  it.each(cases)('%s (%s)', (filter, resourceType) => {
    const error = captureError(() => parseFilter(filter, resourceType));
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });

  it('refuses a filter longer than MAX_FILTER_LENGTH', () => {
    const error = captureError(() => parseFilter(`userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`, 'User'));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });

  it('validates an AST that did not come from parseFilter', () => {
    const error = captureError(() => compileFilter({ op: 'eq', attrPath: 'shoeSize', compValue: '9' }, 'User'));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });
});

describe('normalised AST', () => {
  it('uses canonical attribute names and keeps value paths correlated', () => {
    expect(parseFilter('EMAILS[TYPE eq "work"].VALUE eq "a@b.c"', 'User')).toEqual({
      op: '[]',
      attrPath: 'emails',
      valFilter: {
        op: 'and',
        filters: [
          { op: 'eq', attrPath: 'type', compValue: 'work' },
          { op: 'eq', attrPath: 'value', compValue: 'a@b.c' },
        ],
      },
    });
  });

  it('qualifies enterprise attributes and compares a complex manager through its value', () => {
    expect(parseFilter('manager eq "Y"', 'User')).toEqual({
      op: 'eq',
      attrPath: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
      compValue: 'Y',
    });
  });

  it('turns boolean strings and unquoted numbers into typed values', () => {
    expect(parseFilter('active eq "True"', 'User')).toEqual({ op: 'eq', attrPath: 'active', compValue: true });
    expect(parseFilter('externalId eq 00123', 'User')).toEqual({ op: 'eq', attrPath: 'externalId', compValue: '00123' });
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
