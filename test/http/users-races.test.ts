/**
 * Two requests for one user at once, as IdPs send them (a retry after their own timeout while the
 * first attempt still runs, a "push now" overlapping a scheduled sync). Jamf calls are held at
 * chosen moments with simulator traps, so each interleaving is exact, not timed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import { gauge, startTestServer, type TestServer } from '../helper.js';
import { ENTERPRISE, createUser, expectScimError, jamfUsersNamed, oktaCreateBody, patchBody, q, storeUserRows } from './users-support.js';

const USER_BY_ID = '/JSSResource/users/id/:id';
const USER_BY_NAME = '/JSSResource/users/name/:name';
const GROUP_BY_ID = '/JSSResource/usergroups/id/:id';
const USER = 'ada@example.com';

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

const setActive = (id: string, active: boolean) => t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', value: { active } }));

describe('a read racing a lifecycle step', () => {
  it('a GET whose Jamf read started before a deactivation reads the tombstone after it; the user can still come back', async () => {
    t = await startTestServer();
    const id = await createUser(t, oktaCreateBody(USER));
    const trap = t.sim.trap({ method: 'GET', route: USER_BY_ID });
    const get = t.scim('GET', `/scim/v2/Users/${id}`);
    await trap.hit();

    const off = await setActive(id, false);
    expect(off.statusCode, off.body).toBe(200);
    trap.release();

    const read = await get;
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ id, userName: USER, active: false });
    expect((await t.scim('GET', `/scim/v2/Users/${id}`)).json().active).toBe(false);
    const on = await setActive(id, true);
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ id, active: true });
    expect(jamfUsersNamed(t, USER)).toHaveLength(1);
  });

  it('a user mid-deactivation is found by filter=userName eq, as inactive, never missing', async () => {
    t = await startTestServer();
    const id = await createUser(t, oktaCreateBody(USER));
    const trap = t.sim.trap({ method: 'GET', route: USER_BY_NAME });
    const search = t.scim('GET', `/scim/v2/Users?filter=${q(`userName eq "${USER}"`)}`);
    await trap.hit();

    expect((await setActive(id, false)).statusCode).toBe(200);
    trap.release();

    const found = (await search).json();
    expect(found.totalResults).toBe(1);
    expect(found.Resources[0]).toMatchObject({ id, active: false });
  });

  it('a GET while a reactivation creates the Jamf user waits for it: one Jamf account, the PATCH succeeds, the user reads active', async () => {
    const metrics = createMetrics();
    t = await startTestServer({}, { metrics });
    const id = await createUser(t, oktaCreateBody(USER));
    expect((await setActive(id, false)).statusCode).toBe(200);
    const trap = t.sim.trap({ method: 'POST', route: USER_BY_ID });
    const reactivation = setActive(id, true);
    await trap.hit();

    let created = 0;
    t.sim.onCall((c) => {
      if (c.phase === 'settled' && c.method === 'POST' && c.route === USER_BY_ID && c.status === 201) created += 1;
    });
    const get = t.scim('GET', `/scim/v2/Users/${id}`);
    // Released once the GET is either waiting for the reactivation or has raced it to create the user.
    await vi.waitFor(async () => {
      expect((await gauge(metrics, 'scim_requests_waiting_for_user')) >= 1 || created >= 1).toBe(true);
    });
    trap.release();

    const on = await reactivation;
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ id, active: true });
    expect((await get).json()).toMatchObject({ id, active: true });
    const accounts = jamfUsersNamed(t, USER);
    expect(accounts).toHaveLength(1);
    expect(storeUserRows(t).find((r) => r.scim_id === id)).toMatchObject({ status: 'active', jamf_id: accounts[0]?.id });

    // The account Jamf holds is the one a later deactivation deletes.
    expect((await setActive(id, false)).json().active).toBe(false);
    expect(jamfUsersNamed(t, USER)).toHaveLength(0);
  });

  it('a PATCH answered 200 while a GET finishes an interrupted reactivation keeps its change', async () => {
    const metrics = createMetrics();
    t = await startTestServer({}, { metrics });
    const id = await createUser(t, oktaCreateBody(USER));
    const group = await t.scim('POST', '/scim/v2/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Eng', members: [{ value: id }] });
    expect(group.statusCode).toBe(201);
    expect((await setActive(id, false)).statusCode).toBe(200);
    // The reactivation creates the user, then Jamf fails the group restore: the step is left half-done.
    t.sim.setKnobs({ faults: { next: [{ method: 'PUT', route: GROUP_BY_ID, fault: 503, count: 20 }] } });
    expect((await setActive(id, true)).statusCode).toBe(503);
    t.sim.setKnobs({ faults: {} });

    const trap = t.sim.trap({ method: 'PUT', route: GROUP_BY_ID });
    const get = t.scim('GET', `/scim/v2/Users/${id}`);
    await trap.hit();
    const patch = t.scim(
      'PATCH',
      `/scim/v2/Users/${id}`,
      patchBody({ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Research' }, { op: 'replace', path: 'title', value: 'CTO' }),
    );
    let patchAnswered = false;
    void patch.then(() => (patchAnswered = true));
    // Released once the PATCH is either waiting for the GET or has been answered without it.
    await vi.waitFor(async () => {
      expect((await gauge(metrics, 'scim_requests_waiting_for_user')) >= 1 || patchAnswered).toBe(true);
    });
    trap.release();

    const patched = await patch;
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await get).statusCode).toBe(200);
    const now = (await t.scim('GET', `/scim/v2/Users/${id}`)).json();
    expect(now).toMatchObject({ active: true, title: 'CTO', [ENTERPRISE]: { department: 'Research' } });
    expect(now.groups.map((g: { display: string }) => g.display)).toEqual(['Eng']);
  });
});

describe('one writer per Jamf user', () => {
  it('10 concurrent PATCHes to one user reach a Jamf that loses overlapping updates one at a time; the last one answered is what Jamf holds', async () => {
    t = await startTestServer({ concurrentWrites: 'lost-update' });
    const id = await createUser(t, oktaCreateBody(USER));
    const titles = Array.from({ length: 10 }, (_, i) => `Title ${i}`);
    const answered: string[] = [];
    await Promise.all(
      titles.map(async (title) => {
        const res = await t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: title }));
        expect(res.statusCode, res.body).toBe(200);
        answered.push(title);
      }),
    );
    expect(t.sim.maxConcurrentWrites()).toBe(1);
    expect(jamfUsersNamed(t, USER)[0]?.position).toBe(answered.at(-1));
    expect((await t.scim('GET', `/scim/v2/Users/${id}`)).json().title).toBe(answered.at(-1));
  });
});

describe('creates of one userName at once', () => {
  it('20 parallel POSTs of one userName, the first creates failing with 500: exactly one 201, one Jamf user', async () => {
    t = await startTestServer();
    t.sim.setKnobs({ faults: { next: [{ method: 'POST', route: USER_BY_ID, fault: 500, count: 3 }] } });
    const results = await Promise.all(Array.from({ length: 20 }, () => t.scim('POST', '/scim/v2/Users', oktaCreateBody(USER))));

    const created = results.filter((r) => r.statusCode === 201);
    expect(created).toHaveLength(1);
    for (const r of results.filter((x) => x.statusCode !== 201)) expectScimError(r, 409, 'uniqueness');
    const accounts = jamfUsersNamed(t, USER);
    expect(accounts.map((a) => String(a.id))).toEqual([created[0]?.json().id]);
  });

  it('a POST of the name of a user made by hand in Jamf, answered 500, is 409 and never takes that user', async () => {
    t = await startTestServer();
    const byHand = t.sim.addUser({ name: USER, fullName: 'Someone Else' });
    t.sim.setKnobs({ faults: { next: [{ method: 'POST', route: USER_BY_ID, fault: 500 }] } });

    expectScimError(await t.scim('POST', '/scim/v2/Users', oktaCreateBody(USER)), 409, 'uniqueness');
    expect(storeUserRows(t)).toEqual([]);
    expect(t.sim.state.users.get(byHand)?.full_name).toBe('Someone Else');
  });

  it('after the IdP saw the name absent, a create whose response was lost answers 201 with the user it made', async () => {
    t = await startTestServer();
    const check = await t.scim('GET', `/scim/v2/Users?filter=${q(`userName eq "${USER}"`)}`);
    expect(check.json().totalResults).toBe(0);
    t.sim.setKnobs({ faults: { next: [{ method: 'POST', route: USER_BY_ID, fault: 'reset-after' }] } });

    const res = await t.scim('POST', '/scim/v2/Users', oktaCreateBody(USER));
    expect(res.statusCode, res.body).toBe(201);
    expect(jamfUsersNamed(t, USER).map((u) => String(u.id))).toEqual([res.json().id]);
  });

  it('without that sighting a lost create answers 409; the IdP then finds the user it made by userName', async () => {
    t = await startTestServer();
    t.sim.setKnobs({ faults: { next: [{ method: 'POST', route: USER_BY_ID, fault: 'reset-after' }] } });

    expectScimError(await t.scim('POST', '/scim/v2/Users', oktaCreateBody(USER)), 409, 'uniqueness');
    const found = (await t.scim('GET', `/scim/v2/Users?filter=${q(`userName eq "${USER}"`)}`)).json();
    expect(found.totalResults).toBe(1);
    expect(jamfUsersNamed(t, USER).map((u) => String(u.id))).toEqual([found.Resources[0].id]);
  });
});
