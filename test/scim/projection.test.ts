import { describe, expect, it } from 'vitest';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, project } from '../../src/scim/index.js';
import { barbara, tourGuides } from './fixtures.js';

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

describe('project (RFC 7644 §3.9)', () => {
  it('returns everything but password when nothing is asked', () => {
    expect(project({ ...barbara(), password: 'x' }, {}, 'User')).toEqual(barbara());
  });

  it('attributes: selected attributes plus id, schemas and meta.resourceType', () => {
    expect(project(barbara(), { attributes: ['userName'] }, 'User')).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE],
      id: '42',
      userName: 'Barbara.Jensen@example.com',
      meta: { resourceType: 'User' },
    });
  });

  it('attributes: sub-attributes, multi-valued sub-attributes, any case', () => {
    expect(project(barbara(), { attributes: ['Name.GivenName', 'EMAILS.value'] }, 'User')).toMatchObject({
      name: { givenName: 'Barbara' },
      emails: [{ value: 'Barbara.Jensen@example.com' }, { value: 'babs@home.example.org' }],
    });
  });

  it('attributes: URN-qualified attributes and whole extensions', () => {
    expect(project(barbara(), { attributes: [`${ENTERPRISE}:manager`] }, 'User')[ENTERPRISE]).toEqual({ manager: { value: '7' } });
    expect(project(barbara(), { attributes: ['manager.value'] }, 'User')[ENTERPRISE]).toEqual({ manager: { value: '7' } });
    expect(project(barbara(), { attributes: [ENTERPRISE] }, 'User')[ENTERPRISE]).toEqual(barbara()[ENTERPRISE]);
    expect(project(barbara(), { attributes: [`${USER_SCHEMA}:title`] }, 'User').title).toBe('Tour Guide');
  });

  it('attributes: meta keeps all of meta, unknown names select nothing', () => {
    expect(project(barbara(), { attributes: ['meta'] }, 'User').meta).toEqual(barbara().meta);
    expect(Object.keys(project(barbara(), { attributes: ['shoeSize'] }, 'User')).sort()).toEqual(['id', 'meta', 'schemas']);
  });

  it('excludedAttributes: Entra reads groups without members', () => {
    const group = project(tourGuides(), { excludedAttributes: ['members'] }, 'Group');
    expect(group).not.toHaveProperty('members');
    expect(group).toMatchObject({ id: '9', displayName: 'Tour Guides' });
  });

  it('excludedAttributes: sub-attributes and URN-qualified, never id, schemas or meta.resourceType', () => {
    const user = project(
      barbara(),
      { excludedAttributes: ['emails.type', `${ENTERPRISE}:department`, 'id', 'schemas', 'meta', 'NAME'] },
      'User',
    );
    expect(user.emails).toEqual([
      { value: 'Barbara.Jensen@example.com', primary: true },
      { value: 'babs@home.example.org' },
    ]);
    expect(user[ENTERPRISE]).toEqual({ employeeNumber: '701984', manager: { value: '7' } });
    expect(user).toMatchObject({ id: '42', schemas: [USER_SCHEMA, ENTERPRISE], meta: { resourceType: 'User' } });
    expect(user.meta).toEqual({ resourceType: 'User' });
    expect(user).not.toHaveProperty('name');
  });

  it('does not modify the resource', () => {
    const resource = barbara();
    project(resource, { excludedAttributes: ['emails', 'name.givenName'] }, 'User');
    expect(resource).toEqual(barbara());
  });
});
