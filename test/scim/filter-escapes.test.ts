/**
 * Filter values are JSON strings (RFC 7644 §3.4.2.2, RFC 8259 §7): every escape decodes to the
 * one character it stands for, and anything else in a string is 400 invalidFilter saying why.
 */
import { parse as libraryParse } from 'scim2-parse-filter';
import { describe, expect, it } from 'vitest';
import { ScimError, compileFilter, indexedLookup, parseFilter, type ResourceTypeName } from '../../src/scim/index.js';
import { errorOf } from './fixtures.js';

/** Each escape of RFC 8259 §7 inside a value, and the stored text it must match. */
const ESCAPES: Array<[escaped: string, decoded: string]> = [
  [String.raw`CORP\\jdoe`, 'CORP\\jdoe'],
  [String.raw`say \"hi\"`, 'say "hi"'],
  [String.raw`a\/b`, 'a/b'],
  [String.raw`bell\bx`, 'bell\bx'],
  [String.raw`feed\fx`, 'feed\fx'],
  [String.raw`line\nbreak`, 'line\nbreak'],
  [String.raw`carriage\rreturn`, 'carriage\rreturn'],
  [String.raw`tab\tname`, 'tab\tname'],
  [String.raw`Jos\u00e9`, 'José'],
  [String.raw`\u004A\u0061mf`, 'Jamf'],
  [String.raw`smile \ud83d\ude00`, 'smile 😀'],
  [String.raw`\\\\server\\share\\`, '\\\\server\\share\\'],
];

const valueOf = (filter: string, resourceType: ResourceTypeName = 'User'): unknown => {
  const ast = parseFilter(filter, resourceType);
  return ast.op === 'eq' ? ast.compValue : undefined;
};

describe('each JSON escape decodes to its character', () => {
  it.each(ESCAPES)('"%s"', (escaped, decoded) => {
    expect(valueOf(`userName eq "${escaped}"`)).toBe(decoded);
    expect(valueOf(`externalId eq "${escaped}"`)).toBe(decoded);
    expect(valueOf(`emails.value eq "${escaped}"`)).toBe(decoded);
    expect(valueOf(`displayName eq "${escaped}"`, 'Group')).toBe(decoded);
  });

  it.each(ESCAPES)('"%s" matches the stored value and nothing else', (escaped, decoded) => {
    const stored = { id: '1', userName: decoded, externalId: decoded, emails: [{ value: decoded, type: 'work' }] };
    const other = { id: '2', userName: escaped, externalId: escaped, emails: [{ value: escaped, type: 'work' }] };
    for (const filter of [`userName eq "${escaped}"`, `externalId eq "${escaped}"`, `emails[type eq "work" and value eq "${escaped}"]`]) {
      const predicate = compileFilter(parseFilter(filter, 'User'), 'User');
      expect([stored, other].filter((r) => predicate(r)).map((r) => r.id)).toEqual(['1']);
    }
    const group = compileFilter(parseFilter(`displayName eq "${escaped}"`, 'Group'), 'Group');
    expect(group({ id: '9', displayName: decoded })).toBe(true);
  });

  it('plans the Jamf lookup with the decoded value', () => {
    expect(indexedLookup(parseFilter(String.raw`userName eq "CORP\\jdoe"`, 'User'), 'User')).toEqual({ kind: 'userName', value: 'CORP\\jdoe' });
    expect(indexedLookup(parseFilter(String.raw`emails[value eq "tab\t@example.com"]`, 'User'), 'User')).toEqual({ kind: 'email', value: 'tab\t@example.com' });
    expect(indexedLookup(parseFilter(String.raw`displayName eq "Ops \u0026 IT"`, 'Group'), 'Group')).toEqual({ kind: 'displayName', value: 'Ops & IT' });
  });

  it('keeps a string that ends in an escaped backslash, followed by more filter', () => {
    expect(parseFilter(String.raw`userName eq "CORP\\" or userName eq "x"`, 'User')).toEqual({
      op: 'or',
      filters: [
        { op: 'eq', attrPath: 'userName', compValue: 'CORP\\' },
        { op: 'eq', attrPath: 'userName', compValue: 'x' },
      ],
    });
  });

  it('decodes strings inside a PATCH-style value filter the same way', () => {
    expect(parseFilter(String.raw`emails[value eq "a\"b"].type eq "w\u006Frk"`, 'User')).toMatchObject({
      op: '[]',
      valFilter: { op: 'and', filters: [{ compValue: 'a"b' }, { compValue: 'work' }] },
    });
  });
});

describe('scim2-parse-filter alone gets strings wrong (why its tokenizer is replaced)', () => {
  it('doubles the backslash of \\\\, keeps \\t as two characters and cannot read a trailing \\\\', () => {
    const value = (filter: string) => (libraryParse(filter) as { compValue?: unknown }).compValue;
    expect(value(String.raw`userName eq "CORP\\jdoe"`)).toBe('CORP\\\\jdoe');
    expect(value(String.raw`userName eq "a\tb"`)).toBe('a\\tb');
    expect(() => libraryParse(String.raw`userName eq "CORP\\"`)).toThrow();
  });
});

describe('what is not a JSON string is 400 invalidFilter, naming the problem', () => {
  const cases: Array<[filter: string, problem: RegExp]> = [
    [String.raw`userName eq "\q"`, /invalid escape "\\q" at character 13/],
    [String.raw`userName eq "CORP\jdoe"`, /invalid escape "\\j".*write a backslash as \\\\/],
    [String.raw`externalId eq "\x41"`, /invalid escape "\\x"/],
    [String.raw`emails.value eq "\'a@b.c"`, /invalid escape "\\'"/],
    [String.raw`userName eq "\u00e"`, /invalid escape "\\u00e".*four hex digits/],
    [String.raw`userName eq "\uZZZZ"`, /invalid escape "\\uZZZZ".*four hex digits/],
    ['userName eq "a\\', /lone backslash at character 14 ends the filter/],
    ['userName eq "CORP\\"', /no closing quote/],
    [String.raw`userName eq "open`, /the string at character 12 has no closing quote/],
    [String.raw`userName eq "\ud83d"`, /unpaired UTF-16 surrogate/],
    [String.raw`userName eq "\ude00\ud83d"`, /unpaired UTF-16 surrogate/],
    ['userName eq "tab\there"', /unescaped control character U\+0009 at character 16/],
    ['userName eq "line\nbreak"', /unescaped control character U\+000A/],
  ];
  it.each(cases)('%s', (filter, problem) => {
    const error = errorOf(() => parseFilter(filter, 'User'));
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    expect((error as ScimError).detail).toMatch(problem);
  });

  it('refuses a bad escape in a group filter too', () => {
    expect(errorOf(() => parseFilter(String.raw`displayName eq "Ops \& IT"`, 'Group'))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });
});
