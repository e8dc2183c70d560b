import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, nameProblem, ruleNodeAt, textProblem, textRuleFor, type TextRule } from '../../src/scim/text-rules.js';

describe('which attributes follow which text rule', () => {
  it.each([
    ['User', 'userName', 'identifier'],
    ['User', 'emails.value', 'identifier'],
    ['User', 'name.formatted', 'jamf'],
    ['User', 'name.givenName', 'jamf'],
    ['User', 'name.familyName', 'jamf'],
    ['User', 'displayName', 'jamf'],
    ['User', 'title', 'jamf'],
    ['User', 'phoneNumbers.value', 'jamf'],
    ['User', 'name.middleName', 'store'],
    ['User', 'emails.type', 'store'],
    ['User', 'nickName', 'store'],
    ['User', 'externalId', 'store'],
    ['User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', 'store'],
    ['Group', 'displayName', 'identifier'],
    ['Group', 'externalId', 'store'],
  ] as const)('%s %s: %s', (resourceType, path, rule) => {
    expect(textRuleFor(resourceType, path)).toBe(rule);
    expect(ruleNodeAt(resourceType, path).rule).toBe(rule);
  });
});

describe('textProblem', () => {
  const kept: Array<[label: string, value: string, rules: TextRule[]]> = [
    ['plain ASCII', 'Ada Lovelace', ['identifier', 'jamf', 'store']],
    ['markup and entities', '<b>R&amp;D</b> "x"', ['identifier', 'jamf', 'store']],
    ['accents, CJK and an emoji (a surrogate pair)', 'Zoë 山田 😀', ['identifier', 'jamf', 'store']],
    ['U+FFFD and the last code point', '\uFFFD\u{10FFFF}', ['identifier', 'jamf', 'store']],
    ['inner spaces', 'a  b', ['identifier', 'jamf', 'store']],
    ['TAB and LF', 'a\tb\nc', ['jamf', 'store']],
    ['surrounding spaces', ' a ', ['jamf', 'store']],
    ['C1 controls', 'a\u0085b', ['jamf', 'store']],
    ['CR, other C0 controls, U+FFFE and U+FFFF', 'a\r\n\u0001\u001f\uFFFE\uFFFF', ['store']],
  ];
  it.each(kept)('keeps %s', (_label, value, rules) => {
    for (const rule of rules) expect(textProblem(value, rule), rule).toBeUndefined();
  });

  const refused: Array<[label: string, value: string, rule: TextRule, problem: string]> = [
    ['NUL in store text', 'a\u0000', 'store', 'contains a character that cannot be stored (U+0000)'],
    ['a lone high surrogate', 'a\uD800b', 'store', 'contains an unpaired surrogate (U+D800), which is not Unicode text'],
    ['a lone low surrogate', '\uDC00', 'store', 'contains an unpaired surrogate (U+DC00), which is not Unicode text'],
    ['a high surrogate at the end', 'ok\uDBFF', 'jamf', 'contains an unpaired surrogate (U+DBFF), which is not Unicode text'],
    ['reversed surrogates', '\uDE00\uD83D', 'jamf', 'contains an unpaired surrogate (U+DE00), which is not Unicode text'],
    ['NUL in Jamf text', 'Ada\u0000', 'jamf', 'contains a character Jamf Pro cannot store (U+0000)'],
    ['ESC in Jamf text', '\u001b[31m', 'jamf', 'contains a character Jamf Pro cannot store (U+001B)'],
    ['U+FFFE in Jamf text', 'x\uFFFE', 'jamf', 'contains a character Jamf Pro cannot store (U+FFFE)'],
    ['U+FFFF in Jamf text', 'x\uFFFF', 'jamf', 'contains a character Jamf Pro cannot store (U+FFFF)'],
    ['CR in Jamf text', 'a\r\nb', 'jamf', 'contains a carriage return (U+000D), which Jamf Pro does not keep; use LF (U+000A) for line breaks'],
    ['TAB in an identifier', 'a\tb', 'identifier', 'must not contain control characters (U+0009)'],
    ['LF in an identifier', 'a\nb', 'identifier', 'must not contain control characters (U+000A)'],
    ['DEL in an identifier', 'a\u007f', 'identifier', 'must not contain control characters (U+007F)'],
    ['U+FFFE in an identifier', 'a\uFFFE', 'identifier', 'contains a character Jamf Pro cannot store (U+FFFE)'],
    ['a leading space in an identifier', ' a', 'identifier', 'must not begin or end with whitespace'],
    ['a trailing no-break space in an identifier', 'a\u00a0', 'identifier', 'must not begin or end with whitespace'],
    ['a leading ideographic space in an identifier', '\u3000a', 'identifier', 'must not begin or end with whitespace'],
  ];
  it.each(refused)('refuses %s', (_label, value, rule, problem) => {
    expect(textProblem(value, rule)).toBe(problem);
  });
});

describe('nameProblem (userName, group displayName)', () => {
  it.each([
    [undefined, 'is required'],
    [null, 'is required'],
    [123, 'must be a string'],
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['x'.repeat(MAX_NAME_LENGTH + 1), `must be at most ${MAX_NAME_LENGTH} characters`],
    [' pad.x ', 'must not begin or end with whitespace'],
  ])('%j: %s', (value, problem) => {
    expect(nameProblem(value)).toBe(problem);
  });

  it('counts characters, not UTF-16 units: 255 emoji fit', () => {
    expect(nameProblem('😀'.repeat(MAX_NAME_LENGTH))).toBeUndefined();
    expect(nameProblem('😀'.repeat(MAX_NAME_LENGTH + 1))).toBe(`must be at most ${MAX_NAME_LENGTH} characters`);
    expect(nameProblem('x'.repeat(MAX_NAME_LENGTH))).toBeUndefined();
  });
});
