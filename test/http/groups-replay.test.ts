/**
 * Replays of what Okta Group Push and Entra group provisioning send (idp-behaviour A1.2, A2.1,
 * A2.2), kept as JSON request/expected-response pairs (house style §7.8). Each step checks the
 * SCIM answer, the Jamf calls it cost and, where the IdP admin would look, the group in Jamf.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { at, loadFixture, substitute } from './replay-support.js';
import { startTestServer, type TestServer } from '../helper.js';
import { SCIM_CONTENT_TYPE, createUser, jamfGroup } from './groups-support.js';

interface Step {
  name: string;
  request: { method: InjectOptions['method']; url: string; body?: unknown; headers?: Record<string, string> };
  expect: {
    status: number;
    /** A subset of the response body (arrays must match in length). */
    body?: unknown;
    /** Dotted paths that must not be in the response body, e.g. `Resources.0.members`. */
    absent?: string[];
    /** Every Jamf call the request made, exactly (token requests excluded). */
    jamfCalls?: Record<string, number>;
    /** The group in Jamf afterwards: name and member usernames, or absent. */
    jamfGroup?: { id: string; name?: string; members?: string[]; absent?: boolean };
  };
  /** Variables taken from the response body, e.g. `{"group": "id"}`. */
  capture?: Record<string, string>;
}

async function replay(t: TestServer, steps: Step[], vars: Map<string, string>): Promise<void> {
  for (const raw of steps) {
    // The Jamf group check is resolved after capture, so a step may check the group it creates.
    const { jamfGroup: groupCheck, ...rest } = raw.expect;
    const { request, expect: want } = substitute({ request: raw.request, expect: rest }, vars);
    const label = `step "${raw.name}"`;
    t.resetCalls();
    const res = await t.scim(request.method, request.url, request.body, request.headers);

    expect(res.statusCode, `${label}: ${res.body}`).toBe(want.status);
    if (want.status === 204) {
      expect(res.body, label).toBe('');
    } else {
      expect(res.headers['content-type'], label).toBe(SCIM_CONTENT_TYPE);
    }
    const body: unknown = res.body === '' ? undefined : res.json();
    if (want.body !== undefined) expect(body, label).toMatchObject(want.body as object);
    for (const path of want.absent ?? []) expect(at(body, path).found, `${label}: ${path} must be absent`).toBe(false);
    if (want.jamfCalls !== undefined) expect(t.calls(), `${label}: Jamf calls`).toEqual(want.jamfCalls);

    for (const [name, path] of Object.entries(raw.capture ?? {})) {
      const { found, value } = at(body, path);
      expect(found, `${label}: capture ${name} from ${path}`).toBe(true);
      vars.set(name, String(value));
    }

    if (groupCheck !== undefined) {
      const { id, absent, ...group } = substitute(groupCheck, vars);
      const actual = jamfGroup(t, id);
      if (absent) expect(actual, `${label}: Jamf group ${id}`).toBeUndefined();
      else expect(actual, `${label}: Jamf group ${id}`).toMatchObject({ isSmart: false, ...group });
    }
  }
}

const USERS = ['alice', 'bob', 'carol'];

let t: TestServer;
afterEach(async () => {
  await t.close();
});

/** Users the IdP created earlier (so they are in Jamf and in the store); `{{alice}}` is alice's SCIM id. */
async function withUsers(): Promise<Map<string, string>> {
  const vars = new Map<string, string>();
  for (const name of USERS) vars.set(name, await createUser(t, `${name}@example.com`));
  return vars;
}

describe('replays', () => {
  it('Okta Group Push: create empty, rename-with-id on every push, add/remove in one PATCH, replace [], import, unlink with delete', async () => {
    t = await startTestServer();
    const vars = await withUsers();
    // Already in Jamf before Okta is connected: a static group it imports, and a smart group it must never see.
    vars.set('jamfAdmins', String(t.sim.addGroup({ name: 'Jamf Admins', memberIds: [Number(vars.get('alice'))] })));
    t.sim.addGroup({ name: 'Smart Staff', isSmart: true, memberIds: [Number(vars.get('bob'))] });

    await replay(t, loadFixture<Step>('okta-groups.json'), vars);
  });

  it('Entra group provisioning: create with externalId and ADSCIM URN, Add with $ref null, Remove in both dialects, excludedAttributes reads, case-insensitive match', async () => {
    t = await startTestServer();
    const vars = await withUsers();

    await replay(t, loadFixture<Step>('entra-groups.json'), vars);
  });
});
