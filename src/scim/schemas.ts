import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './urns.js';

/** RFC 7643 §7 attribute characteristics, as published by /Schemas. */
export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'binary'
  | 'complex';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact?: boolean;
  canonicalValues?: string[];
  referenceTypes?: string[];
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

type Options = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description' | 'subAttributes'>>;

// Defaults follow RFC 7643 §2.2: optional, single-valued, readWrite, returned by default,
// not unique, and case-insensitive for strings.
function attr(name: string, type: AttributeType, description: string, options: Options = {}): AttributeDefinition {
  const definition: AttributeDefinition = {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
  if (type === 'string' || type === 'reference' || type === 'binary') {
    definition.caseExact = options.caseExact ?? type === 'binary';
  }
  return definition;
}

function complex(
  name: string,
  description: string,
  subAttributes: AttributeDefinition[],
  options: Options = {},
): AttributeDefinition {
  return { ...attr(name, 'complex', description, options), subAttributes };
}

/** The value/display/type/primary shape RFC 7643 §2.4 gives most multi-valued attributes. */
function multiValued(
  name: string,
  description: string,
  valueDescription: string,
  canonicalTypes?: string[],
  valueType: AttributeType = 'string',
): AttributeDefinition {
  const type = attr('type', 'string', `A label indicating the attribute's function.`);
  if (canonicalTypes) type.canonicalValues = canonicalTypes;
  const value = attr('value', valueType, valueDescription);
  if (valueType === 'reference') value.referenceTypes = ['external'];
  return complex(
    name,
    description,
    [
      value,
      attr('display', 'string', 'A human-readable name, primarily used for display purposes.'),
      type,
      attr('primary', 'boolean', 'Whether this value is the preferred one. At most one value may be primary.'),
    ],
    { multiValued: true },
  );
}

const nameAttribute = complex("name", "The components of the user's real name.", [
  attr('formatted', 'string', 'The full name, formatted for display.'),
  attr('familyName', 'string', 'The family name of the User, or last name.'),
  attr('givenName', 'string', 'The given name of the User, or first name.'),
  attr('middleName', 'string', 'The middle name(s) of the User.'),
  attr('honorificPrefix', 'string', "The honorific prefix(es) of the User, or title (e.g. 'Ms.')."),
  attr('honorificSuffix', 'string', "The honorific suffix(es) of the User (e.g. 'III')."),
]);

const addressesAttribute = complex(
  'addresses',
  'A physical mailing address for this User.',
  [
    attr('formatted', 'string', 'The full mailing address, formatted for display.'),
    attr('streetAddress', 'string', 'The full street address component.'),
    attr('locality', 'string', 'The city or locality component.'),
    attr('region', 'string', 'The state or region component.'),
    attr('postalCode', 'string', 'The zip code or postal code component.'),
    attr('country', 'string', 'The country name component (ISO 3166-1 alpha-2).'),
    { ...attr('type', 'string', "A label indicating the attribute's function."), canonicalValues: ['work', 'home', 'other'] },
    attr('primary', 'boolean', 'Whether this is the preferred mailing address.'),
  ],
  { multiValued: true },
);

const userGroupsAttribute = complex(
  'groups',
  'The groups the user belongs to, directly or indirectly. Read-only: membership is changed through the Group resource.',
  [
    attr('value', 'string', 'The identifier of the Group.', { caseExact: true, mutability: 'readOnly' }),
    {
      ...attr('$ref', 'reference', 'The URI of the Group.', { mutability: 'readOnly' }),
      referenceTypes: ['Group'],
    },
    attr('display', 'string', 'A human-readable name of the Group.', { mutability: 'readOnly' }),
    {
      ...attr('type', 'string', 'Whether the membership is direct or indirect.', { mutability: 'readOnly' }),
      canonicalValues: ['direct', 'indirect'],
    },
  ],
  { multiValued: true, mutability: 'readOnly' },
);

/** RFC 7643 §4.1 and §8.7.1: the core User schema. */
export const USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', 'Unique identifier for the User, used to authenticate to the service provider.', {
      required: true,
      uniqueness: 'server',
    }),
    nameAttribute,
    attr('displayName', 'string', 'The name of the User, suitable for display to end-users.'),
    attr('nickName', 'string', 'The casual way to address the user.'),
    { ...attr('profileUrl', 'reference', "A fully qualified URL pointing to the User's online profile."), referenceTypes: ['external'] },
    attr('title', 'string', "The user's title, such as 'Vice President'."),
    attr('userType', 'string', 'The relationship between the organization and the user.'),
    attr('preferredLanguage', 'string', "The User's preferred written or spoken language (RFC 7231 Accept-Language)."),
    attr('locale', 'string', "The User's default location for localisation (e.g. 'en-US')."),
    attr('timezone', 'string', "The User's time zone in IANA Time Zone database format (e.g. 'America/Los_Angeles')."),
    attr('active', 'boolean', "The User's administrative status."),
    attr('password', 'string', "The User's cleartext password. Accepted and ignored; never returned.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValued('emails', 'Email addresses for the user.', 'Email address for the user.', ['work', 'home', 'other']),
    multiValued('phoneNumbers', 'Phone numbers for the User.', 'Phone number of the User.', [
      'work',
      'home',
      'mobile',
      'fax',
      'pager',
      'other',
    ]),
    multiValued('ims', 'Instant messaging addresses for the User.', 'Instant messaging address for the User.', [
      'aim',
      'gtalk',
      'icq',
      'xmpp',
      'msn',
      'skype',
      'qq',
      'yahoo',
    ]),
    multiValued('photos', 'URLs of photos of the User.', 'URL of a photo of the User.', ['photo', 'thumbnail'], 'reference'),
    addressesAttribute,
    userGroupsAttribute,
    multiValued('entitlements', 'A list of entitlements for the User.', 'The value of an entitlement.'),
    multiValued('roles', 'A list of roles for the User.', 'The value of a role.'),
    multiValued(
      'x509Certificates',
      'A list of certificates issued to the User.',
      'The value of an X.509 certificate.',
      undefined,
      'binary',
    ),
  ],
};

/** RFC 7643 §4.2 and §8.7.1: the core Group schema. */
export const GROUP_SCHEMA_DEFINITION: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    // Required and unique here although RFC 7643 leaves both open: a Jamf static user group
    // needs a name, and Entra's validator expects 409 for a duplicate (idp-behaviour A2.3).
    attr('displayName', 'string', 'A human-readable name for the Group.', { required: true, uniqueness: 'server' }),
    // A Jamf static user group holds users only: "User" is the one member type and reference
    // type, and `display` is the member's userName as the server holds it (RFC 7643 §4.2).
    // Member, group and manager values are SCIM ids, compared exactly like `id` (§3.1).
    complex(
      'members',
      'A list of members of the Group.',
      [
        attr('value', 'string', 'Identifier of the member of this Group.', { caseExact: true, mutability: 'immutable' }),
        {
          ...attr('$ref', 'reference', 'The URI of the member resource.', { mutability: 'immutable' }),
          referenceTypes: ['User'],
        },
        attr('display', 'string', "The member's userName.", { mutability: 'readOnly' }),
        {
          ...attr('type', 'string', 'The type of the member resource.', { mutability: 'immutable' }),
          canonicalValues: ['User'],
        },
      ],
      { multiValued: true },
    ),
  ],
};

/** RFC 7643 §4.3 and §8.7.2: the Enterprise User extension. */
export const ENTERPRISE_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string', 'Numeric or alphanumeric identifier assigned to a person by the organization.'),
    attr('costCenter', 'string', 'Identifies the name of a cost center.'),
    attr('organization', 'string', 'Identifies the name of an organization.'),
    attr('division', 'string', 'Identifies the name of a division.'),
    attr('department', 'string', 'Identifies the name of a department.'),
    // RFC 7643 §4.3 makes displayName read-only, for a server that looks the manager up. This
    // one does not (it would cost a Jamf read per user): it keeps what the client sent.
    complex("manager", "The User's manager.", [
      attr('value', 'string', 'The id of the SCIM resource representing the User\'s manager.', { caseExact: true }),
      { ...attr('$ref', 'reference', "The URI of the SCIM resource representing the User's manager."), referenceTypes: ['User'] },
      attr('displayName', 'string', "The displayName of the User's manager, as the client sent it."),
    ]),
  ],
};

/**
 * RFC 7643 §3.1 common attributes. They belong to every resource but are not listed in the
 * published schemas; the filter, patch and projection code still needs their characteristics.
 */
export const COMMON_ATTRIBUTES: AttributeDefinition[] = [
  attr('id', 'string', 'A unique identifier for the resource, issued by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attr('externalId', 'string', 'An identifier for the resource as defined by the provisioning client.', {
    caseExact: true,
  }),
  complex(
    'meta',
    'Resource metadata.',
    [
      attr('resourceType', 'string', 'The name of the resource type of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
      attr('created', 'dateTime', 'When the resource was added to the service provider.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last updated.', { mutability: 'readOnly' }),
      { ...attr('location', 'reference', 'The URI of the resource.', { mutability: 'readOnly' }), referenceTypes: ['uri'] },
      attr('version', 'string', 'The version (ETag) of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
];

export type ResourceTypeName = 'User' | 'Group';

/** The schemas making up a resource type: its core schema and its extensions (RFC 7643 §6). */
export interface ResourceSchemas {
  core: SchemaDefinition;
  extensions: SchemaDefinition[];
}

export const RESOURCE_SCHEMAS: Readonly<Record<ResourceTypeName, ResourceSchemas>> = {
  User: { core: USER_SCHEMA_DEFINITION, extensions: [ENTERPRISE_USER_SCHEMA_DEFINITION] },
  Group: { core: GROUP_SCHEMA_DEFINITION, extensions: [] },
};
