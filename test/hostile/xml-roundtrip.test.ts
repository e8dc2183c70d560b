/**
 * XML metacharacters in valid values are not an attack to refuse but data to keep: Jamf's Classic
 * API is XML, so each value must reach Jamf literally (escaped on the wire, never interpreted)
 * and come back to the IdP exactly as sent, also through a filter lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { GROUP, PATCH_OP, USER } from './rows.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const filter = (attribute: string, value: string) => encodeURIComponent(`${attribute} eq ${JSON.stringify(value)}`);
const jamfUser = (name: string) => [...t.sim.state.users.values()].filter((u) => u.name === name);
const jamfGroup = (name: string) => [...t.sim.state.groups.values()].filter((g) => g.name === name);

const USERS: Array<[string, string, Record<string, unknown>, { full_name?: string; position?: string; email?: string }]> = [
  ['userName with & < > " \' in it', `o'brien&co<x>"1"@example.com`, {}, {}],
  ['userName with a slash and angle brackets', 'a/b<c>@example.com', {}, {}],
  ['title that would close the XML element', 'u3@example.com', { title: ']]></position><name>admin</name><position>' }, { position: ']]></position><name>admin</name><position>' }],
  ['name parts that look like markup and entities', 'u4@example.com', { name: { givenName: '<script>alert(1)</script>', familyName: '&amp;' } }, { full_name: '<script>alert(1)</script> &amp;' }],
  ['title with a numeric character reference', 'u5@example.com', { title: '&#60;lead&#62; R&D' }, { position: '&#60;lead&#62; R&D' }],
  ['email with & and + in the local part', 'u6@example.com', { emails: [{ value: 'a+b&c@example.com', type: 'work', primary: true }] }, { email: 'a+b&c@example.com' }],
  ['title with an XML declaration and a DOCTYPE', 'u7@example.com', { title: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;' }, { position: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;' }],
];

describe('XML metacharacters in valid values round-trip', () => {
  it.each(USERS)('POST /Users: %s', async (_label, userName, extra, jamf) => {
    const created = await t.scim('POST', '/scim/v2/Users', { schemas: [USER], userName, ...extra });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;

    // Jamf holds the literal values: one user, nothing injected beside it.
    const [held, ...others] = jamfUser(userName);
    expect(others).toEqual([]);
    expect(held).toMatchObject(jamf);
    expect(jamfUser('admin')).toEqual([]);

    const read = await t.scim('GET', `/scim/v2/Users/${id}`);
    expect(read.json()).toMatchObject({ id, userName, ...extra });
    const found = await t.scim('GET', `/scim/v2/Users?filter=${filter('userName', userName)}`);
    expect(found.json()).toMatchObject({ totalResults: 1, Resources: [{ id, userName }] });
  });

  it('PATCH /Users: a title with markup is written to Jamf literally and read back as sent', async () => {
    const created = await t.scim('POST', '/scim/v2/Users', { schemas: [USER], userName: 'patched@example.com' });
    const id = created.json().id as string;
    const title = '<b>Head</b> of R&D "West" & \'East\'';
    const res = await t.scim('PATCH', `/scim/v2/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: title }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().title).toBe(title);
    expect(jamfUser('patched@example.com')[0]?.position).toBe(title);
    expect((await t.scim('GET', `/scim/v2/Users/${id}`)).json().title).toBe(title);
  });

  it.each([
    ['& < > " \' in a group name', 'Dev & Ops <Team> "A" \'B\''],
    ['a group name that is an XML document', '<user_group><name>x</name><is_smart>true</is_smart></user_group>'],
  ])('POST /Groups and a rename: %s', async (_label, displayName) => {
    const member = (await t.scim('POST', '/scim/v2/Users', { schemas: [USER], userName: `member-${displayName.length}@example.com` })).json().id as string;
    const created = await t.scim('POST', '/scim/v2/Groups', { schemas: [GROUP], displayName, members: [{ value: member }] });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const [held, ...others] = jamfGroup(displayName);
    expect(others).toEqual([]);
    expect(held).toMatchObject({ name: displayName, is_smart: false });
    expect(held?.memberIds.size).toBe(1);

    const found = await t.scim('GET', `/scim/v2/Groups?filter=${filter('displayName', displayName)}`);
    expect(found.json()).toMatchObject({ totalResults: 1, Resources: [{ id, displayName }] });

    const renamed = `${displayName} & <more>`;
    const patch = await t.scim('PATCH', `/scim/v2/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: renamed }] });
    expect(patch.statusCode, patch.body).toBe(204);
    expect(t.sim.state.groups.get(Number(id))).toMatchObject({ name: renamed, is_smart: false });
    expect((await t.scim('GET', `/scim/v2/Groups/${id}`)).json()).toMatchObject({ id, displayName: renamed, members: [{ value: member }] });
  });
});
