import { describe, expect, it } from 'vitest';
import { fillRoute, joinPath, normaliseBaseUrl, queryString } from '../../src/jamf/url.js';

describe('JAMF_URL normalisation', () => {
  it.each([
    ['https://acme.jamfcloud.com', 'https://acme.jamfcloud.com', ''],
    ['https://acme.jamfcloud.com/', 'https://acme.jamfcloud.com', ''],
    ['https://acme.jamfcloud.com///', 'https://acme.jamfcloud.com', ''],
    ['https://jamf.example.org:8443/', 'https://jamf.example.org:8443', ''],
    ['https://example.org/jamf/', 'https://example.org', '/jamf'],
    ['https://example.org//jamf//pro//', 'https://example.org', '/jamf/pro'],
    ['  http://127.0.0.1:9000  ', 'http://127.0.0.1:9000', ''],
  ])('%s', (raw, origin, prefix) => {
    expect(normaliseBaseUrl(raw)).toEqual({ origin, prefix });
  });

  it('never produces a double slash', () => {
    const base = normaliseBaseUrl('https://example.org/jamf/');
    expect(joinPath(base, '/JSSResource/users')).toBe('/jamf/JSSResource/users');
    expect(joinPath(normaliseBaseUrl('https://example.org/'), '/JSSResource/users')).toBe('/JSSResource/users');
  });

  it('rejects what cannot be a Jamf base URL', () => {
    expect(() => normaliseBaseUrl('not a url')).toThrow(/JAMF_URL/);
    expect(() => normaliseBaseUrl('ftp://example.org')).toThrow(/http/);
    expect(() => normaliseBaseUrl('https://u:p@example.org')).toThrow(/credentials/);
    expect(() => normaliseBaseUrl('https://example.org/?x=1')).toThrow(/query/);
  });
});

describe('path encoding', () => {
  it('percent-encodes segments, + as %2B (§7.2)', () => {
    expect(fillRoute('/JSSResource/users/name/:name', { name: 'a+b c/d?é' })).toBe('/JSSResource/users/name/a%2Bb%20c%2Fd%3F%C3%A9');
    expect(fillRoute('/JSSResource/users/email/:email', { email: 'first+tag@example.com' })).toBe(
      '/JSSResource/users/email/first%2Btag%40example.com',
    );
    expect(fillRoute('/JSSResource/users/id/:id', { id: 42 })).toBe('/JSSResource/users/id/42');
  });

  it('fails loudly on a missing parameter', () => {
    expect(() => fillRoute('/JSSResource/users/id/:id')).toThrow(/id/);
  });

  it('builds query strings with encoded values', () => {
    expect(queryString({ page: 0, 'page-size': 100, sort: 'id:asc', filter: 'username=="a+b c"' })).toBe(
      '?page=0&page-size=100&sort=id%3Aasc&filter=username%3D%3D%22a%2Bb%20c%22',
    );
    expect(queryString({ filter: undefined })).toBe('');
  });
});
