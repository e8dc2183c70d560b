import { describe, expect, it } from 'vitest';
import { call, clientToken, statusParagraphs, useSimulators } from './helpers.js';

const WORDING = 'A user with this name already exists';

const patchKnobs = (body: unknown) => ({
  method: 'PATCH' as const,
  url: '/__simulator/knobs',
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify(body),
});

describe('the duplicate-name 409 worded differently (jamf-pro-api.md §11)', () => {
  const create = useSimulators();

  it('user creates and renames onto a taken name answer 409 with the configured message', async () => {
    const sim = create({ duplicateNameMessage: WORDING });
    sim.addUser({ name: 'jdoe' });
    const other = sim.addUser({ name: 'other' });
    const token = await clientToken(sim);
    for (const [method, url] of [['POST', '/JSSResource/users/id/0'], ['PUT', `/JSSResource/users/id/${other}`]] as const) {
      const res = await call(sim, method, url, { token, body: '<user><name>JDOE</name></user>' });
      expect(res.statusCode).toBe(409);
      expect(statusParagraphs(res.body).slice(0, 2)).toEqual(['Conflict', `Error: ${WORDING}`]);
    }
    expect([...sim.state.users.values()].map((u) => u.name)).toEqual(['jdoe', 'other']);
  });

  it('user-group creates and renames onto a taken name answer 409 with the configured message', async () => {
    const sim = create();
    sim.setKnobs({ duplicateNameMessage: WORDING });
    sim.addGroup({ name: 'Engineering' });
    const other = sim.addGroup({ name: 'Sales' });
    const token = await clientToken(sim);
    const body = '<user_group><name>engineering</name><is_smart>false</is_smart></user_group>';
    for (const [method, url] of [['POST', '/JSSResource/usergroups/id/0'], ['PUT', `/JSSResource/usergroups/id/${other}`]] as const) {
      const res = await call(sim, method, url, { token, body });
      expect([res.statusCode, statusParagraphs(res.body)[1]]).toEqual([409, `Error: ${WORDING}`]);
    }
    expect([...sim.state.groups.values()].map((g) => g.name)).toEqual(['Engineering', 'Sales']);
  });

  it('is "Duplicate name" by default and changes through PATCH /__simulator/knobs; a blank message is a 400', async () => {
    const sim = create();
    sim.addUser({ name: 'jdoe' });
    const token = await clientToken(sim);
    const duplicate = async () =>
      statusParagraphs((await call(sim, 'POST', '/JSSResource/users/id/0', { token, body: '<user><name>jdoe</name></user>' })).body)[1];
    expect(await duplicate()).toBe('Error: Duplicate name');
    const patched = await sim.app.inject(patchKnobs({ duplicateNameMessage: WORDING }));
    expect([patched.statusCode, patched.json().duplicateNameMessage]).toEqual([200, WORDING]);
    expect(await duplicate()).toBe(`Error: ${WORDING}`);
    for (const bad of [{ duplicateNameMessage: '' }, { duplicateNameMessage: 409 }]) {
      expect((await sim.app.inject(patchKnobs(bad))).statusCode).toBe(400);
    }
    expect(() => sim.setKnobs({ duplicateNameMessage: '' })).toThrow();
    expect(await duplicate()).toBe(`Error: ${WORDING}`);
  });
});
