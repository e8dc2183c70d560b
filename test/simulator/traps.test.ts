import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import { call, clientToken, statusParagraphs, useSimulators, XML } from './helpers.js';

const GROUP_ROUTE = '/JSSResource/usergroups/id/:id';

const members = (sim: Simulator, id: number) => [...(sim.state.groups.get(id)?.memberIds ?? [])].sort((a, b) => a - b);

/** A group `g` (no members) and users to add to it. */
function setup(sim: Simulator) {
  const users = ['ada', 'bob', 'cy'].map((name) => sim.addUser({ name }));
  return { g: sim.addGroup({ name: 'Eng' }), users };
}

const addMember = (sim: Simulator, token: string, group: number, user: number) =>
  call(sim, 'PUT', `/JSSResource/usergroups/id/${group}`, {
    token,
    body: `<user_group><user_additions><user><id>${user}</id></user></user_additions></user_group>`,
  });

describe('traps', () => {
  const create = useSimulators();

  it("'received' holds the call before Jamf applies it; other calls are served meanwhile", async () => {
    const sim = create();
    const { g, users } = setup(sim);
    const token = await clientToken(sim);
    const trap = sim.trap({ method: 'PUT', route: GROUP_ROUTE });

    const put = addMember(sim, token, g, users[0] ?? 0);
    expect(await trap.hit()).toEqual({ phase: 'received', method: 'PUT', route: GROUP_ROUTE });
    expect(trap.held).toBe(1);
    const read = await call(sim, 'GET', `/JSSResource/usergroups/id/${g}`, { token });
    expect(read.statusCode).toBe(200);
    expect(members(sim, g)).toEqual([]);

    trap.release();
    expect((await put).statusCode).toBe(201);
    expect(members(sim, g)).toEqual([users[0]]);
  });

  it("'settled' holds the call after Jamf applied it, before the client has the answer", async () => {
    const sim = create();
    const { g, users } = setup(sim);
    const token = await clientToken(sim);
    const trap = sim.trap({ method: 'PUT', route: GROUP_ROUTE, phase: 'settled' });
    let answered = false;

    const put = addMember(sim, token, g, users[1] ?? 0).then((res) => {
      answered = true;
      return res;
    });
    expect(await trap.hit()).toEqual({ phase: 'settled', method: 'PUT', route: GROUP_ROUTE, status: 201 });
    expect(members(sim, g)).toEqual([users[1]]);
    // A whole round trip completes while the PUT stays unanswered.
    expect((await call(sim, 'GET', '/JSSResource/users', { token })).statusCode).toBe(200);
    expect(answered).toBe(false);

    trap.release();
    expect((await put).statusCode).toBe(201);
    expect(answered).toBe(true);
  });

  it('holds up to count calls; hit(n) is the n-th; later matches pass through untouched', async () => {
    const sim = create();
    const { g, users } = setup(sim);
    const [ada = 0, bob = 0, cy = 0] = users;
    const token = await clientToken(sim);
    const trap = sim.trap({ method: 'put', route: GROUP_ROUTE, count: 2 });

    const first = addMember(sim, token, g, ada);
    await trap.hit(1);
    const second = addMember(sim, token, g, bob);
    expect(await trap.hit(2)).toMatchObject({ method: 'PUT', route: GROUP_ROUTE });
    expect(trap.held).toBe(2);
    expect((await addMember(sim, token, g, cy)).statusCode).toBe(201);
    expect(members(sim, g)).toEqual([cy]);
    await expect(trap.hit(3)).rejects.toThrow(RangeError);

    trap.release();
    expect([(await first).statusCode, (await second).statusCode]).toEqual([201, 201]);
    expect(members(sim, g)).toEqual([ada, bob, cy]);
    expect(trap.held).toBe(2);
    await expect(trap.hit(1)).resolves.toMatchObject({ phase: 'received' });
  });

  it('release(fault) answers the held calls with that fault; the configured faults stay for later calls', async () => {
    const sim = create({ faults: { next: [{ method: 'PUT', route: GROUP_ROUTE, fault: 502 }] } });
    const { g, users } = setup(sim);
    const [ada = 0, bob = 0, cy = 0] = users;
    const token = await clientToken(sim);
    const trap = sim.trap({ method: 'PUT', route: GROUP_ROUTE });

    const held = addMember(sim, token, g, ada);
    await trap.hit();
    trap.release(503);
    const refused = await held;
    expect(refused.statusCode).toBe(503);
    expect(statusParagraphs(refused.body)[0]).toBe('Service Unavailable');
    expect(members(sim, g)).toEqual([]);
    // The trap is spent: the next PUT meets the targeted 502, the one after is served.
    expect((await addMember(sim, token, g, bob)).statusCode).toBe(502);
    expect((await addMember(sim, token, g, cy)).statusCode).toBe(201);
    expect(members(sim, g)).toEqual([cy]);
  });

  it('a call held on arrival takes no serving slot', async () => {
    const sim = create({ maxConcurrent: 1 });
    const { g, users } = setup(sim);
    const token = await clientToken(sim);
    const trap = sim.trap({ method: 'PUT' });

    const put = addMember(sim, token, g, users[0] ?? 0);
    await trap.hit();
    expect((await call(sim, 'GET', `/JSSResource/usergroups/id/${g}`, { token })).statusCode).toBe(200);
    trap.release();
    expect((await put).statusCode).toBe(201);
  });

  it('close() releases held calls at both phases, unapplied ones refused, and fails pending hits', async () => {
    const sim = create();
    const { g, users } = setup(sim);
    const [ada = 0, bob = 0] = users;
    const base = await sim.listen();
    const token = await clientToken(sim);
    const send = (path: string, user: number) =>
      request(`${base}${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, accept: XML, 'content-type': XML },
        body: `<user_group><user_additions><user><id>${user}</id></user></user_additions></user_group>`,
      }).then(
        async (res) => {
          await res.body.dump();
          return res.statusCode;
        },
        () => 'no answer',
      );
    const onArrival = sim.trap({ method: 'PUT', route: GROUP_ROUTE, count: 2 });
    const settled = sim.trap({ method: 'PUT', route: '/JSSResource/usergroups/name/:name', phase: 'settled' });

    const held = send(`/JSSResource/usergroups/id/${g}`, ada);
    await onArrival.hit();
    const applied = send('/JSSResource/usergroups/name/Eng', bob);
    await settled.hit();
    const never = onArrival.hit(2);

    await sim.close();
    await expect(never).rejects.toThrow(/never held/);
    // Closing may cut the sockets before the answers go out; either way nothing hangs.
    expect([503, 'no answer']).toContain(await held);
    expect([201, 'no answer']).toContain(await applied);
    expect(members(sim, g)).toEqual([bob]);
  });
});
