/**
 * Classic answers a missing privilege with 401, like an expired token (jamf-pro-api.md §11; the
 * simulator does so, src/simulator/privileges.ts). After one fresh token is refused too, the client
 * names the privilege and stops asking for tokens for that kind of call for a while.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JamfPrivilegeError } from '../../src/jamf/errors.js';
import { DEFAULT_PRIVILEGES } from '../../src/simulator/index.js';
import { failure } from './helpers.js';
import { startSimClient, type SimClient } from './sim-client.js';

const TOKEN = 'POST /api/v1/oauth/token';
const without = (...missing: string[]) => DEFAULT_PRIVILEGES.filter((p) => !missing.includes(p));

let h: SimClient | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a privilege missing from the API role', () => {
  it('is named after one token refresh, and costs no further token requests for that kind of call', async () => {
    h = await startSimClient({ sim: { privileges: without('Update User') } });
    const id = h.sim.addUser({ name: 'jdoe' });

    const err = await failure(h.client.updateUser(id, { position: 'Engineer' }));
    expect(err).toBeInstanceOf(JamfPrivilegeError);
    expect(err.message).toBe('Jamf Pro refused this server\'s API client the privilege "Update User" (PUT /JSSResource/users/id/:id): add it to the API role');
    expect(h.sim.counters()[TOKEN]).toBe(2);

    // Twenty more updates: one call each, no token request; reads still work with the same token.
    for (let i = 0; i < 20; i++) expect(await failure(h.client.updateUser(id, { position: `p${i}` }))).toMatchObject({ privilege: 'Update User' });
    expect((await h.client.getUser(id))?.name).toBe('jdoe');
    expect(h.sim.counters()[TOKEN]).toBe(2);
    expect(h.sim.counters()['PUT /JSSResource/users/id/:id']).toBe(22);

    expect(h.client.missingPrivileges()).toEqual([{ privilege: 'Update User', calls: ['PUT /JSSResource/users/id/:id'], since: '2026-03-01T12:00:00.000Z' }]);
    const logged = h.log.lines.filter((l) => l['level'] === 50);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ msg: err.message, jamf: { method: 'PUT', route: '/JSSResource/users/id/:id', privilege: 'Update User', status: 401 } });
  });

  it('leaves the list as soon as the administrator added it: the calls are still sent, only tokens are spared', async () => {
    h = await startSimClient({ sim: { privileges: without('Delete Static User Groups') } });
    const groupId = h.sim.addGroup({ name: 'Eng' });
    expect(await failure(h.client.deleteGroup(groupId))).toMatchObject({ privilege: 'Delete Static User Groups' });
    expect(h.client.missingPrivileges().map((m) => m.privilege)).toEqual(['Delete Static User Groups']);

    h.sim.setKnobs({ privileges: DEFAULT_PRIVILEGES });
    h.clock.ms += 60_000;
    await h.client.deleteGroup(groupId);
    expect(h.sim.state.groups.has(groupId)).toBe(false);
    expect(h.client.missingPrivileges()).toEqual([]);
  });

  it('names the user privilege of /api/v1/users, which answers 403', async () => {
    h = await startSimClient({ sim: { privileges: without('Read User'), version: '11.30.1' } });
    const err = await failure(h.client.pageUsers({ page: 0, pageSize: 10 }));
    expect(err).toMatchObject({ kind: 'forbidden', privilege: 'Read User', status: 403, route: 'GET /api/v1/users' });
    expect(h.sim.counters()[TOKEN]).toBe(1);
  });

  it('does not tell the administrator to add a privilege for a smart group that a static-group role may not read', async () => {
    h = await startSimClient();
    const smart = h.sim.addGroup({ name: 'Smart', isSmart: true });
    const err = await failure(h.client.getGroup(smart));
    expect(err.message).toBe(
      'Jamf Pro refused this server\'s API client the privilege "Read Static User Groups" (GET /JSSResource/usergroups/id/:id): add it to the API role unless that group is a smart group',
    );
  });

  it.each([
    ['Read User', (s: SimClient, id: number) => s.client.getUser(id), 'GET /JSSResource/users/id/:id'],
    ['Create User', (s: SimClient) => s.client.createUser({ name: 'new-user' }), 'POST /JSSResource/users/id/0'],
    ['Delete User', (s: SimClient, id: number) => s.client.deleteUser(id), 'DELETE /JSSResource/users/id/:id'],
    ['Read Static User Groups', (s: SimClient) => s.client.listGroups(), 'GET /JSSResource/usergroups'],
    ['Create Static User Groups', (s: SimClient) => s.client.createGroup({ name: 'G', memberIds: [] }), 'POST /JSSResource/usergroups/id/0'],
    ['Update Static User Groups', (s: SimClient, _id: number, g: number) => s.client.updateGroup(g, { name: 'H' }), 'PUT /JSSResource/usergroups/id/:id'],
  ])('names "%s" for %s', async (privilege, call, route) => {
    h = await startSimClient({ sim: { privileges: without(privilege) } });
    const id = h.sim.addUser({ name: 'jdoe' });
    const groupId = h.sim.addGroup({ name: 'Eng' });
    expect(await failure(call(h, id, groupId))).toMatchObject({ privilege, route });
  });
});
