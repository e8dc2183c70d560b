/**
 * ETags (RFC 7644 §3.14, RFC 7232): `ETag` and `meta.version` on every resource, 304 for a
 * matching If-None-Match, 412 for a stale If-Match with nothing written to Jamf, and no Jamf
 * call of its own for a request without these headers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { ERROR_SCHEMA, createUser, oktaCreateBody, patchBody, q } from './users-support.js';
import { JAMF, groupBody } from './groups-support.js';

const PUT_USER = 'PUT /JSSResource/users/id/:id';
const WEAK_TAG = /^W\/"[A-Za-z0-9_-]+"$/;

let t: TestServer;
afterEach(async () => {
  await t.close();
});

const writes = (calls: Record<string, number>) => Object.keys(calls).filter((k) => !k.startsWith('GET '));

async function getUser(id: string, headers: Record<string, string> = {}) {
  return t.scim('GET', `/scim/v2/Users/${id}`, undefined, headers);
}

function tagOf(res: { headers: Record<string, unknown> }): string {
  const tag = res.headers.etag;
  expect(tag).toMatch(WEAK_TAG);
  return tag as string;
}

function expect412(res: { statusCode: number; json(): unknown }) {
  expect(res.statusCode).toBe(412);
  const body = res.json() as Record<string, unknown>;
  expect(body.schemas).toEqual([ERROR_SCHEMA]);
  expect(body.status).toBe('412');
  expect(body.scimType).toBeUndefined();
  expect(body.detail).toMatch(/changed since/);
}

describe('ETags on users', () => {
  it('sends a weak ETag equal to meta.version, stable across reads and untouched by projection', async () => {
    t = await startTestServer();
    const created = await t.scim('POST', '/scim/v2/Users', oktaCreateBody('ada@example.com'));
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const first = await getUser(id);
    const tag = tagOf(first);
    expect(first.json().meta.version).toBe(tag);
    expect(tagOf(created)).toBe(tag);
    expect(created.json().meta.version).toBe(tag);
    expect(tagOf(await getUser(id))).toBe(tag);
    const projected = await t.scim('GET', `/scim/v2/Users/${id}?attributes=userName,meta`);
    expect(tagOf(projected)).toBe(tag);
    expect(projected.json().meta.version).toBe(tag);
    const listed = await t.scim('GET', `/scim/v2/Users?filter=${q('userName eq "ada@example.com"')}`);
    expect(listed.json().Resources[0].meta.version).toBe(tag);
    // Jamf's paged Users API (11.26+) lists no groups: no version rather than a wrong one.
    const paged = await t.scim('GET', '/scim/v2/Users?startIndex=1&count=10');
    expect(paged.json().Resources[0].id).toBe(id);
    expect(paged.json().Resources[0].meta.version).toBeUndefined();
  });

  it('changes after a SCIM PATCH, and the PATCH answer carries the new version', async () => {
    t = await startTestServer();
    const id = await createUser(t, oktaCreateBody('ada@example.com'));
    const before = tagOf(await getUser(id));
    const patched = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'CFO' }));
    expect(patched.statusCode).toBe(200);
    const after = tagOf(patched);
    expect(after).not.toBe(before);
    expect(patched.json().meta.version).toBe(after);
    expect(tagOf(await getUser(id))).toBe(after);
  });

  it('changes after an administrator edits the user in Jamf Pro', async () => {
    t = await startTestServer();
    const id = await createUser(t, oktaCreateBody('ada@example.com'));
    const before = tagOf(await getUser(id));
    const jamfUser = t.sim.state.users.get(Number(id));
    if (!jamfUser) throw new Error('user not in the simulator');
    jamfUser.position = 'Edited in Jamf';
    const res = await getUser(id, { 'if-none-match': before });
    expect(res.statusCode).toBe(200);
    expect(res.json().title).toBe('Edited in Jamf');
    expect(tagOf(res)).not.toBe(before);
  });

  it('answers 304 with the ETag and no body to a matching If-None-Match (also *), 200 to a stale one', async () => {
    t = await startTestServer();
    const id = await createUser(t, oktaCreateBody('ada@example.com'));
    const tag = tagOf(await getUser(id));
    for (const header of [tag, tag.slice(2), `"other", ${tag}`, '*']) {
      const res = await getUser(id, { 'if-none-match': header });
      expect(res.statusCode, header).toBe(304);
      expect(res.headers.etag).toBe(tag);
      expect(res.body).toBe('');
    }
    const stale = await getUser(id, { 'if-none-match': 'W/"stale"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.json().userName).toBe('ada@example.com');
  });

  it('refuses PATCH, PUT and DELETE with a stale If-Match with 412, writing nothing to Jamf', async () => {
    t = await startTestServer();
    const id = await createUser(t, oktaCreateBody('ada@example.com'));
    const stale = tagOf(await getUser(id));
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'CFO' }));
    const current = tagOf(await getUser(id));
    const headers = { 'if-match': stale };

    t.resetCalls();
    expect412(await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'CEO' }), headers));
    expect412(await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', value: { active: false } }), headers));
    expect412(await t.scim('PUT', `/scim/v2/Users/${id}`, { ...oktaCreateBody('ada@example.com'), title: 'CEO' }, headers));
    expect412(await t.scim('DELETE', `/scim/v2/Users/${id}`, undefined, headers));
    expect(writes(t.calls())).toEqual([]);
    const after = await getUser(id);
    expect(after.json()).toMatchObject({ title: 'CFO', active: true });
    expect(tagOf(after)).toBe(current);
  });

  it('applies PATCH, PUT and DELETE whose If-Match names the current version (or *)', async () => {
    t = await startTestServer();
    const id = await createUser(t, oktaCreateBody('ada@example.com'));
    const patched = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'CFO' }), {
      'if-match': tagOf(await getUser(id)),
    });
    expect(patched.statusCode).toBe(200);
    // The tag a write answers with is the one the next conditional write must name.
    const put = await t.scim('PUT', `/scim/v2/Users/${id}`, { ...oktaCreateBody('ada@example.com'), title: 'CEO' }, { 'if-match': tagOf(patched) });
    expect(put.statusCode).toBe(200);
    expect(put.json().title).toBe('CEO');
    const star = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'CTO' }), { 'if-match': '*' });
    expect(star.statusCode).toBe(200);
    const deleted = await t.scim('DELETE', `/scim/v2/Users/${id}`, undefined, { 'if-match': tagOf(star) });
    expect(deleted.statusCode).toBe(204);
    expect((await getUser(id)).statusCode).toBe(404);
  });

  it('versions a deactivated user, and checks If-Match on its tombstone', async () => {
    t = await startTestServer();
    const id = await createUser(t, oktaCreateBody('ada@example.com'));
    const off = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', value: { active: false } }));
    expect(off.json().active).toBe(false);
    const tag = tagOf(await getUser(id));
    expect(tagOf(off)).toBe(tag);
    expect412(await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'CEO' }), { 'if-match': 'W/"stale"' }));
    const ok = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'CEO' }), { 'if-match': tag });
    expect(ok.statusCode).toBe(200);
    expect(tagOf(ok)).not.toBe(tag);
  });

  it('makes no Jamf call of its own for requests without the conditional headers', async () => {
    t = await startTestServer();
    const id = await createUser(t, oktaCreateBody('ada@example.com'));
    t.resetCalls();
    await getUser(id);
    expect(t.calls()).toEqual({ [JAMF.getUser]: 1 });
    t.resetCalls();
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'CFO' }));
    expect(t.calls()).toEqual({ [JAMF.getUser]: 1, [PUT_USER]: 1 });
    t.resetCalls();
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'CEO' }), { 'if-match': '*' });
    expect(t.calls()).toEqual({ [JAMF.getUser]: 1, [PUT_USER]: 1 });
    t.resetCalls();
    expect((await t.scim('DELETE', `/scim/v2/Users/${id}`)).statusCode).toBe(204);
    expect(t.calls()).toEqual({ [JAMF.deleteUser]: 1 });
  });
});

describe('ETags on groups', () => {
  async function setup() {
    t = await startTestServer();
    const member = await createUser(t, oktaCreateBody('ada@example.com'));
    const created = await t.scim('POST', '/scim/v2/Groups', groupBody('Engineering', { members: [{ value: member }] }));
    expect(created.statusCode).toBe(201);
    return { id: created.json().id as string, member, created };
  }
  const getGroup = (id: string, headers: Record<string, string> = {}) => t.scim('GET', `/scim/v2/Groups/${id}`, undefined, headers);

  it('sends the same version in ETag, meta.version and the list, and answers 304 to it', async () => {
    const { id, created } = await setup();
    const read = await getGroup(id);
    const tag = tagOf(read);
    expect(read.json().meta.version).toBe(tag);
    expect(tagOf(created)).toBe(tag);
    const listed = await t.scim('GET', `/scim/v2/Groups?filter=${q('displayName eq "Engineering"')}`);
    expect(listed.json().Resources[0].meta.version).toBe(tag);
    // Without members the version cannot be known, and none is sent rather than a wrong one.
    const bare = await t.scim('GET', '/scim/v2/Groups?excludedAttributes=members');
    expect(bare.json().Resources[0].meta.version).toBeUndefined();
    const notModified = await getGroup(id, { 'if-none-match': tag });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.headers.etag).toBe(tag);
    expect(notModified.body).toBe('');
  });

  it('changes with membership, through SCIM or in Jamf Pro', async () => {
    const { id, member } = await setup();
    const first = tagOf(await getGroup(id));
    expect((await t.scim('PATCH', `/scim/v2/Groups/${id}`, patchBody({ op: 'remove', path: `members[value eq "${member}"]` }))).statusCode).toBe(204);
    const second = tagOf(await getGroup(id));
    expect(second).not.toBe(first);
    const jamfGroup = t.sim.state.groups.get(Number(id));
    if (!jamfGroup) throw new Error('group not in the simulator');
    jamfGroup.name = 'Renamed in Jamf';
    const renamed = await getGroup(id, { 'if-none-match': second });
    expect(renamed.statusCode).toBe(200);
    expect(tagOf(renamed)).not.toBe(second);
  });

  it('refuses PATCH, PUT and DELETE with a stale If-Match with 412 after one read, writing nothing', async () => {
    const { id, member } = await setup();
    const stale = tagOf(await getGroup(id));
    await t.scim('PATCH', `/scim/v2/Groups/${id}`, patchBody({ op: 'replace', path: 'displayName', value: 'Platform' }));
    const headers = { 'if-match': stale };
    t.resetCalls();
    expect412(await t.scim('PATCH', `/scim/v2/Groups/${id}`, patchBody({ op: 'remove', path: 'members' }), headers));
    expect(t.calls()).toEqual({ [JAMF.getGroup]: 1 });
    expect412(await t.scim('PUT', `/scim/v2/Groups/${id}`, groupBody('Other', { members: [] }), headers));
    expect412(await t.scim('DELETE', `/scim/v2/Groups/${id}`, undefined, headers));
    expect(writes(t.calls())).toEqual([]);
    expect((await getGroup(id)).json()).toMatchObject({ displayName: 'Platform', members: [{ value: member }] });
  });

  it('applies PATCH, PUT and DELETE whose If-Match names the current version', async () => {
    const { id } = await setup();
    const patched = await t.scim('PATCH', `/scim/v2/Groups/${id}`, patchBody({ op: 'remove', path: 'members' }), {
      'if-match': tagOf(await getGroup(id)),
    });
    expect(patched.statusCode).toBe(204);
    const put = await t.scim('PUT', `/scim/v2/Groups/${id}`, groupBody('Platform', { members: [] }), { 'if-match': tagOf(await getGroup(id)) });
    expect(put.statusCode).toBe(200);
    expect(put.json().displayName).toBe('Platform');
    const deleted = await t.scim('DELETE', `/scim/v2/Groups/${id}`, undefined, { 'if-match': tagOf(put) });
    expect(deleted.statusCode).toBe(204);
  });

  it('makes no Jamf call of its own without the conditional headers', async () => {
    const { id } = await setup();
    t.resetCalls();
    expect((await t.scim('PATCH', `/scim/v2/Groups/${id}`, patchBody({ op: 'remove', path: 'members' }))).statusCode).toBe(204);
    expect(t.calls()).toEqual({ [JAMF.putGroup]: 1 });
    t.resetCalls();
    expect((await t.scim('DELETE', `/scim/v2/Groups/${id}`)).statusCode).toBe(204);
    expect(t.calls()).toEqual({ [JAMF.deleteGroup]: 1 });
  });
});
