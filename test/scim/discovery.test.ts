import { describe, expect, it } from 'vitest';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  USER_SCHEMA,
  resourceTypes,
  schemasList,
  serviceProviderConfig,
  type AttributeDefinition,
} from '../../src/scim/index.js';

const BASE = 'https://scim.example.com/scim/v2';

/** Entra rejects nulls anywhere in discovery documents (idp-behaviour A2.1). */
function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null || value === undefined) return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => nullPaths(item, `${path}[${index}]`));
  if (typeof value === 'object') return Object.entries(value).flatMap(([key, child]) => nullPaths(child, `${path}.${key}`));
  return [];
}

function attributeNames(attributes: AttributeDefinition[]): string[] {
  return attributes.flatMap((a) => [a.name, ...(a.subAttributes ?? []).map((s) => `${a.name}.${s.name}`)]);
}

describe('serviceProviderConfig (RFC 7643 §5)', () => {
  const config = serviceProviderConfig(`${BASE}/`, { maxResults: 200 });

  it('advertises what the server supports', () => {
    expect(config).toMatchObject({
      schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: `${BASE}/ServiceProviderConfig` },
    });
  });

  it('advertises bulk with its limits when given them (RFC 7644 §3.7.4)', () => {
    expect(serviceProviderConfig(BASE, { maxResults: 200, bulk: { maxOperations: 10, maxPayloadSize: 4096 } }).bulk).toEqual({
      supported: true,
      maxOperations: 10,
      maxPayloadSize: 4096,
    });
  });

  it('has no nulls', () => {
    expect(nullPaths(JSON.parse(JSON.stringify(config)))).toEqual([]);
    expect(nullPaths(config)).toEqual([]);
  });
});

describe('resourceTypes (RFC 7643 §6)', () => {
  const types = resourceTypes(BASE);

  it('lists User with the enterprise extension first, then Group', () => {
    expect(types.map((t) => [t.id, t.endpoint, t.schema])).toEqual([
      ['User', '/Users', USER_SCHEMA],
      ['Group', '/Groups', GROUP_SCHEMA],
    ]);
    expect(types[0]?.schemaExtensions).toEqual([{ schema: ENTERPRISE_USER_SCHEMA, required: false }]);
    expect(types[0]).toMatchObject({ schemas: [RESOURCE_TYPE_SCHEMA], meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/User` } });
  });

  it('has no nulls', () => {
    expect(nullPaths(types)).toEqual([]);
  });
});

describe('schemasList (RFC 7643 §7, §8.7)', () => {
  const schemas = schemasList(BASE);
  const byId = (id: string) => schemas.find((s) => s.id === id);

  it('lists the User, Group and Enterprise User schemas with locations', () => {
    expect(schemas.map((s) => s.id)).toEqual([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA]);
    for (const schema of schemas) {
      expect(schema).toMatchObject({ schemas: [SCHEMA_SCHEMA], meta: { resourceType: 'Schema', location: `${BASE}/Schemas/${schema.id}` } });
    }
  });

  it('describes the full core User schema', () => {
    const names = attributeNames(byId(USER_SCHEMA)?.attributes ?? []);
    for (const name of [
      'userName', 'name.formatted', 'name.familyName', 'name.givenName', 'name.middleName', 'name.honorificPrefix',
      'name.honorificSuffix', 'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage',
      'locale', 'timezone', 'active', 'password', 'emails.value', 'emails.type', 'emails.primary', 'phoneNumbers.value',
      'ims.value', 'photos.value', 'addresses.streetAddress', 'addresses.postalCode', 'groups.value', 'groups.$ref',
      'entitlements.value', 'roles.value', 'x509Certificates.value',
    ]) {
      expect(names).toContain(name);
    }
    const attributes = byId(USER_SCHEMA)?.attributes ?? [];
    expect(attributes.find((a) => a.name === 'userName')).toMatchObject({ required: true, caseExact: false, uniqueness: 'server' });
    expect(attributes.find((a) => a.name === 'password')).toMatchObject({ returned: 'never', mutability: 'writeOnly' });
    expect(attributes.find((a) => a.name === 'groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
    expect(attributes.find((a) => a.name === 'active')).toMatchObject({ type: 'boolean' });
  });

  it('describes the Group and Enterprise User schemas', () => {
    expect(attributeNames(byId(GROUP_SCHEMA)?.attributes ?? [])).toEqual([
      'displayName', 'members', 'members.value', 'members.$ref', 'members.display', 'members.type',
    ]);
    expect(attributeNames(byId(ENTERPRISE_USER_SCHEMA)?.attributes ?? [])).toEqual([
      'employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager', 'manager.value', 'manager.$ref',
      'manager.displayName',
    ]);
  });

  it('uses camelCase property names, RFC 7643 §7 characteristics and no nulls', () => {
    expect(nullPaths(schemas)).toEqual([]);
    const visit = (attribute: AttributeDefinition) => {
      expect(Object.keys(attribute)).toEqual(expect.arrayContaining(['name', 'type', 'multiValued', 'description', 'required', 'mutability', 'returned', 'uniqueness']));
      if (attribute.type === 'string') expect(typeof attribute.caseExact).toBe('boolean');
      attribute.subAttributes?.forEach(visit);
    };
    schemas.forEach((schema) => schema.attributes.forEach(visit));
  });

  it('hands out copies, so a caller cannot change the definitions', () => {
    const first = schemasList(BASE);
    first[0]!.attributes.length = 0;
    expect(schemasList(BASE)[0]!.attributes.length).toBeGreaterThan(0);
  });
});
