import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOKEN, startTestServer, type TestServer } from '../helper.js';
import { expectScimError, jamfUserByName, oktaCreateBody, snapshot } from './users-support.js';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  await t.close();
});

const post = (contentType: string, payload: Buffer, url = '/scim/v2/Users') =>
  t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType }, payload });

/** An Okta create body for `userName`, as JSON text. */
const bodyText = (userName: string) => JSON.stringify(oktaCreateBody(userName));

const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();

describe('request body charsets', () => {
  it('stores a name sent in ISO-8859-1 exactly when the body declares that charset', async () => {
    const res = await post('application/scim+json; charset=iso-8859-1', Buffer.from(bodyText('latéin'), 'latin1'));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().userName).toBe('latéin');
    expect(jamfUserByName(t, 'latéin')?.name).toBe('latéin');
    expect(jamfUserByName(t, 'lat\ufffdin')).toBeUndefined();
  });

  it('reads UTF-8 by default and when declared in any case or quoted, with or without a byte order mark', async () => {
    const cases: Array<[string, Buffer]> = [
      ['application/scim+json', Buffer.from(bodyText('zoë'), 'utf8')],
      ['application/json; charset="UTF-8"', Buffer.from(bodyText('renée'), 'utf8')],
      ['application/scim+json;charset=utf8', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(bodyText('jürgen'), 'utf8')])],
    ];
    for (const [contentType, payload] of cases) {
      const res = await post(contentType, payload);
      expect(res.statusCode, `${contentType}: ${res.body}`).toBe(201);
    }
    expect(['zoë', 'renée', 'jürgen'].map((n) => jamfUserByName(t, n)?.name)).toEqual(['zoë', 'renée', 'jürgen']);
  });

  it('reads US-ASCII and UTF-16 bodies that declare them', async () => {
    const cases: Array<[string, Buffer, string]> = [
      ['application/scim+json; charset=us-ascii', Buffer.from(bodyText('plain.ascii'), 'latin1'), 'plain.ascii'],
      ['application/scim+json; charset=utf-16le', Buffer.from(bodyText('łukasz'), 'utf16le'), 'łukasz'],
      ['application/scim+json; charset=utf-16be', utf16be(bodyText('søren')), 'søren'],
      // No byte order: the BOM says, else big-endian (RFC 2781 §4.3).
      ['application/scim+json; charset=utf-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bodyText('ñandú'), 'utf16le')]), 'ñandú'],
      ['application/scim+json; charset=utf-16', utf16be(bodyText('örjan')), 'örjan'],
    ];
    for (const [contentType, payload, name] of cases) {
      const res = await post(contentType, payload);
      expect(res.statusCode, `${contentType}: ${res.body}`).toBe(201);
      expect(jamfUserByName(t, name)?.name, contentType).toBe(name);
    }
  });

  it('refuses bytes that are not valid UTF-8 with 400 invalidSyntax and creates nothing', async () => {
    const before = snapshot(t);
    const latin1Bytes = Buffer.from(bodyText('latéin'), 'latin1');
    const truncated = Buffer.concat([Buffer.from(bodyText('x').slice(0, -2), 'utf8'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]);
    for (const [contentType, payload] of [
      ['application/scim+json', latin1Bytes],
      ['application/scim+json; charset=utf-8', latin1Bytes],
      ['application/json', truncated],
    ] as const) {
      const res = await post(contentType, payload);
      expectScimError(res, 400, 'invalidSyntax');
      expect(res.json().detail).toBe('Request body is not valid UTF-8');
    }
    expect(t.jamfCalls()).toBe(0);
    expect(snapshot(t)).toBe(before);
  });

  it('refuses a US-ASCII body with a byte above 0x7F, and UTF-16 with a lone surrogate', async () => {
    const before = snapshot(t);
    const ascii = await post('application/scim+json; charset=us-ascii', Buffer.from(bodyText('latéin'), 'latin1'));
    expectScimError(ascii, 400, 'invalidSyntax');
    expect(ascii.json().detail).toMatch(/not valid US-ASCII/);
    const lone = Buffer.concat([Buffer.from('{"userName":"', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('"}', 'utf16le')]);
    expectScimError(await post('application/scim+json; charset=utf-16le', lone), 400, 'invalidSyntax');
    expect(snapshot(t)).toBe(before);
  });

  it('answers a charset it cannot decode exactly with 415 naming it, and creates nothing', async () => {
    const before = snapshot(t);
    for (const charset of ['shift_jis', 'windows-1251', 'constructor', 'x-unknown']) {
      const res = await post(`application/scim+json; charset=${charset}`, Buffer.from(bodyText('someone'), 'latin1'));
      expectScimError(res, 415);
      expect(res.json().detail).toBe(`Request body charset "${charset}" is not supported; send UTF-8 (RFC 8259 §8.1)`);
    }
    expect(t.jamfCalls()).toBe(0);
    expect(snapshot(t)).toBe(before);
  });

  it('applies the charset to group bodies and PATCH requests too', async () => {
    const group = await post('application/scim+json; charset=latin1', Buffer.from(JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Équipe' }), 'latin1'), '/scim/v2/Groups');
    expect(group.statusCode, group.body).toBe(201);
    expect(group.json().displayName).toBe('Équipe');
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/scim/v2/Groups/${group.json().id}`,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json; charset=gb2312' },
      payload: Buffer.from(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] })),
    });
    expectScimError(patch, 415);
  });

  it('still refuses prototype-poisoning keys in a body of any charset', async () => {
    const res = await post('application/scim+json; charset=iso-8859-1', Buffer.from('{"userName":"x","__proto__":{"admin":true}}', 'latin1'));
    expectScimError(res, 400, 'invalidSyntax');
    expect(t.jamfCalls()).toBe(0);
  });

  it('treats an empty body as no body whatever charset it declares', async () => {
    const created = await post('application/scim+json', Buffer.from(bodyText('to.delete'), 'utf8'));
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/scim/v2/Users/${created.json().id}`,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json; charset=shift_jis' },
    });
    expect(res.statusCode).toBe(204);
  });
});
