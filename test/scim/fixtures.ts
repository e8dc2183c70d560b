import { ENTERPRISE_USER_SCHEMA, ScimError, USER_SCHEMA, type ScimGroup, type ScimUser } from '../../src/scim/index.js';

/** A stored user as the provisioning layer would hand it to the protocol layer. */
export function barbara(): ScimUser {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    id: '42',
    externalId: '00u1abcd',
    userName: 'Barbara.Jensen@example.com',
    name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Barbara Jensen' },
    displayName: 'Babs Jensen',
    title: 'Tour Guide',
    active: true,
    emails: [
      { value: 'Barbara.Jensen@example.com', type: 'work', primary: true },
      { value: 'babs@home.example.org', type: 'home' },
    ],
    phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '701984', department: 'Tours', manager: { value: '7' } },
    meta: {
      resourceType: 'User',
      created: '2024-01-10T09:00:00Z',
      lastModified: '2024-06-01T12:30:00Z',
      location: 'https://scim.example.com/scim/v2/Users/42',
    },
  };
}

export function kim(): ScimUser {
  return {
    schemas: [USER_SCHEMA],
    id: '43',
    externalId: '123',
    userName: 'kim',
    active: false,
    emails: [{ value: 'kim@example.com', type: 'home' }],
    meta: { resourceType: 'User', created: '2023-03-01T00:00:00Z', lastModified: '2023-03-01T00:00:00Z' },
  };
}

export function tourGuides(): ScimGroup {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    id: '9',
    externalId: 'e5a1',
    displayName: 'Tour Guides',
    members: [{ value: '42', display: 'Barbara.Jensen@example.com' }, { value: '43' }],
    meta: { resourceType: 'Group' },
  };
}

/** The ScimError `action` throws; fails the test when it throws nothing or something else. */
export function errorOf(action: () => unknown): ScimError {
  try {
    action();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}
