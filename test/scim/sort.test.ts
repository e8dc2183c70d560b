import { describe, expect, it } from 'vitest';
import { parseListQuery } from '../../src/scim/list.js';
import { SEARCH_REQUEST_SCHEMA, parseSearchRequest } from '../../src/scim/search-request.js';
import { compareIds, resolveSort, sortResources } from '../../src/scim/sort.js';

const options = { maxCount: 200, defaultCount: 100 };

const bad = (fn: () => unknown, scimType: string) => {
  try {
    fn();
  } catch (err) {
    expect(err).toMatchObject({ status: 400, scimType });
    return (err as Error).message;
  }
  throw new Error('expected a 400');
};

describe('resolveSort', () => {
  it('is undefined without sortBy, ascending by default, and reads names without case or with the core URN', () => {
    expect(resolveSort({}, ['User'])).toBeUndefined();
    expect(resolveSort({ sortOrder: 'nonsense' }, ['User'])).toBeUndefined();
    expect(resolveSort({ sortBy: 'USERNAME' }, ['User'])).toEqual({ attribute: 'userName', descending: false });
    expect(resolveSort({ sortBy: 'meta.lastmodified', sortOrder: 'Descending' }, ['Group'])).toEqual({
      attribute: 'meta.lastModified',
      descending: true,
    });
    expect(resolveSort({ sortBy: 'urn:ietf:params:scim:schemas:core:2.0:User:displayName' }, ['User'])).toEqual({
      attribute: 'displayName',
      descending: false,
    });
  });

  it('refuses an attribute it cannot sort by, naming it, and a sortOrder other than ascending/descending', () => {
    expect(bad(() => resolveSort({ sortBy: 'title' }, ['User']), 'invalidValue')).toContain('"title"');
    expect(bad(() => resolveSort({ sortBy: 'userName' }, ['Group']), 'invalidValue')).toContain('"userName"');
    bad(() => resolveSort({ sortBy: 'id', sortOrder: 'up' }, ['User']), 'invalidValue');
  });
});

describe('sortResources', () => {
  const r = (id: string, displayName?: string) => (displayName === undefined ? { id } : { id, displayName });

  it('compares names without case, puts resources without a value last ascending and first descending, and breaks ties by id', () => {
    const list = [r('3', 'bob'), r('10', 'Ada'), r('2'), r('1', 'ada'), r('4', 'Émile'), r('5', 'ezra')];
    const asc = sortResources(list, { attribute: 'displayName', descending: false }).map((x) => x.id);
    expect(asc).toEqual(['1', '10', '3', '4', '5', '2']);
    const desc = sortResources(list, { attribute: 'displayName', descending: true }).map((x) => x.id);
    expect(desc).toEqual(['2', '5', '4', '3', '1', '10']);
  });

  it('orders numeric ids as numbers, before the UUIDs', () => {
    expect(['b-uuid', '10', '9', 'a-uuid'].sort(compareIds)).toEqual(['9', '10', 'a-uuid', 'b-uuid']);
  });
});

describe('parseSearchRequest', () => {
  it('reads the same parameters as the query string of a GET', () => {
    const body = {
      schemas: [SEARCH_REQUEST_SCHEMA],
      filter: 'userName sw "a"',
      attributes: ['userName', 'name.givenName'],
      excludedAttributes: ['groups'],
      sortBy: 'userName',
      sortOrder: 'descending',
      startIndex: 0,
      count: 500,
    };
    const get = parseListQuery(
      {
        filter: 'userName sw "a"',
        attributes: 'userName,name.givenName',
        excludedAttributes: 'groups',
        sortBy: 'userName',
        sortOrder: 'descending',
        startIndex: '0',
        count: '500',
      },
      options,
    );
    expect(parseSearchRequest(body, options)).toEqual(get);
    expect(get).toMatchObject({ startIndex: 1, count: 200 });
  });

  it('refuses a body that is not a SearchRequest (invalidSyntax) or has a member of the wrong type (invalidValue)', () => {
    bad(() => parseSearchRequest('filter', options), 'invalidSyntax');
    bad(() => parseSearchRequest({ filter: 'userName pr' }, options), 'invalidSyntax');
    bad(() => parseSearchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'] }, options), 'invalidSyntax');
    const wrong: Array<[string, unknown]> = [
      ['filter', 5],
      ['sortBy', ['userName']],
      ['sortOrder', true],
      ['startIndex', '2'],
      ['count', 1.5],
      ['attributes', 'userName'],
      ['excludedAttributes', [1]],
    ];
    for (const [name, value] of wrong) {
      expect(bad(() => parseSearchRequest({ schemas: [SEARCH_REQUEST_SCHEMA], [name]: value }, options), 'invalidValue')).toContain(name);
    }
  });
});
