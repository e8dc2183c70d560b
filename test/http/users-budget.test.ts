/**
 * The Jamf call budget of design.md §5 for every kind of /Users request, measured with the
 * simulator's counters: exactly which Jamf calls each request makes (token requests excluded).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { startTestServer, type TestServer } from '../helper.js';
import { createUser, oktaCreateBody, patchBody, q } from './users-support.js';

const GET_USER = 'GET /JSSResource/users/id/:id';
const PUT_USER = 'PUT /JSSResource/users/id/:id';
const POST_USER = 'POST /JSSResource/users/id/:id';
const DELETE_USER = 'DELETE /JSSResource/users/id/:id';

let t: TestServer;
afterEach(async () => {
  await t.close();
});

interface Case {
  kind: string;
  /** Builds the request from the ids of an active user (`active`) and a deactivated one (`inactive`). */
  request: (ids: { active: string; inactive: string }) => [InjectOptions['method'], string, unknown?];
  calls: Record<string, number>;
  /** Reads change nothing, so they share one directory. */
  read?: boolean;
}

const profile = (userName: string, extra: Record<string, unknown> = {}) => ({ ...oktaCreateBody(userName), title: 'CTO', ...extra });

const cases: Case[] = [
  { kind: 'GET /Users/{id}', request: ({ active }) => ['GET', `/scim/v2/Users/${active}`], calls: { [GET_USER]: 1 }, read: true },
  // Group names for the tombstone's remembered memberships.
  { kind: 'GET /Users/{id} of a deactivated user', request: ({ inactive }) => ['GET', `/scim/v2/Users/${inactive}`], calls: { 'GET /JSSResource/usergroups': 1 }, read: true },
  { kind: 'filter userName eq', request: () => ['GET', `/scim/v2/Users?filter=${q('userName eq "ADA@example.com"')}`], calls: { 'GET /JSSResource/users/name/:name': 1 }, read: true },
  { kind: 'filter userName eq, no match', request: () => ['GET', `/scim/v2/Users?filter=${q('userName eq "nobody"')}`], calls: { 'GET /JSSResource/users/name/:name': 1 }, read: true },
  { kind: 'filter userName eq, deactivated', request: () => ['GET', `/scim/v2/Users?filter=${q('userName eq "gone@example.com"')}`], calls: {}, read: true },
  { kind: 'filter emails.value eq', request: () => ['GET', `/scim/v2/Users?filter=${q('emails.value eq "ada@example.com"')}`], calls: { 'GET /JSSResource/users/email/:email': 1 }, read: true },
  {
    kind: 'filter emails[type eq "work"].value eq',
    request: () => ['GET', `/scim/v2/Users?filter=${q('emails[type eq "work"].value eq "ada@example.com"')}`],
    calls: { 'GET /JSSResource/users/email/:email': 1 },
    read: true,
  },
  { kind: 'filter externalId eq', request: () => ['GET', `/scim/v2/Users?filter=${q('externalId eq "00u15okta"')}`], calls: { [GET_USER]: 1 }, read: true },
  { kind: 'filter externalId eq, no match', request: () => ['GET', `/scim/v2/Users?filter=${q('externalId eq "none"')}`], calls: {}, read: true },
  { kind: 'filter id eq', request: ({ active }) => ['GET', `/scim/v2/Users?filter=${q(`id eq "${active}"`)}`], calls: { [GET_USER]: 1 }, read: true },
  { kind: 'POST /Users', request: () => ['POST', '/scim/v2/Users', oktaCreateBody('new@example.com')], calls: { [POST_USER]: 1 } },
  {
    kind: 'PATCH, active stays active',
    request: ({ active }) => ['PATCH', `/scim/v2/Users/${active}`, patchBody({ op: 'replace', path: 'title', value: 'CFO' }, { op: 'replace', path: 'name.givenName', value: 'Augusta' })],
    calls: { [GET_USER]: 1, [PUT_USER]: 1 },
  },
  { kind: 'PUT, active stays active', request: ({ active }) => ['PUT', `/scim/v2/Users/${active}`, profile('ada@example.com', { title: 'CFO' })], calls: { [GET_USER]: 1, [PUT_USER]: 1 } },
  { kind: 'PATCH that changes nothing Jamf holds', request: ({ active }) => ['PATCH', `/scim/v2/Users/${active}`, patchBody({ op: 'add', path: 'nickName', value: 'Ada' })], calls: { [GET_USER]: 1 } },
  { kind: 'deactivate by PATCH', request: ({ active }) => ['PATCH', `/scim/v2/Users/${active}`, patchBody({ op: 'replace', value: { active: false } })], calls: { [GET_USER]: 1, [DELETE_USER]: 1 } },
  { kind: 'deactivate by PUT', request: ({ active }) => ['PUT', `/scim/v2/Users/${active}`, profile('ada@example.com', { active: false })], calls: { [GET_USER]: 1, [DELETE_USER]: 1 } },
  { kind: 'PATCH while inactive', request: ({ inactive }) => ['PATCH', `/scim/v2/Users/${inactive}`, patchBody({ op: 'replace', path: 'title', value: 'CFO' })], calls: {} },
  { kind: 'PUT while inactive', request: ({ inactive }) => ['PUT', `/scim/v2/Users/${inactive}`, profile('gone@example.com', { active: false })], calls: {} },
  // One create, one membership write per remembered static group (here one); the tombstone names the group.
  {
    kind: 'reactivate',
    request: ({ inactive }) => ['PATCH', `/scim/v2/Users/${inactive}`, patchBody({ op: 'replace', value: { active: true } })],
    calls: { [POST_USER]: 1, 'PUT /JSSResource/usergroups/id/:id': 1 },
  },
  { kind: 'DELETE', request: ({ active }) => ['DELETE', `/scim/v2/Users/${active}`], calls: { [DELETE_USER]: 1 } },
  { kind: 'DELETE of a deactivated user', request: ({ inactive }) => ['DELETE', `/scim/v2/Users/${inactive}`], calls: {} },
  { kind: 'GET /Users?startIndex=1&count=100 (Jamf ≥ 11.26)', request: () => ['GET', '/scim/v2/Users?startIndex=1&count=100'], calls: { 'GET /api/v1/users': 1 }, read: true },
];

describe('Jamf calls per /Users request', () => {
  /** 150 users an admin made in Jamf, an active IdP user, and a deactivated one remembered in a static group. */
  async function directory(): Promise<{ active: string; inactive: string }> {
    t = await startTestServer({ seedUsers: 150 });
    const active = await createUser(t, profile('ada@example.com'));
    const inactive = await createUser(t, profile('gone@example.com'));
    t.sim.addGroup({ name: 'Engineering', memberIds: [Number(inactive)] });
    await t.scim('PATCH', `/scim/v2/Users/${inactive}`, patchBody({ op: 'replace', value: { active: false } }));
    t.resetCalls();
    return { active, inactive };
  }

  it('reads: GET by id, the lookups IdPs match users with, and an import page', async () => {
    const ids = await directory();
    for (const { kind, request, calls } of cases.filter((c) => c.read)) {
      t.resetCalls();
      const [method, url, body] = request(ids);
      const res = await t.scim(method, url, body);
      expect(res.statusCode, `${kind}: ${res.body}`).toBe(200);
      expect(t.calls(), kind).toEqual(calls);
    }
  });

  it.each(cases.filter((c) => !c.read))('$kind', async ({ request, calls }) => {
    const [method, url, body] = request(await directory());
    const res = await t.scim(method, url, body);
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect(t.calls()).toEqual(calls);
  });

  it('GET /Users?startIndex=1&count=100 (Jamf < 11.26): the Classic list plus 100 reads, at most 5 at once', async () => {
    t = await startTestServer({ seedUsers: 150, version: '11.25.2' });
    const res = await t.scim('GET', '/scim/v2/Users?startIndex=1&count=100');
    expect(res.json().itemsPerPage).toBe(100);
    expect(t.calls()).toEqual({ 'GET /JSSResource/users': 1, [GET_USER]: 100 });
    expect(t.sim.maxObservedConcurrency()).toBeLessThanOrEqual(5);
  });
});
