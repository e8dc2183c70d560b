/**
 * A read takes the store row before its Jamf call and answers from both; a write to the user that
 * lands while Jamf answers must not be lost from that answer (src/provisioning/user-reads.ts).
 * Jamf calls are held with simulator traps, so each interleaving is exact, not timed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { createUser, oktaCreateBody, patchBody, q } from './users-support.js';

const USER = 'ada@example.com';

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

const setExternalId = (id: string, value: string) => t.scim('PATCH', `/scim/v2/Users/${id}`, patchBody({ op: 'replace', path: 'externalId', value }));

describe('a read overlapping a write of the same user', () => {
  it('a GET whose Jamf read started before a PATCH answers what the PATCH wrote', async () => {
    t = await startTestServer();
    const id = await createUser(t, { ...oktaCreateBody(USER), externalId: 'okta-old' });
    const trap = t.sim.trap({ method: 'GET', route: '/JSSResource/users/id/:id' });
    const get = t.scim('GET', `/scim/v2/Users/${id}`);
    await trap.hit();

    const patched = await setExternalId(id, 'okta-new');
    expect(patched.statusCode, patched.body).toBe(200);
    trap.release();

    const read = await get;
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ id, externalId: 'okta-new' });
    expect(read.json().meta.version).toBe(patched.json().meta.version);
  });

  it('a filter=userName eq whose Jamf read started before a PATCH answers what the PATCH wrote', async () => {
    t = await startTestServer();
    const id = await createUser(t, { ...oktaCreateBody(USER), externalId: 'okta-old' });
    const trap = t.sim.trap({ method: 'GET', route: '/JSSResource/users/name/:name' });
    const search = t.scim('GET', `/scim/v2/Users?filter=${q(`userName eq "${USER}"`)}`);
    await trap.hit();

    expect((await setExternalId(id, 'okta-new')).statusCode).toBe(200);
    trap.release();

    const found = (await search).json();
    expect(found.totalResults).toBe(1);
    expect(found.Resources[0]).toMatchObject({ id, externalId: 'okta-new' });
  });

  it('reads of an unchanged user answer the same resource and version every time, listed or by id', async () => {
    t = await startTestServer();
    const id = await createUser(t, { ...oktaCreateBody(USER), externalId: 'okta-1' });
    const byId = await Promise.all([1, 2, 3].map(() => t.scim('GET', `/scim/v2/Users/${id}`)));
    const byName = await Promise.all([1, 2].map(() => t.scim('GET', `/scim/v2/Users?filter=${q(`userName eq "${USER}"`)}`)));
    const first = byId[0]?.json();
    for (const res of byId) expect(res.json()).toEqual(first);
    for (const res of byName) expect(res.json().Resources).toEqual([first]);
  });
});
