import { ENTERPRISE_USER_SCHEMA_DEFINITION, GROUP_SCHEMA_DEFINITION, USER_SCHEMA_DEFINITION } from './schemas.js';
import type { AttributeDefinition, SchemaDefinition } from './schemas.js';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  USER_SCHEMA,
} from './urns.js';

// Every document here is built without nulls or undefined members: Entra rejects nulls in
// discovery responses (idp-behaviour A2.1).

export interface DiscoveryMeta {
  resourceType: string;
  location: string;
}

export interface ServiceProviderConfig {
  schemas: [typeof SERVICE_PROVIDER_CONFIG_SCHEMA];
  patch: { supported: boolean };
  bulk: { supported: boolean; maxOperations: number; maxPayloadSize: number };
  filter: { supported: boolean; maxResults: number };
  changePassword: { supported: boolean };
  sort: { supported: boolean };
  etag: { supported: boolean };
  authenticationSchemes: Array<{
    type: string;
    name: string;
    description: string;
    specUri: string;
    primary: boolean;
  }>;
  meta: DiscoveryMeta;
}

export interface ResourceTypeDocument {
  schemas: [typeof RESOURCE_TYPE_SCHEMA];
  id: string;
  name: string;
  endpoint: string;
  description: string;
  schema: string;
  schemaExtensions: Array<{ schema: string; required: boolean }>;
  meta: DiscoveryMeta;
}

export interface SchemaDocument {
  schemas: [typeof SCHEMA_SCHEMA];
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
  meta: DiscoveryMeta;
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/**
 * RFC 7643 §5. What this server offers: PATCH and filtering (up to `maxResults` per page);
 * bulk within the given limits (RFC 7644 §3.7.4) when `bulk` is given; sorting (§3.4.2.3);
 * no password changes; a bearer token for authentication.
 */
export function serviceProviderConfig(
  baseUrl: string,
  options: { maxResults: number; oauthTokenUrl?: string; bulk?: { maxOperations: number; maxPayloadSize: number } },
): ServiceProviderConfig {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: options.bulk
      ? { supported: true, maxOperations: options.bulk.maxOperations, maxPayloadSize: options.bulk.maxPayloadSize }
      : { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: options.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    // Weak ETags on every User and Group (RFC 7644 §3.14; src/scim/etag.ts).
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication scheme using the OAuth Bearer Token Standard',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
      // RFC 7643 §5 names `oauth2`: where the bearer token can also be had from this server's
      // client-credentials token endpoint (RFC 6749 §4.4), as Entra's gallery apps expect.
      ...(options.oauthTokenUrl === undefined
        ? []
        : [
            {
              type: 'oauth2',
              name: 'OAuth 2.0 client credentials',
              description: `Bearer tokens issued by ${options.oauthTokenUrl} for the client credentials grant`,
              specUri: 'https://www.rfc-editor.org/info/rfc6749',
              primary: false,
            },
          ]),
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${trimBase(baseUrl)}/ServiceProviderConfig` },
  };
}

/** RFC 7643 §6: User (with the enterprise extension) first, then Group. */
export function resourceTypes(baseUrl: string): ResourceTypeDocument[] {
  const base = trimBase(baseUrl);
  return [
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Group',
      schema: GROUP_SCHEMA,
      schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
    },
  ];
}

/**
 * RFC 7643 §7 and §8.7: the User, Group and Enterprise User schemas. Entra's gallery
 * validator requires the Group schema to be listed (idp-behaviour A2.5).
 */
export function schemasList(baseUrl: string): SchemaDocument[] {
  const base = trimBase(baseUrl);
  return [USER_SCHEMA_DEFINITION, GROUP_SCHEMA_DEFINITION, ENTERPRISE_USER_SCHEMA_DEFINITION].map(
    (schema: SchemaDefinition): SchemaDocument => ({
      schemas: [SCHEMA_SCHEMA],
      id: schema.id,
      name: schema.name,
      description: schema.description,
      attributes: structuredClone(schema.attributes),
      meta: { resourceType: 'Schema', location: `${base}/Schemas/${schema.id}` },
    }),
  );
}
