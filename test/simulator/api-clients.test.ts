import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import { JSON_TYPE, clientToken, useSimulators } from './helpers.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function adminToken(sim: Simulator): Promise<string> {
  const res = await sim.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { authorization: basic('admin', 'simulator-password') } });
  return (res.json() as { token: string }).token;
}

async function pro(sim: Simulator, token: string, method: string, url: string, body?: unknown) {
  return sim.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${token}`, accept: JSON_TYPE, ...(body === undefined ? {} : { 'content-type': JSON_TYPE }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

async function oauth(sim: Simulator, clientId: string, clientSecret: string) {
  return sim.app.inject({
    method: 'POST',
    url: '/api/v1/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
  });
}

describe('API roles and clients (/api/v1/api-roles, /api/v1/api-integrations)', () => {
  const simulator = useSimulators();

  it('creates a role and a client whose token holds exactly the role privileges', async () => {
    const sim = simulator({ seedUsers: 2 });
    const admin = await adminToken(sim);
    const privileges = (await pro(sim, admin, 'GET', '/api/v1/api-role-privileges')).json() as { privileges: string[] };
    expect(privileges.privileges).toContain('Read User');
    expect(privileges.privileges).toEqual([...privileges.privileges].sort((a, b) => a.localeCompare(b, 'en')));

    const role = await pro(sim, admin, 'POST', '/api/v1/api-roles', { displayName: 'reader', privileges: ['Read User'] });
    expect(role.statusCode).toBe(200);
    expect(role.json()).toEqual({ id: '1', displayName: 'reader', privileges: ['Read User'] });

    const created = await pro(sim, admin, 'POST', '/api/v1/api-integrations', {
      authorizationScopes: ['reader'],
      displayName: 'reader-client',
      enabled: true,
      accessTokenLifetimeSeconds: 120,
    });
    expect(created.statusCode).toBe(201);
    const integration = created.json() as { id: number; clientId: string };
    expect(created.json()).toMatchObject({ id: 1, authorizationScopes: ['reader'], displayName: 'reader-client', enabled: true, accessTokenLifetimeSeconds: 120, appType: 'CLIENT_CREDENTIALS' });

    const first = (await pro(sim, admin, 'POST', `/api/v1/api-integrations/${integration.id}/client-credentials`)).json() as { clientId: string; clientSecret: string };
    expect(first.clientId).toBe(integration.clientId);
    const token = await oauth(sim, first.clientId, first.clientSecret);
    expect(token.statusCode).toBe(200);
    expect(token.json()).toMatchObject({ token_type: 'Bearer', scope: 'api-role:1', expires_in: 120 });
    const access = (token.json() as { access_token: string }).access_token;

    expect((await pro(sim, access, 'GET', '/JSSResource/users')).statusCode).toBe(200);
    // Not in the role: the Classic API's missing-privilege 401 (privileges.ts).
    expect((await pro(sim, access, 'DELETE', '/JSSResource/users/id/1')).statusCode).toBe(401);

    // Adding a privilege to the role applies to the token already issued.
    await pro(sim, admin, 'PUT', '/api/v1/api-roles/1', { displayName: 'reader', privileges: ['Read User', 'Delete User'] });
    expect((await pro(sim, access, 'DELETE', '/JSSResource/users/id/1')).statusCode).toBe(200);

    // A new secret: the previous one stops working.
    const second = (await pro(sim, admin, 'POST', `/api/v1/api-integrations/${integration.id}/client-credentials`)).json() as { clientSecret: string };
    expect(second.clientSecret).not.toBe(first.clientSecret);
    expect((await oauth(sim, first.clientId, first.clientSecret)).json()).toMatchObject({ error: 'invalid_client' });
    expect((await oauth(sim, first.clientId, second.clientSecret)).statusCode).toBe(200);
  });

  it('finds roles and clients by display name, refuses duplicates and unknown names', async () => {
    const sim = simulator();
    const admin = await adminToken(sim);
    await pro(sim, admin, 'POST', '/api/v1/api-roles', { displayName: 'jamf-scim', privileges: ['Read User'] });
    await pro(sim, admin, 'POST', '/api/v1/api-roles', { displayName: 'other', privileges: [] });
    const found = await pro(sim, admin, 'GET', `/api/v1/api-roles?filter=${encodeURIComponent('displayName=="jamf-scim"')}`);
    expect(found.json()).toEqual({ totalCount: 1, results: [{ id: '1', displayName: 'jamf-scim', privileges: ['Read User'] }] });

    const duplicate = await pro(sim, admin, 'POST', '/api/v1/api-roles', { displayName: 'jamf-scim', privileges: [] });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json()).toEqual({ httpStatus: 400, errors: [{ code: null, description: 'role display name must be unique', id: '0', field: null }] });
    const unknown = await pro(sim, admin, 'POST', '/api/v1/api-roles', { displayName: 'x', privileges: ['Fly Planes'] });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json())).toContain('Fly Planes');

    const noRole = await pro(sim, admin, 'POST', '/api/v1/api-integrations', { authorizationScopes: ['nope'], displayName: 'c', enabled: true });
    expect(noRole.statusCode).toBe(400);
    await pro(sim, admin, 'POST', '/api/v1/api-integrations', { authorizationScopes: ['jamf-scim'], displayName: 'jamf-scim', enabled: true });
    const list = await pro(sim, admin, 'GET', `/api/v1/api-integrations?filter=${encodeURIComponent('displayName=="jamf-scim"')}`);
    expect((list.json() as { totalCount: number }).totalCount).toBe(1);
    expect((await pro(sim, admin, 'DELETE', '/api/v1/api-roles/1')).statusCode).toBe(409);
    expect((await pro(sim, admin, 'GET', '/api/v1/api-integrations/99')).statusCode).toBe(404);
  });

  it('refuses an API client or an account without the API role privileges (403), and older Jamf Pro (404)', async () => {
    const sim = simulator();
    const client = await clientToken(sim);
    const refused = await pro(sim, client, 'POST', '/api/v1/api-roles', { displayName: 'r', privileges: [] });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ errors: [{ code: 'INVALID_PRIVILEGE' }] });

    sim.setKnobs({ accountPrivileges: ['Read API Roles'] });
    const limited = await adminToken(sim);
    expect((await pro(sim, limited, 'GET', '/api/v1/api-roles')).statusCode).toBe(200);
    expect((await pro(sim, limited, 'POST', '/api/v1/api-roles', { displayName: 'r', privileges: [] })).statusCode).toBe(403);

    sim.setKnobs({ version: '10.48.0', accountPrivileges: 'all' });
    expect((await pro(sim, await adminToken(sim), 'GET', '/api/v1/api-roles')).statusCode).toBe(404);
  });

  it('refuses a disabled client or one without a secret yet', async () => {
    const sim = simulator();
    const admin = await adminToken(sim);
    await pro(sim, admin, 'POST', '/api/v1/api-roles', { displayName: 'r', privileges: ['Read User'] });
    const created = (await pro(sim, admin, 'POST', '/api/v1/api-integrations', { authorizationScopes: ['r'], displayName: 'c' })).json() as { id: number; clientId: string; enabled: boolean };
    expect(created.enabled).toBe(false);
    expect((await oauth(sim, created.clientId, '')).json()).toMatchObject({ error: 'invalid_client' });
    const { clientSecret } = (await pro(sim, admin, 'POST', `/api/v1/api-integrations/${created.id}/client-credentials`)).json() as { clientSecret: string };
    expect((await oauth(sim, created.clientId, clientSecret)).json()).toMatchObject({ error: 'invalid_client' });
    await pro(sim, admin, 'PUT', `/api/v1/api-integrations/${created.id}`, { authorizationScopes: ['r'], displayName: 'c', enabled: true });
    expect((await oauth(sim, created.clientId, clientSecret)).statusCode).toBe(200);
  });
});
