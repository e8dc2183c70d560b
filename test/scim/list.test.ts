import { describe, expect, it } from 'vitest';
import { LIST_RESPONSE_SCHEMA, ScimError, listResponse, parseListQuery } from '../../src/scim/index.js';

const options = { maxCount: 200, defaultCount: 100 };

describe('parseListQuery (RFC 7644 §3.4.2.4)', () => {
  const cases: Array<[name: string, query: Record<string, unknown>, expected: object]> = [
    ['defaults', {}, { startIndex: 1, count: 100 }],
    ['Okta import paging', { startIndex: '101', count: '100' }, { startIndex: 101, count: 100 }],
    ['startIndex below 1 means 1', { startIndex: '0', count: '5' }, { startIndex: 1, count: 5 }],
    ['negative startIndex', { startIndex: '-4' }, { startIndex: 1, count: 100 }],
    ['negative count means 0', { count: '-1' }, { startIndex: 1, count: 0 }],
    ['count 0 asks only for totalResults', { count: '0' }, { startIndex: 1, count: 0 }],
    ['count above the maximum is lowered', { count: '5000' }, { startIndex: 1, count: 200 }],
    ['parameter names in any case', { STARTINDEX: '3', Count: '2', FILTER: 'userName eq "x"' }, { startIndex: 3, count: 2, filter: 'userName eq "x"' }],
    ['empty values are defaults', { startIndex: '', count: ' ', filter: '  ' }, { startIndex: 1, count: 100 }],
    ['repeated parameter: first value', { count: ['5', '7'] }, { startIndex: 1, count: 5 }],
    ['numbers from a parsed query string', { count: 10, startIndex: 2 }, { startIndex: 2, count: 10 }],
    [
      'attributes and excludedAttributes',
      { attributes: 'userName, name.givenName,,', excludedAttributes: 'members' },
      { startIndex: 1, count: 100, attributes: ['userName', 'name.givenName'], excludedAttributes: ['members'] },
    ],
    [
      'sortBy and sortOrder are passed on, case-insensitive names',
      { SortBy: ' userName ', sortorder: 'descending' },
      { startIndex: 1, count: 100, sortBy: 'userName', sortOrder: 'descending' },
    ],
    ['an empty sortBy is none', { sortBy: ' ', sortOrder: '' }, { startIndex: 1, count: 100 }],
  ];
  it.each(cases)('%s', (_name, query, expected) => {
    expect(parseListQuery(query, options)).toEqual(expected);
  });

  const invalid: Array<[name: string, query: Record<string, unknown>]> = [
    ['decimal count', { count: '1.5' }],
    ['word count', { count: 'ten' }],
    ['decimal startIndex', { startIndex: '2.0' }],
    ['startIndex with garbage', { startIndex: '1abc' }],
  ];
  it.each(invalid)('%s is 400 invalidValue', (_name, query) => {
    expect(() => parseListQuery(query, options)).toThrow(ScimError);
    try {
      parseListQuery(query, options);
    } catch (error) {
      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    }
  });
});

describe('listResponse', () => {
  it('always carries Resources and integer counts', () => {
    expect(listResponse([], { totalResults: 0, startIndex: 1 })).toEqual({
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('echoes startIndex and counts the page', () => {
    const page = listResponse([{ id: '6' }, { id: '7' }], { totalResults: 12, startIndex: 6 });
    expect(page).toMatchObject({ totalResults: 12, startIndex: 6, itemsPerPage: 2 });
    expect(page.Resources.map((r) => r.id)).toEqual(['6', '7']);
    expect(Number.isInteger(page.totalResults)).toBe(true);
  });

  it('defaults totalResults to the page size and startIndex to 1', () => {
    expect(listResponse([{ id: '1' }])).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
  });
});
