import type { ENTERPRISE_USER_SCHEMA } from './urns.js';

/** RFC 7643 §3.1 `meta`. */
export interface ScimMeta {
  resourceType?: string;
  created?: string;
  lastModified?: string;
  location?: string;
  version?: string;
}

/** RFC 7643 §2.4 multi-valued attribute element (emails, phoneNumbers, roles, …). */
export interface ScimMultiValue {
  value: string;
  display?: string;
  type?: string;
  primary?: boolean;
  [key: string]: unknown;
}

export interface ScimName {
  formatted?: string;
  familyName?: string;
  givenName?: string;
  middleName?: string;
  honorificPrefix?: string;
  honorificSuffix?: string;
  [key: string]: unknown;
}

/** RFC 7643 §4.3. `manager` is always stored and returned as an object (Entra needs it), with what the client sent of `$ref` and `displayName`. */
export interface EnterpriseUserExtension {
  employeeNumber?: string;
  costCenter?: string;
  organization?: string;
  division?: string;
  department?: string;
  manager?: { value: string; $ref?: string; displayName?: string };
  [key: string]: unknown;
}

/**
 * A SCIM User as the protocol layer hands it on: canonical attribute names, enterprise
 * attributes under their URN, and any other attribute the client sent, kept as sent.
 */
export interface ScimUser {
  schemas: string[];
  id?: string;
  externalId?: string;
  userName: string;
  name?: ScimName;
  displayName?: string;
  title?: string;
  active?: boolean;
  emails?: ScimMultiValue[];
  phoneNumbers?: ScimMultiValue[];
  meta?: ScimMeta;
  [ENTERPRISE_USER_SCHEMA]?: EnterpriseUserExtension;
  [key: string]: unknown;
}

export interface ScimGroupMember {
  value: string;
  display?: string;
  $ref?: string;
  type?: string;
  [key: string]: unknown;
}

export interface ScimGroup {
  schemas: string[];
  id?: string;
  externalId?: string;
  displayName: string;
  members?: ScimGroupMember[];
  meta?: ScimMeta;
  [key: string]: unknown;
}
