import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { ENTERPRISE, LIST_RESPONSE, USER_SCHEMA, expectScimError } from './users-support.js';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const BASE = 'https://scim.example.com/scim/v2';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer({}, { maxPageSize: 250, publicBaseUrl: 'https://scim.example.com' });
});
afterEach(async () => {
  const jamfCalls = t.jamfCalls();
  await t.close();
  // Discovery is served from the protocol layer alone: not one Jamf call.
  expect(jamfCalls).toBe(0);
});

async function get(url: string) {
  const res = await t.scim('GET', url);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
  // Entra rejects nulls in discovery documents (idp-behaviour A2.1).
  expect(res.body).not.toMatch(/:\s*null/);
  return res.json();
}

describe('/ServiceProviderConfig', () => {
  it('offers PATCH, bulk, filtering up to the page maximum, sorting and ETags; no password change; bearer tokens', async () => {
    expect(await get('/scim/v2/ServiceProviderConfig')).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 100, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 250 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: `${BASE}/ServiceProviderConfig` },
    });
  });
});

describe('/ResourceTypes', () => {
  it('lists User first (with the enterprise extension), then Group', async () => {
    const body = await get('/scim/v2/ResourceTypes');
    expect(body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 2, startIndex: 1, itemsPerPage: 2 });
    expect(body.Resources).toMatchObject([
      {
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        schema: USER_SCHEMA,
        schemaExtensions: [{ schema: ENTERPRISE, required: false }],
        meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/User` },
      },
      { id: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA },
    ]);
  });

  it('serves each resource type by id, case-insensitively, and 404 for others', async () => {
    expect((await get('/scim/v2/ResourceTypes/User')).endpoint).toBe('/Users');
    expect((await get('/scim/v2/ResourceTypes/group')).endpoint).toBe('/Groups');
    expectScimError(await t.scim('GET', '/scim/v2/ResourceTypes/Device'), 404);
  });
});

describe('/Schemas', () => {
  it('lists the User, Group and enterprise User schemas with their attribute definitions', async () => {
    const body = await get('/scim/v2/Schemas');
    expect(body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 3, itemsPerPage: 3 });
    expect(body.Resources.map((s: { id: string }) => s.id)).toEqual([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE]);

    const user = body.Resources[0];
    expect(user).toMatchObject({ name: 'User', meta: { resourceType: 'Schema', location: `${BASE}/Schemas/${USER_SCHEMA}` } });
    const attr = (name: string) => user.attributes.find((a: { name: string }) => a.name === name);
    // What the server enforces: userName required and unique case-insensitively (design.md §3).
    expect(attr('userName')).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server' });
    expect(attr('password')).toMatchObject({ returned: 'never' });
    expect(attr('groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
    expect(attr('emails').subAttributes.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['value', 'type', 'primary']));
    const enterprise = body.Resources[2];
    expect(enterprise.attributes.find((a: { name: string }) => a.name === 'manager')).toMatchObject({ type: 'complex' });
  });

  it('serves each schema by its URN, and 404 for others', async () => {
    expect((await get(`/scim/v2/Schemas/${USER_SCHEMA}`)).id).toBe(USER_SCHEMA);
    expect((await get(`/scim/v2/Schemas/${ENTERPRISE}`)).name).toBe('EnterpriseUser');
    expectScimError(await t.scim('GET', '/scim/v2/Schemas/urn:example:unknown'), 404);
  });
});
