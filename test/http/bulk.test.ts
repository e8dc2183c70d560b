/**
 * POST /Bulk (RFC 7644 §3.7) end to end: bulkId references, per-operation statuses and
 * locations, failOnErrors, the advertised limits, and the Jamf call budget of the single requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { GROUP_SCHEMA, JAMF, groupBody } from './groups-support.js';
import { createUser, jamfUserByName, oktaCreateBody, patchBody } from './users-support.js';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const BASE = 'http://localhost:80/scim/v2';

const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) => ({ schemas: [BULK_REQUEST], Operations, ...extra });
const createOp = (bulkId: string, userName: string) => ({ method: 'POST', path: '/Users', bulkId, data: oktaCreateBody(userName) });

let t: TestServer;
afterEach(async () => {
  await t.close();
});

describe('POST /Bulk', () => {
  it('creates a user and a group holding it by bulkId: Jamf has both, with the membership', async () => {
    t = await startTestServer();
    const res = await t.scim(
      'POST',
      '/scim/v2/Bulk',
      // The group comes first: it waits for the user it refers to (§3.7.2).
      bulk([
        { method: 'POST', path: '/Groups', bulkId: 'g1', data: groupBody('Engineering', { members: [{ value: 'bulkId:u1' }] }) },
        createOp('u1', 'ada@example.com'),
      ]),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    const body = res.json();
    expect(body.schemas).toEqual([BULK_RESPONSE]);
    const [group, user] = body.Operations;
    expect(user).toMatchObject({ method: 'POST', bulkId: 'u1', status: '201' });
    expect(group).toMatchObject({ method: 'POST', bulkId: 'g1', status: '201' });
    expect(user.response).toBeUndefined();

    const userId = (user.location as string).split('/').pop() as string;
    const groupId = (group.location as string).split('/').pop() as string;
    expect(user.location).toBe(`${BASE}/Users/${userId}`);
    expect(group.location).toBe(`${BASE}/Groups/${groupId}`);

    const jamfUser = jamfUserByName(t, 'ada@example.com');
    expect(jamfUser).toBeDefined();
    expect([...(t.sim.state.groups.get(Number(groupId))?.memberIds ?? [])]).toEqual([jamfUser?.id]);
    const read = (await t.scim('GET', `/scim/v2/Groups/${groupId}`)).json();
    expect(read.members.map((m: { value: string }) => m.value)).toEqual([userId]);
    expect(read.schemas).toEqual([GROUP_SCHEMA]);
  });

  it('costs the Jamf calls of the single requests it stands for', async () => {
    t = await startTestServer();
    const id = await createUser(t, oktaCreateBody('grace@example.com'));
    t.resetCalls();
    const res = await t.scim(
      'POST',
      '/scim/v2/Bulk',
      bulk([
        createOp('u1', 'ada@example.com'),
        { method: 'POST', path: '/Groups', bulkId: 'g1', data: groupBody('Ops', { members: [{ value: 'bulkId:u1' }] }) },
        { method: 'PATCH', path: `/Users/${id}`, data: patchBody({ op: 'replace', path: 'title', value: 'CTO' }) },
      ]),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().Operations.map((o: { status: string }) => o.status)).toEqual(['201', '201', '200']);
    // POST /Users 1 + POST /Groups with members 1 + PATCH of an active user 2 (design.md §5).
    expect(t.calls()).toEqual({ [JAMF.postUser]: 1, [JAMF.createGroup]: 1, [JAMF.getUser]: 1, 'PUT /JSSResource/users/id/:id': 1 });
  });

  it('runs PATCH, PUT and DELETE on users and groups, with each operation its status and location', async () => {
    t = await startTestServer();
    const id = await createUser(t, oktaCreateBody('ada@example.com'));
    const gone = await createUser(t, oktaCreateBody('grace@example.com'));
    const group = await t.scim('POST', '/scim/v2/Groups', groupBody('Ops'));
    const groupId = group.json().id as string;

    const res = await t.scim(
      'POST',
      '/scim/v2/Bulk',
      bulk([
        { method: 'PATCH', path: `/Users/${id}`, data: patchBody({ op: 'replace', path: 'title', value: 'CTO' }) },
        { method: 'PATCH', path: `/Groups/${groupId}`, data: patchBody({ op: 'add', path: 'members', value: [{ value: id }] }) },
        { method: 'PUT', path: `/Users/${id}`, data: { ...oktaCreateBody('ada@example.com'), title: 'CEO' } },
        { method: 'DELETE', path: `/Users/${gone}` },
      ]),
    );
    expect(res.statusCode, res.body).toBe(200);
    const ops = res.json().Operations;
    expect(ops).toHaveLength(4);
    expect(ops.map((o: { method: string; status: string }) => `${o.method} ${o.status}`)).toEqual(['PATCH 200', 'PATCH 204', 'PUT 200', 'DELETE 204']);
    expect(ops.map((o: { location: string }) => o.location)).toEqual([
      `${BASE}/Users/${id}`,
      `${BASE}/Groups/${groupId}`,
      `${BASE}/Users/${id}`,
      `${BASE}/Users/${gone}`,
    ]);
    expect((await t.scim('GET', `/scim/v2/Users/${gone}`)).statusCode).toBe(404);
    expect((await t.scim('GET', `/scim/v2/Users/${id}`)).json().title).toBe('CEO');
    expect(t.sim.state.groups.get(Number(groupId))?.memberIds.size).toBe(1);
  });

  it('a duplicate userName fails its operation with 409 uniqueness while the others succeed', async () => {
    t = await startTestServer();
    await createUser(t, oktaCreateBody('taken@example.com'));
    const res = await t.scim('POST', '/scim/v2/Bulk', bulk([createOp('a', 'ada@example.com'), createOp('b', 'taken@example.com'), createOp('c', 'grace@example.com')]));
    expect(res.statusCode, res.body).toBe(200);
    const [a, b, c] = res.json().Operations;
    expect(a).toMatchObject({ bulkId: 'a', status: '201' });
    expect(c).toMatchObject({ bulkId: 'c', status: '201' });
    expect(b).toMatchObject({ method: 'POST', bulkId: 'b', status: '409', response: { schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' } });
    expect(b.location).toBeUndefined();
    expect(jamfUserByName(t, 'ada@example.com')).toBeDefined();
    expect(jamfUserByName(t, 'grace@example.com')).toBeDefined();
  });

  it('a group referring to a user whose create failed fails too, without a Jamf call', async () => {
    t = await startTestServer();
    await createUser(t, oktaCreateBody('taken@example.com'));
    t.resetCalls();
    const res = await t.scim(
      'POST',
      '/scim/v2/Bulk',
      bulk([createOp('u', 'taken@example.com'), { method: 'POST', path: '/Groups', bulkId: 'g', data: groupBody('Ops', { members: [{ value: 'bulkId:u' }] }) }]),
    );
    const [, group] = res.json().Operations;
    expect(group).toMatchObject({ bulkId: 'g', status: '400', response: { scimType: 'invalidValue' } });
    expect(t.calls()[JAMF.createGroup]).toBeUndefined();
  });

  it('failOnErrors=1 stops after the first error: later operations are not attempted nor reported', async () => {
    t = await startTestServer();
    // An invalid operation fails at once, before any other could start (each waits for its Jamf POST).
    const trap = t.sim.trap({ method: 'POST', route: '/JSSResource/users/id/:id', count: 4 });
    const ops = [{ method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [] } }, ...Array.from({ length: 9 }, (_, i) => createOp(`u${i}`, `user${i}@example.com`))];
    const pending = t.scim('POST', '/scim/v2/Bulk', bulk(ops, { failOnErrors: 1 }));
    await trap.hit(4);
    trap.release();
    const res = await pending;
    expect(res.statusCode, res.body).toBe(200);
    const reported = res.json().Operations as Array<{ bulkId: string; status: string }>;
    expect(reported.map((o) => o.bulkId)).toEqual(['bad', 'u0', 'u1', 'u2', 'u3']);
    expect(reported[0]?.status).toBe('400');
    expect(jamfUserByName(t, 'user4@example.com')).toBeUndefined();
    expect(t.calls()[JAMF.postUser]).toBe(4);
  });

  it('an unknown bulkId is 400 invalidValue; a circular reference is 409; neither reaches Jamf', async () => {
    t = await startTestServer();
    t.resetCalls();
    const res = await t.scim(
      'POST',
      '/scim/v2/Bulk',
      bulk([
        { method: 'POST', path: '/Groups', bulkId: 'g0', data: groupBody('A', { members: [{ value: 'bulkId:nobody' }] }) },
        { method: 'POST', path: '/Groups', bulkId: 'g1', data: groupBody('B', { members: [{ value: 'bulkId:g2' }] }) },
        { method: 'POST', path: '/Groups', bulkId: 'g2', data: groupBody('C', { members: [{ value: 'bulkId:g1' }] }) },
      ]),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().Operations).toMatchObject([
      { bulkId: 'g0', status: '400', response: { scimType: 'invalidValue' } },
      { bulkId: 'g1', status: '409' },
      { bulkId: 'g2', status: '409' },
    ]);
    expect(t.jamfCalls()).toBe(0);
  });

  it('ten independent creates all finish, never more than five Jamf calls in flight', async () => {
    t = await startTestServer({ latencyMs: 5 });
    t.resetCalls();
    const res = await t.scim('POST', '/scim/v2/Bulk', bulk(Array.from({ length: 10 }, (_, i) => createOp(`u${i}`, `user${i}@example.com`))));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().Operations.map((o: { status: string }) => o.status)).toEqual(Array(10).fill('201'));
    // Independent operations overlap; the Jamf client's limit still holds.
    expect(t.sim.maxObservedConcurrency()).toBeGreaterThan(1);
    expect(t.sim.maxObservedConcurrency()).toBeLessThanOrEqual(5);
    expect(t.calls()).toEqual({ [JAMF.postUser]: 10 });
  });

  it('reports each written resource\'s version, and an operation\'s `version` is its If-Match (412 when stale)', async () => {
    t = await startTestServer();
    const created = await t.scim('POST', '/scim/v2/Bulk', bulk([createOp('u', 'ada@example.com')]));
    const [op] = created.json().Operations;
    const id = (op.location as string).split('/').pop() as string;
    const read = await t.scim('GET', `/scim/v2/Users/${id}`);
    expect(op.version).toBe(read.headers.etag);

    const title = (value: string, version: string) => ({ method: 'PATCH', path: `/Users/${id}`, version, data: patchBody({ op: 'replace', path: 'title', value }) });
    const res = await t.scim('POST', '/scim/v2/Bulk', bulk([title('CTO', op.version as string)]));
    const [patched] = res.json().Operations;
    expect(patched.status).toBe('200');
    const stale = await t.scim('POST', '/scim/v2/Bulk', bulk([title('CEO', op.version as string)]));
    expect(stale.json().Operations[0]).toMatchObject({ status: '412', response: { status: '412' } });
    expect((await t.scim('GET', `/scim/v2/Users/${id}`)).json().title).toBe('CTO');
  });

  it('advertises its limits in ServiceProviderConfig and answers 413 beyond them', async () => {
    t = await startTestServer({}, { bulk: { maxOperations: 2, maxPayloadSize: 2048 } });
    const config = (await t.scim('GET', '/scim/v2/ServiceProviderConfig')).json();
    expect(config.bulk).toEqual({ supported: true, maxOperations: 2, maxPayloadSize: 2048 });

    const tooMany = await t.scim('POST', '/scim/v2/Bulk', bulk([{ method: 'DELETE', path: '/Users/1' }, { method: 'DELETE', path: '/Users/2' }, { method: 'DELETE', path: '/Users/3' }]));
    expect(tooMany.statusCode, tooMany.body).toBe(413);
    expect(tooMany.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '413' });
    expect(tooMany.json().detail).toContain('maxOperations');

    const tooLarge = await t.scim('POST', '/scim/v2/Bulk', bulk([createOp('u', 'ada@example.com')], { padding: 'x'.repeat(3000) }));
    expect(tooLarge.statusCode, tooLarge.body).toBe(413);
    expect(tooLarge.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '413' });
    expect(tooLarge.json().detail).toContain('maxPayloadSize (2048 bytes)');
    expect(jamfUserByName(t, 'ada@example.com')).toBeUndefined();
  });

  it('refuses a body that is not a BulkRequest with 400 invalidSyntax, and needs the bearer token', async () => {
    t = await startTestServer();
    const res = await t.scim('POST', '/scim/v2/Bulk', { Operations: [] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    const anonymous = await t.app.inject({ method: 'POST', url: '/scim/v2/Bulk', payload: bulk([]), headers: { 'content-type': 'application/scim+json' } });
    expect(anonymous.statusCode).toBe(401);
  });
});
