import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOKEN, startTestServer, type TestServer } from '../helper.js';
import { SCIM_CONTENT_TYPE, USER_SCHEMA, createUser, expectScimError, jamfUserByName, oktaCreateBody, snapshot } from './users-support.js';

let t: TestServer;
let id: string;
beforeEach(async () => {
  t = await startTestServer();
  id = await createUser(t, oktaCreateBody('ada@example.com'));
  t.resetCalls();
});
afterEach(async () => {
  await t.close();
});

const send = (method: InjectOptions['method'], url: string, headers: Record<string, string>, payload?: string) =>
  t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

describe('authentication', () => {
  const endpoints: Array<[InjectOptions['method'], string]> = [
    ['GET', '/scim/v2/Users'],
    ['GET', '/scim/v2/Users/1'],
    ['POST', '/scim/v2/Users'],
    ['PUT', '/scim/v2/Users/1'],
    ['PATCH', '/scim/v2/Users/1'],
    ['DELETE', '/scim/v2/Users/1'],
    ['GET', '/scim/v2/Groups'],
    ['GET', '/scim/v2/ServiceProviderConfig'],
    ['GET', '/scim/v2/Schemas'],
    ['GET', '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User'],
    ['GET', '/scim/v2/ResourceTypes'],
    ['GET', '/scim/v2/ResourceTypes/User'],
  ];

  it('refuses every endpoint, discovery included, without a token: 401 with a SCIM error body, nothing reaches Jamf', async () => {
    const before = snapshot(t);
    for (const [method, url] of endpoints) {
      const res = await send(method, url, { 'content-type': 'application/scim+json' }, JSON.stringify(oktaCreateBody('mallory')));
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expectScimError(res, 401);
    }
    expect(t.jamfCalls()).toBe(0);
    expect(snapshot(t)).toBe(before);
  });

  it('refuses a wrong, truncated, empty or basic credential with 401 and does not echo it', async () => {
    const refused: Array<[string, string]> = [
      ['a wrong token', `Bearer ${TOKEN}x`],
      ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
      ['an empty bearer', 'Bearer '],
      ['basic credentials', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`],
    ];
    for (const [label, authorization] of refused) {
      const res = await send('GET', '/scim/v2/Users', { authorization });
      expect(res.statusCode, label).toBe(401);
      expectScimError(res, 401);
      expect(res.body, label).not.toContain(TOKEN.slice(4, 20));
    }
  });

  it('accepts the token as Bearer in any case, with extra spaces, or bare (some Okta templates, Entra guides)', async () => {
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer   ${TOKEN} `, TOKEN]) {
      const res = await send('GET', `/scim/v2/Users/${id}`, { authorization });
      expect(res.statusCode, authorization).toBe(200);
    }
  });
});

describe('content types', () => {
  it('reads bodies sent as application/scim+json or application/json, with or without charset', async () => {
    const types = ['application/scim+json', 'application/scim+json; charset=utf-8', 'application/json', 'application/json;charset=UTF-8'];
    for (const [i, contentType] of types.entries()) {
      const userName = `user${i}@example.com`;
      const res = await send('POST', '/scim/v2/Users', { authorization: `Bearer ${TOKEN}`, 'content-type': contentType }, JSON.stringify(oktaCreateBody(userName)));
      expect(res.statusCode, `${contentType}: ${res.body}`).toBe(201);
      expect(jamfUserByName(t, userName), contentType).toBeDefined();
    }
  });

  it('never refuses a request for its Accept header', async () => {
    for (const accept of ['text/html', 'application/xml', '*/*']) {
      const res = await send('GET', `/scim/v2/Users/${id}`, { authorization: `Bearer ${TOKEN}`, accept });
      expect(res.statusCode, accept).toBe(200);
      expect(res.headers['content-type']).toBe(SCIM_CONTENT_TYPE);
    }
  });

  it('answers every status with application/scim+json; charset=utf-8', async () => {
    const responses = [
      await t.scim('GET', '/scim/v2/Users'),
      await t.scim('GET', `/scim/v2/Users/${id}`),
      await t.scim('POST', '/scim/v2/Users', oktaCreateBody('grace@example.com')),
      await t.scim('POST', '/scim/v2/Users', oktaCreateBody('grace@example.com')),
      await t.scim('GET', '/scim/v2/Users/424242'),
      await t.scim('GET', '/scim/v2/Users?filter=bogus'),
      await send('GET', '/scim/v2/Users', {}),
      await t.scim('GET', '/scim/v2/ServiceProviderConfig'),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 201, 409, 404, 400, 401, 200]);
    for (const res of responses) expect(res.headers['content-type']).toBe(SCIM_CONTENT_TYPE);
  });
});

describe('errors', () => {
  it('answers a body that is not a JSON object with 400 invalidSyntax and creates nothing', async () => {
    const before = snapshot(t);
    const payloads: Array<[string, string]> = [
      ['malformed JSON', '{"userName": "grace", '],
      ['a JSON array', '[{"userName": "grace"}]'],
      ['a JSON string', '"grace"'],
      ['JSON null', 'null'],
      ['a prototype-poisoning key', '{"userName": "grace", "__proto__": {"admin": true}}'],
      ['a constructor.prototype key', '{"userName": "grace", "constructor": {"prototype": {"admin": true}}}'],
    ];
    for (const [label, payload] of payloads) {
      for (const [method, url] of [['POST', '/scim/v2/Users'], ['PUT', `/scim/v2/Users/${id}`], ['PATCH', `/scim/v2/Users/${id}`]] as const) {
        const res = await send(method, url, { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' }, payload);
        expect([res.statusCode, res.json().scimType], `${method} ${label}`).toEqual([400, 'invalidSyntax']);
        expectScimError(res, 400, 'invalidSyntax');
      }
    }
    expect(t.jamfCalls()).toBe(0);
    expect(snapshot(t)).toBe(before);
  });

  it('answers a body over 1 MiB with 413 and creates nothing', async () => {
    const body = { schemas: [USER_SCHEMA], userName: 'grace', nickName: 'x'.repeat(1024 * 1024) };
    const res = await t.scim('POST', '/scim/v2/Users', body);
    expectScimError(res, 413);
    expect(t.jamfCalls()).toBe(0);
  });

  it('answers an unknown endpoint or method with a SCIM 404', async () => {
    expectScimError(await t.scim('GET', '/scim/v2/Devices'), 404);
    expectScimError(await t.scim('DELETE', '/scim/v2/Users'), 404);
    expectScimError(await t.scim('GET', '/scim/v2/Users/1/extra'), 404);
  });

  it('reports Jamf refusing the server\'s own API client as 502, never as a 401 the IdP would blame on its token', async () => {
    t.sim.setKnobs({ privileges: [] });
    const res = await t.scim('GET', `/scim/v2/Users/${id}`);
    expectScimError(res, 502);
    expect(res.json().detail).toMatch(/API client/);
  });
});

describe('routing', () => {
  it('serves paths in any case and with a trailing slash', async () => {
    const urls = [
      '/scim/v2/users',
      `/scim/v2/USERS/${id}`,
      '/scim/v2/Users/',
      '/scim/v2/Users/?filter=userName%20eq%20%22ada%40example.com%22',
      `/scim/v2/Users/${id}/`,
      '/scim/v2/serviceproviderconfig',
    ];
    for (const url of urls) {
      const res = await t.scim('GET', url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
    const filtered = (await t.scim('GET', urls[3] as string)).json();
    expect(filtered.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
  });

  it('builds Location and meta.location from the public base URL when one is configured', async () => {
    await t.close();
    t = await startTestServer({}, { publicBaseUrl: 'https://scim.example.com' });
    const res = await t.scim('POST', '/scim/v2/Users', oktaCreateBody('grace@example.com'));
    expect(res.headers.location).toBe(`https://scim.example.com/scim/v2/Users/${res.json().id}`);
    expect(res.json().meta.location).toBe(res.headers.location);
  });
});
