import { describe, expect, it } from 'vitest';
import type { ConcurrentWrites, Simulator } from '../../src/simulator/index.js';
import { call, clientToken, statusParagraphs, useSimulators } from './helpers.js';

const GROUP_ROUTE = '/JSSResource/usergroups/id/:id';
const USER_BY_NAME = '/JSSResource/users/name/:name';

const members = (sim: Simulator, id: number) => [...(sim.state.groups.get(id)?.memberIds ?? [])].sort((a, b) => a - b);

const addMember = (sim: Simulator, token: string, group: number, user: number) =>
  call(sim, 'PUT', `/JSSResource/usergroups/id/${group}`, {
    token,
    body: `<user_group><user_additions><user><id>${user}</id></user></user_additions></user_group>`,
  });

/** Group "Eng" with member ada; bob and cy are added by two overlapping PUTs. */
async function overlap(sim: Simulator) {
  const [ada = 0, bob = 0, cy = 0] = ['ada', 'bob', 'cy'].map((name) => sim.addUser({ name }));
  const g = sim.addGroup({ name: 'Eng', memberIds: [ada] });
  const token = await clientToken(sim);
  const trap = sim.trap({ method: 'PUT', route: GROUP_ROUTE });
  // A arrives first and is held; B arrives after it and commits; then A goes on.
  const first = addMember(sim, token, g, bob);
  await trap.hit();
  const second = await addMember(sim, token, g, cy);
  trap.release();
  return { g, ada, bob, cy, first: await first, second };
}

describe('concurrentWrites: overlapping Classic PUTs to one record', () => {
  const create = useSimulators();

  it("'atomic' (default) keeps both writes", async () => {
    const sim = create();
    const { g, ada, bob, cy, first, second } = await overlap(sim);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(members(sim, g)).toEqual([ada, bob, cy]);
  });

  it("'lost-update': the write held since before the other committed overwrites it", async () => {
    const sim = create({ concurrentWrites: 'lost-update' });
    const { g, ada, bob, first, second } = await overlap(sim);
    // Both answered success, yet cy's addition is gone: A applied its body to the group as it read it.
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(members(sim, g)).toEqual([ada, bob]);
  });

  it("'fail': the write whose group changed since it arrived answers 500 and applies nothing", async () => {
    const sim = create({ concurrentWrites: 'fail' });
    const { g, ada, cy, first, second } = await overlap(sim);
    expect(second.statusCode).toBe(201);
    expect(first.statusCode).toBe(500);
    expect(first.headers['content-type']).toMatch(/^text\/html/);
    expect(statusParagraphs(first.body).slice(0, 2)).toEqual(['Internal Server Error', 'Unable to update the database']);
    expect(members(sim, g)).toEqual([ada, cy]);
  });

  it.each<ConcurrentWrites>(['lost-update', 'fail'])("'%s' changes nothing for writes that do not overlap", async (mode) => {
    const sim = create({ concurrentWrites: mode });
    const [ada = 0, bob = 0] = ['ada', 'bob'].map((name) => sim.addUser({ name }));
    const g = sim.addGroup({ name: 'Eng' });
    const other = sim.addGroup({ name: 'Ops' });
    const token = await clientToken(sim);
    expect((await addMember(sim, token, g, ada)).statusCode).toBe(201);
    expect((await addMember(sim, token, g, bob)).statusCode).toBe(201);
    // Overlapping in time, but on two different groups.
    const trap = sim.trap({ method: 'PUT', route: GROUP_ROUTE });
    const held = addMember(sim, token, other, ada);
    await trap.hit();
    expect((await addMember(sim, token, g, ada)).statusCode).toBe(201);
    trap.release();
    expect((await held).statusCode).toBe(201);
    expect([members(sim, g), members(sim, other)]).toEqual([[ada, bob], [ada]]);
  });

  it.each([
    { mode: 'lost-update', statuses: [201, 201], user: ['Ada L', 'Intern'] },
    { mode: 'fail', statuses: [500, 201], user: ['', 'Engineer'] },
  ] as const)("users too, also when the URL names the user: '$mode'", async ({ mode, statuses, user }) => {
    const sim = create({ concurrentWrites: mode });
    const id = sim.addUser({ name: 'ada', position: 'Intern' });
    const token = await clientToken(sim);
    const trap = sim.trap({ method: 'PUT', route: USER_BY_NAME });
    const first = call(sim, 'PUT', '/JSSResource/users/name/ada', { token, body: '<user><full_name>Ada L</full_name></user>' });
    await trap.hit();
    const second = await call(sim, 'PUT', `/JSSResource/users/id/${id}`, { token, body: '<user><position>Engineer</position></user>' });
    trap.release();
    expect([(await first).statusCode, second.statusCode]).toEqual(statuses);
    const stored = sim.state.users.get(id);
    // lost-update: the held full_name write reverts the position; fail: only the position is written.
    expect([stored?.full_name, stored?.position]).toEqual(user);
  });

  it('a lost update does not bring back a user deleted meanwhile', async () => {
    const sim = create({ concurrentWrites: 'lost-update' });
    const [ada = 0, bob = 0, cy = 0] = ['ada', 'bob', 'cy'].map((name) => sim.addUser({ name }));
    const g = sim.addGroup({ name: 'Eng', memberIds: [ada] });
    const token = await clientToken(sim);
    const trap = sim.trap({ method: 'PUT', route: GROUP_ROUTE });
    const first = addMember(sim, token, g, bob);
    await trap.hit();
    expect((await addMember(sim, token, g, cy)).statusCode).toBe(201);
    expect((await call(sim, 'DELETE', `/JSSResource/users/id/${ada}`, { token })).statusCode).toBe(200);
    trap.release();
    expect((await first).statusCode).toBe(201);
    expect(members(sim, g)).toEqual([bob]);
  });
});

describe('maxConcurrentWrites', () => {
  const create = useSimulators();

  it('is the peak of PUTs in flight to one record, counted from arrival (before traps) until settled', async () => {
    const sim = create();
    const [ada = 0, bob = 0] = ['ada', 'bob'].map((name) => sim.addUser({ name }));
    const g = sim.addGroup({ name: 'Eng' });
    const other = sim.addGroup({ name: 'Ops' });
    const token = await clientToken(sim);
    expect(sim.maxConcurrentWrites()).toBe(0);

    // Two groups at once: one writer each.
    const trap = sim.trap({ method: 'PUT', route: GROUP_ROUTE });
    const held = addMember(sim, token, g, ada);
    await trap.hit();
    expect((await addMember(sim, token, other, ada)).statusCode).toBe(201);
    expect(sim.maxConcurrentWrites()).toBe(1);

    // The held PUT is still in flight: a second one to the same group overlaps it.
    expect((await addMember(sim, token, g, bob)).statusCode).toBe(201);
    expect(sim.maxConcurrentWrites()).toBe(2);
    const counters = await sim.app.inject({ method: 'GET', url: '/__simulator/counters' });
    expect(counters.json()).toMatchObject({ maxConcurrentWrites: 2 });

    // A reset keeps what is still in flight.
    sim.resetCounters();
    expect(sim.maxConcurrentWrites()).toBe(1);
    trap.release();
    expect((await held).statusCode).toBe(201);
    sim.resetCounters();
    expect(sim.maxConcurrentWrites()).toBe(0);
  });

  it('counts users by record whichever URL names them, and ignores reads and other routes', async () => {
    const sim = create();
    const id = sim.addUser({ name: 'ada' });
    const token = await clientToken(sim);
    const trap = sim.trap({ method: 'PUT', route: USER_BY_NAME });
    const held = call(sim, 'PUT', '/JSSResource/users/name/ADA', { token, body: '<user><position>A</position></user>' });
    await trap.hit();
    await call(sim, 'GET', `/JSSResource/users/id/${id}`, { token });
    await call(sim, 'POST', '/JSSResource/users/id/0', { token, body: '<user><name>bob</name></user>' });
    expect(sim.maxConcurrentWrites()).toBe(1);
    expect((await call(sim, 'PUT', `/JSSResource/users/id/${id}`, { token, body: '<user><position>B</position></user>' })).statusCode).toBe(201);
    expect(sim.maxConcurrentWrites()).toBe(2);
    trap.release();
    expect((await held).statusCode).toBe(201);
  });
});

describe('the concurrentWrites knob', () => {
  const create = useSimulators();
  const knobs = (sim: Simulator, body?: unknown) =>
    sim.app.inject({
      method: body === undefined ? 'GET' : 'PATCH',
      url: '/__simulator/knobs',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
    });

  it('is settable via setKnobs and PATCH /__simulator/knobs; a bad value is a 400', async () => {
    const sim = create();
    expect((await knobs(sim)).json()).toMatchObject({ concurrentWrites: 'atomic' });
    const patched = await knobs(sim, { concurrentWrites: 'fail' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ concurrentWrites: 'fail' });
    const refused = await knobs(sim, { concurrentWrites: 'sometimes' });
    expect(refused.statusCode).toBe(400);
    expect((await knobs(sim)).json()).toMatchObject({ concurrentWrites: 'fail' });

    const { g, ada, bob, cy, first } = await overlap(sim);
    expect(first.statusCode).toBe(500);
    sim.setKnobs({ concurrentWrites: 'atomic' });
    expect((await knobs(sim)).json()).toMatchObject({ concurrentWrites: 'atomic' });
    expect((await addMember(sim, await clientToken(sim), g, bob)).statusCode).toBe(201);
    expect(members(sim, g)).toEqual([ada, bob, cy]);
    expect(() => sim.setKnobs({ concurrentWrites: 'never' as ConcurrentWrites })).toThrow();
  });
});
