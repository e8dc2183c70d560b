/**
 * Replays of the /Users traffic Okta and Entra send over a user's life (idp-behaviour A1.1,
 * A2.1, A2.2), kept as JSON request/expected-response pairs (house style §7.8). Each step checks
 * the SCIM answer, the Jamf calls it cost, and the user as a Jamf admin would see it afterwards.
 */
import type { InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { at, loadFixture, substitute } from './replay-support.js';
import { TOKEN, startTestServer, type TestServer } from '../helper.js';
import { SCIM_CONTENT_TYPE, jamfUsersNamed, staticGroupsOf } from './users-support.js';

interface Step {
  name: string;
  /** Sent as is: headers exactly as the IdP sends them, plus the bearer token unless given. */
  request: { method: InjectOptions['method']; url: string; body?: unknown; headers?: Record<string, string> };
  expect: {
    status: number;
    /** A subset of the response body (arrays must match in length). */
    body?: unknown;
    /** Values at dotted paths of the body, e.g. `{"Resources.20.id": "{{user}}"}`. */
    at?: Record<string, unknown>;
    /** Dotted paths that must not be in the body, e.g. `password`. */
    absent?: string[];
    /** Every Jamf call the request made, exactly (token requests excluded). */
    jamfCalls?: Record<string, number>;
    /** The Jamf user with this username afterwards (fields as in Jamf's XML), or `absent`. */
    jamfUser?: { name: string; absent?: boolean; staticGroups?: string[]; [field: string]: unknown };
  };
  /** Variables taken from the response body, e.g. `{"user": "id"}`. */
  capture?: Record<string, string>;
}

async function replay(t: TestServer, steps: Step[], vars: Map<string, string>): Promise<void> {
  for (const raw of steps) {
    // Checks are resolved after capture, so a step may check the user it creates.
    const request = substitute(raw.request, vars);
    const label = `step "${raw.name}"`;
    t.resetCalls();
    const res = await t.app.inject({
      method: request.method,
      url: request.url,
      headers: { authorization: `Bearer ${TOKEN}`, ...request.headers },
      ...(request.body === undefined ? {} : { payload: JSON.stringify(request.body) }),
    });

    for (const [name, path] of Object.entries(raw.capture ?? {})) {
      const { found, value } = at(res.body === '' ? undefined : res.json(), path);
      expect(found, `${label}: capture ${name} from ${path}: ${res.body}`).toBe(true);
      vars.set(name, String(value));
    }
    const want = substitute(raw.expect, vars);

    expect(res.statusCode, `${label}: ${res.body}`).toBe(want.status);
    if (want.status === 204) expect(res.body, label).toBe('');
    else expect(res.headers['content-type'], label).toBe(SCIM_CONTENT_TYPE);
    const body: unknown = res.body === '' ? undefined : res.json();
    if (want.body !== undefined) expect(body, label).toMatchObject(want.body as object);
    for (const [path, value] of Object.entries(want.at ?? {})) expect(at(body, path).value, `${label}: ${path}`).toEqual(value);
    for (const path of want.absent ?? []) expect(at(body, path).found, `${label}: ${path} must be absent`).toBe(false);
    if (want.jamfCalls !== undefined) expect(t.calls(), `${label}: Jamf calls`).toEqual(want.jamfCalls);

    if (want.jamfUser !== undefined) {
      const { name, absent, staticGroups, ...fields } = want.jamfUser;
      const inJamf = jamfUsersNamed(t, name);
      if (absent) {
        expect(inJamf, `${label}: Jamf user ${name}`).toEqual([]);
      } else {
        // One SCIM user is never two Jamf users.
        expect(inJamf, `${label}: Jamf user ${name}`).toHaveLength(1);
        expect(inJamf[0], `${label}: Jamf user ${name}`).toMatchObject(fields);
        if (staticGroups !== undefined) expect(staticGroupsOf(t, inJamf[0]?.id), `${label}: groups of ${name}`).toEqual(staticGroups);
      }
    }
  }
}

let t: TestServer;
afterEach(async () => {
  await t.close();
});

describe('replays', () => {
  it('Okta: credentials test, lookup, create, profile push by PUT and PATCH, deactivate, reactivate (OIN and AIW), import paging', async () => {
    // 120 users an admin made in Jamf before Okta was connected; one static group Okta pushes to.
    t = await startTestServer({ seedUsers: 120 });
    const vars = new Map([['eng', String(t.sim.addGroup({ name: 'Engineering' }))]]);

    await replay(t, loadFixture<Step>('okta-users-lifecycle.json'), vars);
  });

  it('Entra: test connection, create, Replace PATCHes in both dialects, manager add/replace/remove, disable, restore, hard delete', async () => {
    t = await startTestServer({ seedUsers: 3 });

    await replay(t, loadFixture<Step>('entra-users-lifecycle.json'), new Map());
  });
});
