/**
 * Jamf's "Sticky Sessions for Jamf Cloud": the balancer cookie is for dependent sequences (create,
 * then use), not for all traffic. The simulator's balancer gives every response to a request
 * without a cookie a `jpro-ingress` value of its own, so the test sees exactly which cookie went where.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { PIN_MS } from '../../src/jamf/node-affinity.js';
import { startSimClient, type SimClient } from './sim-client.js';

interface Seen {
  call: string;
  cookie: string | undefined;
}

let h: SimClient | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(): Promise<{ h: SimClient; seen: Seen[]; issued: Map<string, string> }> {
  const seen: Seen[] = [];
  /** The `jpro-ingress` value each response set, by call. */
  const issued = new Map<string, string>();
  const record = (app: FastifyInstance) => {
    app.addHook('onRequest', async (request) => {
      seen.push({ call: `${request.method} ${request.routeOptions.url ?? request.url}`, cookie: request.headers.cookie });
    });
    app.addHook('onSend', async (request, reply, payload) => {
      const set = reply.getHeader('set-cookie');
      if (typeof set === 'string') issued.set(`${request.method} ${request.routeOptions.url ?? request.url}`, set.split(';')[0] ?? '');
      return payload;
    });
  };
  h = await startSimClient({ beforeListen: record });
  return { h, seen, issued };
}

const cookiesOf = (seen: Seen[], call: string) => seen.filter((s) => s.call === call).map((s) => s.cookie);

describe('node affinity', () => {
  it('sends the cookie of a user create only on the calls that use that user, shortly after', async () => {
    const { h, seen, issued } = await start();
    const other = h.sim.addUser({ name: 'someone-else' });
    const id = await h.client.createUser({ name: 'new-hire' });
    const node = issued.get('POST /JSSResource/users/id/:id');
    expect(node).toMatch(/^jpro-ingress=\w+$/);

    await h.client.getUser(id);
    await h.client.updateUser(id, { position: 'Engineer' });
    await h.client.getUser(other);
    await h.client.listUsers();
    await h.client.getUserByName('someone-else');

    expect(cookiesOf(seen, 'POST /api/v1/oauth/token')).toEqual([undefined]);
    expect(cookiesOf(seen, 'POST /JSSResource/users/id/:id')).toEqual([undefined]);
    expect(cookiesOf(seen, 'GET /JSSResource/users/id/:id')).toEqual([node, undefined]);
    expect(cookiesOf(seen, 'PUT /JSSResource/users/id/:id')).toEqual([node]);
    expect(cookiesOf(seen, 'GET /JSSResource/users')).toEqual([undefined]);
    expect(cookiesOf(seen, 'GET /JSSResource/users/name/:name')).toEqual([undefined]);

    // A minute and a half later every node has the user: its calls spread again.
    h.clock.ms += PIN_MS;
    await h.client.deleteUser(id);
    expect(cookiesOf(seen, 'DELETE /JSSResource/users/id/:id')).toEqual([undefined]);
  });

  it('sends a new user\'s cookie on the group create and group PUT that add that user', async () => {
    const { h, seen, issued } = await start();
    const existing = h.sim.addGroup({ name: 'Existing' });
    const id = await h.client.createUser({ name: 'new-hire' });
    const node = issued.get('POST /JSSResource/users/id/:id');

    const groupId = await h.client.createGroup({ name: 'New Hires', memberIds: [id] });
    await h.client.updateGroup(existing, { addIds: [id] });
    await h.client.updateGroup(existing, { name: 'Renamed' });
    // The group was created on the user's node: reading it goes there too.
    await h.client.getGroup(groupId);

    expect(cookiesOf(seen, 'POST /JSSResource/usergroups/id/:id')).toEqual([node]);
    expect(cookiesOf(seen, 'PUT /JSSResource/usergroups/id/:id')).toEqual([node, undefined]);
    expect(cookiesOf(seen, 'GET /JSSResource/usergroups/id/:id')).toEqual([node]);
  });

  it('pins a group created without new members to the node its create answered from', async () => {
    const { h, seen, issued } = await start();
    const groupId = await h.client.createGroup({ name: 'Solo', memberIds: [] });
    const node = issued.get('POST /JSSResource/usergroups/id/:id');
    await h.client.updateGroup(groupId, { name: 'Solo 2' });
    await h.client.listGroups();
    expect(cookiesOf(seen, 'POST /JSSResource/usergroups/id/:id')).toEqual([undefined]);
    expect(cookiesOf(seen, 'PUT /JSSResource/usergroups/id/:id')).toEqual([node]);
    expect(cookiesOf(seen, 'GET /JSSResource/usergroups')).toEqual([undefined]);
  });
});
