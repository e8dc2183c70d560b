/** The audit trail as an administrator reads it: every change in Jamf, who asked for it, and the calls it took. */
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../../src/audit/types.js';
import type { Running } from '../../src/runtime.js';
import { createSimulator } from '../../src/simulator/index.js';
import { captureLogs } from '../helper.js';
import { startRuntime, type Cleanups } from '../runtime-support.js';

const OKTA = 'okta-token-0123456789abcdef';
const ENTRA = 'entra-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef-0123456789';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('audit trail', () => {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function start(env: Record<string, string> = {}) {
    const sim = createSimulator();
    cleanups.push(() => sim.close());
    const logs = captureLogs('info');
    const running = await startRuntime(sim, cleanups, '', { SCIM_BEARER_TOKENS: `okta:${OKTA},entra:${ENTRA}`, ADMIN_TOKEN: ADMIN, ...env }, logs.logger);
    cleanups.push(() => running.stop());
    return { sim, running, logs };
  }

  async function scim(running: Running, token: string, method: string, path: string, body?: unknown, requestId?: string) {
    const res = await request(`${running.url}/scim/v2${path}`, {
      method: method as 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/scim+json',
        ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  }

  async function audit(running: Running, query = '') {
    const res = await request(`${running.url}/admin/api/audit${query}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.statusCode).toBe(200);
    return (await res.body.json()) as { total: number; entries: AuditEntry[]; next: number | null };
  }

  /** An unlabelled metric's value as `/metrics` shows it. */
  async function metric(running: Running, name: string): Promise<number> {
    const text = await (await request(`${running.url}/metrics`)).body.text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return Number(line?.split(' ')[1] ?? NaN);
  }

  const newUser = (userName: string) => ({ schemas: [USER_SCHEMA], userName, name: { givenName: 'Ada', familyName: 'Lovelace' }, active: true });

  it('records a user lifecycle with the credential, the request id and the Jamf calls of each step', async () => {
    const { running, logs } = await start();
    const created = await scim(running, OKTA, 'POST', '/Users', newUser('ada@example.com'), 'req-create');
    expect(created.status).toBe(201);
    const id = created.body?.id as string;
    const title = { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] };
    expect((await scim(running, OKTA, 'PATCH', `/Users/${id}`, title, 'req-title')).status).toBe(200);
    const off = { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] };
    expect((await scim(running, ENTRA, 'PATCH', `/Users/${id}`, off, 'req-off')).status).toBe(200);
    const on = { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: true }] };
    expect((await scim(running, OKTA, 'PATCH', `/Users/${id}`, on, 'req-on')).status).toBe(200);
    expect((await scim(running, OKTA, 'DELETE', `/Users/${id}`, undefined, 'req-delete')).status).toBe(204);

    const page = await audit(running, `?user=${encodeURIComponent('ADA@example.com')}`);
    const steps = [...page.entries].reverse();
    expect(steps.map((e) => [e.action, e.outcome, e.credential, e.requestId])).toEqual([
      ['user.created', 'success', 'okta', 'req-create'],
      ['user.updated', 'success', 'okta', 'req-title'],
      ['user.deactivated', 'success', 'entra', 'req-off'],
      ['user.reactivated', 'success', 'okta', 'req-on'],
      ['user.deleted', 'success', 'okta', 'req-delete'],
    ]);
    const [create, update, deactivate, reactivate, remove] = steps as [AuditEntry, AuditEntry, AuditEntry, AuditEntry, AuditEntry];
    expect(create.scimId).toBe(id);
    expect(create.jamfCalls.map((c) => c.method)).toContain('POST');
    expect(update.detail).toMatchObject({ changed: ['position'] });
    // Deactivation = the Jamf user deleted; the entry names the Jamf id it had.
    expect(deactivate.jamfIds).toEqual([Number(id)]);
    expect(deactivate.jamfCalls.some((c) => c.method === 'DELETE' && c.status === 200)).toBe(true);
    // Reactivation: a new Jamf id under the same SCIM id; both are named.
    expect(reactivate.scimId).toBe(id);
    expect(reactivate.jamfIds).toHaveLength(2);
    expect(reactivate.jamfIds[0]).toBe(Number(id));
    expect(remove.jamfIds).toEqual([reactivate.jamfIds[1]]);

    // The Jamf DELETE of the deactivation is tied to its SCIM request in the log too.
    const deleteLine = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'jamf call' && (l.jamf as { method: string }).method === 'DELETE');
    expect(deleteLine?.reqId).toBe('req-off');
    const requestLine = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request' && l.reqId === 'req-off');
    expect(requestLine).toMatchObject({ method: 'PATCH', status: 200, credential: 'entra' });
  });

  it('records a refused step with its outcome and Jamf calls, and what the IdP was answered', async () => {
    const { sim, running } = await start();
    const id = (await scim(running, OKTA, 'POST', '/Users', newUser('grace@example.com'))).body?.id as string;
    sim.setKnobs({ faults: { next: [{ method: 'DELETE', route: '/JSSResource/users/id/:id', fault: 500 }] } });
    const off = { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] };
    const answer = await scim(running, OKTA, 'PATCH', `/Users/${id}`, off, 'req-fails');
    expect(answer.status).toBeGreaterThanOrEqual(500);
    const failed = (await audit(running, '?outcome=failure')).entries;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ action: 'user.deactivated', scimId: id, requestId: 'req-fails', credential: 'okta' });
    expect(failed[0]?.jamfCalls.some((c) => c.method === 'DELETE' && c.status === 500)).toBe(true);
    expect(JSON.stringify(failed[0])).not.toContain(OKTA);
  });

  it('records group steps, and each request of a merged group write lists the shared PUT', async () => {
    const { sim, running } = await start();
    const a = (await scim(running, OKTA, 'POST', '/Users', newUser('a@example.com'))).body?.id as string;
    const b = (await scim(running, OKTA, 'POST', '/Users', newUser('b@example.com'))).body?.id as string;
    const group = await scim(running, OKTA, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Staff', members: [] }, 'req-group');
    const gid = group.body?.id as string;
    const add = (member: string) => ({ schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: member }] }] });
    const rename = { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'All staff' }] };
    // The rename's PUT is held, so both additions wait behind it and go to Jamf as one PUT.
    const trap = sim.trap({ method: 'PUT', route: '/JSSResource/usergroups/id/:id' });
    const renamed = scim(running, OKTA, 'PATCH', `/Groups/${gid}`, rename, 'req-rename');
    await trap.hit();
    const adds = [scim(running, OKTA, 'PATCH', `/Groups/${gid}`, add(a), 'req-add-a'), scim(running, ENTRA, 'PATCH', `/Groups/${gid}`, add(b), 'req-add-b')];
    await vi.waitFor(async () => expect(await metric(running, 'scim_group_changes_waiting')).toBe(2));
    trap.release();
    expect((await renamed).status).toBe(204);
    expect((await Promise.all(adds)).map((r) => r.status)).toEqual([204, 204]);
    const drop = { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${a}"]` }] };
    await scim(running, OKTA, 'PATCH', `/Groups/${gid}`, drop, 'req-drop');
    expect((await scim(running, OKTA, 'DELETE', `/Groups/${gid}`, undefined, 'req-gdel')).status).toBe(204);

    const entries = [...(await audit(running, `?group=${gid}`)).entries].reverse();
    expect(entries.map((e) => e.action)).toEqual([
      'group.created',
      'group.renamed',
      'group.members_added',
      'group.members_added',
      'group.members_removed',
      'group.deleted',
    ]);
    const added = entries.filter((e) => e.action === 'group.members_added');
    expect(added.map((e) => e.requestId).sort()).toEqual(['req-add-a', 'req-add-b']);
    expect(added.map((e) => e.credential).sort()).toEqual(['entra', 'okta']);
    // One PUT carried both; each entry lists it.
    const puts = added.map((e) => e.jamfCalls.filter((c) => c.method === 'PUT'));
    expect(puts.map((p) => p.length)).toEqual([1, 1]);
    expect(puts[0]).toEqual(puts[1]);
    expect(entries.find((e) => e.action === 'group.renamed')?.detail).toMatchObject({ to: 'All staff' });
    // A membership step is found by its member too.
    const ofA = (await audit(running, `?user=${a}`)).entries.map((e) => e.action);
    expect(ofA).toEqual(expect.arrayContaining(['group.members_added', 'group.members_removed', 'user.created']));
  });

  it('is off without an admin token, and the admin token is not a SCIM token', async () => {
    const { running } = await start({ ADMIN_TOKEN: '' });
    const res = await request(`${running.url}/admin/api/audit`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.statusCode).toBe(404);
    await res.body.dump();
    const on = await start();
    expect((await scim(on.running, ADMIN, 'GET', '/Users')).status).toBe(401);
    const scimTokenOnAdmin = await request(`${on.running.url}/admin/api/audit`, { headers: { authorization: `Bearer ${OKTA}` } });
    expect(scimTokenOnAdmin.statusCode).toBe(401);
    await scimTokenOnAdmin.body.dump();
  });
});

