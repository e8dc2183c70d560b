import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIVILEGES } from '../../src/simulator/index.js';
import { call, clientToken, statusParagraphs, useSimulators } from './helpers.js';

const basicToken = async (sim: ReturnType<ReturnType<typeof useSimulators>>) => {
  const res = await sim.app.inject({
    method: 'POST',
    url: '/api/v1/auth/token',
    headers: { authorization: `Basic ${Buffer.from('admin:simulator-password').toString('base64')}` },
  });
  return (res.json() as { token: string }).token;
};

describe('privileges (§6)', () => {
  const create = useSimulators();

  it('defaults to the eight user and static-group privileges', () => {
    expect(DEFAULT_PRIVILEGES).toEqual([
      'Create User', 'Read User', 'Update User', 'Delete User',
      'Create Static User Groups', 'Read Static User Groups', 'Update Static User Groups', 'Delete Static User Groups',
    ]);
  });

  it('a Classic call lacking its privilege is a 401 status page that is not INVALID_TOKEN', async () => {
    const sim = create({ privileges: ['Read User'] });
    const id = sim.addUser({ name: 'a' });
    const token = await clientToken(sim);
    expect((await call(sim, 'GET', `/JSSResource/users/id/${id}`, { token })).statusCode).toBe(200);
    for (const [method, url, body] of [
      ['POST', '/JSSResource/users/id/0', '<user><name>b</name></user>'],
      ['PUT', `/JSSResource/users/id/${id}`, '<user><position>x</position></user>'],
      ['DELETE', `/JSSResource/users/id/${id}`, undefined],
      ['GET', '/JSSResource/usergroups', undefined],
    ] as const) {
      const res = await call(sim, method, url, { token, ...(body ? { body } : {}) });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).not.toContain('INVALID_TOKEN');
      expect(statusParagraphs(res.body).slice(0, 2)).toEqual(['Unauthorized', 'The authentication provided is not authorized']);
    }
    expect(sim.state.users.size).toBe(1);
  });

  it('group privileges follow the group type: the default client cannot touch smart groups', async () => {
    const sim = create();
    const user = sim.addUser({ name: 'a' });
    const smart = sim.addGroup({ name: 'Smart', isSmart: true });
    const stat = sim.addGroup({ name: 'Static' });
    const token = await clientToken(sim);
    expect((await call(sim, 'GET', `/JSSResource/usergroups/id/${stat}`, { token })).statusCode).toBe(200);
    expect((await call(sim, 'GET', `/JSSResource/usergroups/id/${smart}`, { token })).statusCode).toBe(401);
    expect((await call(sim, 'DELETE', `/JSSResource/usergroups/id/${smart}`, { token })).statusCode).toBe(401);
    const smartCreate = await call(sim, 'POST', '/JSSResource/usergroups/id/0', {
      token,
      body: '<user_group><name>S2</name><is_smart>true</is_smart></user_group>',
    });
    expect(smartCreate.statusCode).toBe(401);
    // Reading a user still lists its smart groups: membership comes from the user record.
    expect((await call(sim, 'GET', `/JSSResource/users/id/${user}`, { token })).statusCode).toBe(200);
    sim.setKnobs({ privileges: [...DEFAULT_PRIVILEGES, 'Read Smart User Groups'] });
    expect((await call(sim, 'GET', `/JSSResource/usergroups/id/${smart}`, { token })).statusCode).toBe(200);
  });

  it('the Jamf Pro API answers a missing privilege with 403 INVALID_PRIVILEGE', async () => {
    const sim = create({ privileges: [] });
    const res = await call(sim, 'GET', '/api/v1/users');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ httpStatus: 403, errors: [{ code: 'INVALID_PRIVILEGE' }] });
    // The version endpoint needs a valid token only.
    expect((await call(sim, 'GET', '/api/v1/jamf-pro-version')).statusCode).toBe(200);
  });

  it('basic-auth (admin account) tokens are not limited by the API-client privileges', async () => {
    const sim = create({ privileges: [] });
    const token = await basicToken(sim);
    expect((await call(sim, 'POST', '/JSSResource/users/id/0', { token, body: '<user><name>x</name></user>' })).statusCode).toBe(201);
  });
});
