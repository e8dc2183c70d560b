import { describe, expect, it } from 'vitest';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, project } from '../../src/scim/index.js';
import { splitAttributeNames } from '../../src/scim/attributes.js';
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

  it('attributes: value-filtered paths select exactly the matching values (RFC 7644 §3.10)', () => {
    const work = { value: 'Barbara.Jensen@example.com', type: 'work', primary: true };
    expect(project(barbara(), { attributes: ['emails[type eq "work"]'] }, 'User').emails).toEqual([work]);
    expect(project(barbara(), { attributes: ['EMAILS[TYPE eq "work"].VALUE'] }, 'User').emails).toEqual([{ value: work.value }]);
    expect(project(barbara(), { attributes: ['emails[value eq "BABS@home.example.org"]'] }, 'User').emails).toEqual([
      { value: 'babs@home.example.org', type: 'home' },
    ]);
    expect(project(barbara(), { attributes: [`${USER_SCHEMA}:emails[primary eq true].type`] }, 'User').emails).toEqual([{ type: 'work' }]);
    expect(project(barbara(), { attributes: ['emails[type eq "other"]'] }, 'User')).not.toHaveProperty('emails');
  });

  it('attributes: a value filter and a plain sub-attribute combine per element; the whole attribute wins', () => {
    expect(project(barbara(), { attributes: ['emails[type eq "work"]', 'emails.type'] }, 'User').emails).toEqual([
      { value: 'Barbara.Jensen@example.com', type: 'work', primary: true },
      { type: 'home' },
    ]);
    expect(project(barbara(), { attributes: ['emails[type eq "work"].value', 'emails'] }, 'User').emails).toEqual(barbara().emails);
    const members = project(tourGuides(), { attributes: ['members[value eq "42"]'] }, 'Group').members as Array<{ value: string }>;
    expect(members.map((m) => m.value)).toEqual(['42']);
  });

  it('excludedAttributes: value-filtered paths drop the matching values or their sub-attribute', () => {
    expect(project(barbara(), { excludedAttributes: ['emails[type eq "work"]'] }, 'User').emails).toEqual([
      { value: 'babs@home.example.org', type: 'home' },
    ]);
    expect(project(barbara(), { excludedAttributes: ['emails[type eq "work"].value'] }, 'User').emails).toEqual([
      { type: 'work', primary: true },
      { value: 'babs@home.example.org', type: 'home' },
    ]);
    expect(project(barbara(), { excludedAttributes: ['emails[type pr]'] }, 'User')).not.toHaveProperty('emails');
    const resource = barbara();
    project(resource, { excludedAttributes: ['emails[type eq "work"].value'] }, 'User');
    expect(resource).toEqual(barbara());
  });

  it('value filters: unknown attributes select nothing, bad filters are 400 invalidFilter', () => {
    expect(project(barbara(), { attributes: ['shoes[size eq 9]'] }, 'User')).not.toHaveProperty('shoes');
    expect(project(barbara(), { attributes: ['emails[type eq "work"].nothing'] }, 'User')).not.toHaveProperty('emails');
    for (const name of ['emails[type eq]', 'emails[type eq "work"', 'name[givenName eq "B"]', 'emails[size eq 1]']) {
      expect(() => project(barbara(), { attributes: [name] }, 'User'), name).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidFilter' }));
    }
  });
});

describe('splitAttributeNames (RFC 7644 §3.9)', () => {
  it('splits at commas outside value filters', () => {
    expect(splitAttributeNames(' userName , emails[value eq "a,b" or type eq "x]"].value,,title ')).toEqual([
      'userName',
      'emails[value eq "a,b" or type eq "x]"].value',
      'title',
    ]);
    expect(splitAttributeNames('emails[value eq "say \\"hi,\\""]')).toEqual(['emails[value eq "say \\"hi,\\""]']);
  });
});
