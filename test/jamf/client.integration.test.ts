/**
 * createJamfClient against the Jamf Pro simulator (a real listener, design.md §7.7). The simulator
 * and the client share one fake clock, so token expiry is driven by the test; backoff pauses go
 * through a fake sleep and cost no time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createJamfClient, type JamfClient, type JamfClientOptions } from '../../src/jamf/client.js';
import { JamfDuplicateError } from '../../src/jamf/errors.js';
import type { CallEvent } from '../../src/jamf/http-core.js';
import { DEFAULT_PRIVILEGES, createSimulator } from '../../src/simulator/index.js';
import type { Simulator, SimulatorOptions } from '../../src/simulator/types.js';
import { captureLogger, failure, fakeSleep } from './helpers.js';

const TRICKY = `a&b <c> "d" 'e' ü 漢字`;
const USER_ROUTE = '/JSSResource/users/id/:id';
const GROUP_ROUTE = '/JSSResource/usergroups/id/:id';
const TOKEN = 'POST /api/v1/oauth/token';

let sim: Simulator | undefined;
let client: JamfClient | undefined;

afterEach(async () => {
  await client?.close();
  await sim?.close();
  client = undefined;
  sim = undefined;
});

interface Harness {
  sim: Simulator;
  client: JamfClient;
  clock: { ms: number };
  events: CallEvent[];
  refreshes: () => number;
  waits: number[];
  log: ReturnType<typeof captureLogger>;
}

async function start(simOptions: SimulatorOptions = {}, clientOptions: Partial<JamfClientOptions> = {}): Promise<Harness> {
  const clock = { ms: Date.parse('2026-03-01T12:00:00Z') };
  const now = (): number => clock.ms;
  const s = createSimulator({ seed: 7, now, ...simOptions });
  sim = s;
  const baseUrl = await s.listen();
  const events: CallEvent[] = [];
  const log = captureLogger();
  const sleeps = fakeSleep();
  let refreshes = 0;
  const c = createJamfClient({
    baseUrl: `${baseUrl}/`,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    logger: log.logger,
    now,
    sleep: sleeps.sleep,
    random: () => 0.5,
    timeoutMs: 5_000,
    onCall: (e) => events.push(e),
    onTokenRefresh: () => {
      refreshes += 1;
    },
    ...clientOptions,
  });
  client = c;
  return { sim: s, client: c, clock, events, refreshes: () => refreshes, waits: sleeps.waits, log };
}


const usersNamed = (s: Simulator, name: string) => [...s.state.users.values()].filter((u) => u.name.toLowerCase() === name.toLowerCase());

describe('tokens', () => {
  it('fetches one token for many calls and refreshes it ahead of expiry', async () => {
    const h = await start({ tokenLifetimeSeconds: 60 });
    const id = h.sim.addUser({ name: 'jdoe' });
    await Promise.all(Array.from({ length: 20 }, () => h.client.getUser(id)));
    expect(h.sim.counters()[TOKEN]).toBe(1);

    h.clock.ms += 50_000;
    await h.client.getUser(id);
    expect(h.sim.counters()[TOKEN]).toBe(1);

    // Past 54 s (lifetime minus 10 %): refreshed before Jamf would have said 401.
    h.clock.ms += 5_000;
    await Promise.all(Array.from({ length: 5 }, () => h.client.getUser(id)));
    expect(h.sim.counters()[TOKEN]).toBe(2);
    expect(h.refreshes()).toBe(2);
    expect(h.events.some((e) => e.status === 401)).toBe(false);
  });

  it('retries once with a fresh token after a 401, sharing one refresh', async () => {
    const h = await start();
    const id = h.sim.addUser({ name: 'jdoe' });
    await h.client.getUser(id);
    h.sim.expireTokens();
    const users = await Promise.all(Array.from({ length: 8 }, () => h.client.getUser(id)));
    expect(users.every((u) => u?.name === 'jdoe')).toBe(true);
    expect(h.sim.counters()[TOKEN]).toBe(2);
    expect(h.events.filter((e) => e.status === 401).length).toBeGreaterThan(0);
  });

  it('supports the basic-token flow', async () => {
    const h = await start({ username: 'svc', password: 'p@ss:word' }, { clientId: undefined, clientSecret: undefined, username: 'svc', password: 'p@ss:word' });
    const id = await h.client.createUser({ name: 'basic-user' });
    expect((await h.client.getUser(id))?.name).toBe('basic-user');
    expect(h.sim.counters()['POST /api/v1/auth/token']).toBe(1);
    expect(h.sim.counters()[TOKEN]).toBeUndefined();
  });

  it('reports rejected client credentials as unauthorized without leaking the secret', async () => {
    const h = await start({}, { clientSecret: 'definitely-wrong-secret' });
    const err = await failure(h.client.listUsers());
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toMatch(/Jamf Pro rejected the API client credentials/);
    expect(err.message).not.toContain('definitely-wrong-secret');
    expect(h.log.raw()).not.toContain('definitely-wrong-secret');
  });
});

describe('retries', () => {
  it('retries a read on 503', async () => {
    const h = await start();
    const id = h.sim.addUser({ name: 'jdoe' });
    h.sim.setKnobs({ faults: { next: [{ method: 'GET', route: USER_ROUTE, count: 2, fault: 503 }] } });
    expect((await h.client.getUser(id))?.name).toBe('jdoe');
    expect(h.sim.counters()[`GET ${USER_ROUTE}`]).toBe(3);
    expect(h.waits).toHaveLength(2);
  });

  it('retries a read after a connection reset', async () => {
    const h = await start();
    const id = h.sim.addUser({ name: 'jdoe' });
    h.sim.setKnobs({ faults: { next: [{ method: 'GET', route: USER_ROUTE, count: 2, fault: 'reset-before' }] } });
    expect((await h.client.getUser(id))?.name).toBe('jdoe');
    expect(h.sim.counters()[`GET ${USER_ROUTE}`]).toBe(3);
  });

  it('times out a slow answer and retries the read', async () => {
    const h = await start({}, { timeoutMs: 150 });
    const id = h.sim.addUser({ name: 'jdoe' });
    await h.client.getUser(id);
    h.sim.setKnobs({ faults: { slowMs: 2_000, next: [{ method: 'GET', route: USER_ROUTE, fault: 'slow' }] } });
    expect((await h.client.getUser(id))?.name).toBe('jdoe');
    expect(h.events.filter((e) => e.route === USER_ROUTE).map((e) => e.status)).toEqual([200, 'error', 200]);
  });

  it('gives up after the configured retries', async () => {
    const h = await start({}, { retries: 2 });
    const id = h.sim.addUser({ name: 'jdoe' });
    h.sim.setKnobs({ faults: { next: [{ method: 'GET', route: USER_ROUTE, count: 10, fault: 503 }] } });
    const err = await failure(h.client.getUser(id));
    expect(err.kind).toBe('unavailable');
    expect(h.sim.counters()[`GET ${USER_ROUTE}`]).toBe(3);
  });
});

describe('writes with an unclear outcome', () => {
  it('does not duplicate a user whose POST response was lost, and takes it when the name was absent before', async () => {
    const h = await start();
    h.sim.setKnobs({ faults: { next: [{ method: 'POST', route: USER_ROUTE, fault: 'reset-after' }] } });
    const id = await h.client.createUser({ name: 'lost-post', fullName: 'Lost Post' }, { absentBefore: true });
    const matches = usersNamed(h.sim, 'lost-post');
    expect(matches).toHaveLength(1);
    expect(matches[0]?.id).toBe(id);
    expect(h.sim.counters()[`POST ${USER_ROUTE}`]).toBe(1);
  });

  it('refuses as a duplicate a same-named user found after a lost response when the name was not seen absent before', async () => {
    const h = await start();
    h.sim.setKnobs({ faults: { next: [{ method: 'POST', route: USER_ROUTE, fault: 'reset-after' }] } });
    const err = await failure(h.client.createUser({ name: 'lost-post', fullName: 'Lost Post' }));
    expect(err).toBeInstanceOf(JamfDuplicateError);
    expect(err.kind).toBe('conflict');
    // Nothing created twice: the one Jamf user is left for the IdP to match by userName.
    expect(usersNamed(h.sim, 'lost-post')).toHaveLength(1);
    expect(h.sim.counters()[`POST ${USER_ROUTE}`]).toBe(1);
  });

  it('never takes a hand-made user of that name after a 500, even with the name seen absent, when the id is claimed', async () => {
    const h = await start();
    const byHand = h.sim.addUser({ name: 'taken' });
    h.sim.setKnobs({ faults: { next: [{ method: 'POST', route: USER_ROUTE, fault: 500 }] } });
    const err = await failure(h.client.createUser({ name: 'taken' }, { absentBefore: true, claimed: (id) => id === byHand }));
    expect(err).toBeInstanceOf(JamfDuplicateError);
    expect(usersNamed(h.sim, 'taken').map((u) => u.id)).toEqual([byHand]);
  });

  it('after a 500 and a lookup that finds nothing, takes what the repeat made even though its answer was lost too', async () => {
    const h = await start();
    h.sim.setKnobs({
      faults: {
        next: [
          { method: 'POST', route: USER_ROUTE, fault: 500 },
          { method: 'POST', route: USER_ROUTE, fault: 'reset-after' },
        ],
      },
    });
    const id = await h.client.createUser({ name: 'twice-unclear' });
    expect(usersNamed(h.sim, 'twice-unclear').map((u) => u.id)).toEqual([id]);
    expect(h.sim.counters()[`POST ${USER_ROUTE}`]).toBe(2);
  });

  it('repeats a POST that was answered 502 without being applied', async () => {
    const h = await start();
    h.sim.setKnobs({ faults: { next: [{ method: 'POST', route: USER_ROUTE, fault: 502 }] } });
    const id = await h.client.createUser({ name: 'after-502' });
    expect(usersNamed(h.sim, 'after-502').map((u) => u.id)).toEqual([id]);
    expect(h.sim.counters()[`POST ${USER_ROUTE}`]).toBe(2);
  });

  it('repeats a POST answered 503 without a lookup', async () => {
    const h = await start();
    h.sim.setKnobs({ faults: { next: [{ method: 'POST', route: USER_ROUTE, fault: 503 }] } });
    const id = await h.client.createUser({ name: 'after-503' });
    expect(usersNamed(h.sim, 'after-503').map((u) => u.id)).toEqual([id]);
    expect(h.sim.counters()['GET /JSSResource/users/name/:name']).toBeUndefined();
  });

  it('looks up, then repeats a POST whose connection reset before it was applied', async () => {
    const h = await start();
    h.sim.setKnobs({ faults: { next: [{ method: 'POST', route: USER_ROUTE, fault: 'reset-before' }] } });
    const id = await h.client.createUser({ name: 'reset-before' });
    expect(usersNamed(h.sim, 'reset-before').map((u) => u.id)).toEqual([id]);
    expect(h.sim.counters()[`POST ${USER_ROUTE}`]).toBe(2);
    expect(h.sim.counters()['GET /JSSResource/users/name/:name']).toBe(1);
  });

  it('resolves a lost create of a username with a slash through the list, not a /name/ route', async () => {
    const h = await start();
    h.sim.setKnobs({ faults: { next: [{ method: 'POST', route: USER_ROUTE, fault: 'reset-after' }] } });
    const id = await h.client.createUser({ name: 'dept/jdoe' }, { absentBefore: true });
    expect(usersNamed(h.sim, 'dept/jdoe').map((u) => u.id)).toEqual([id]);
    expect((await h.client.getUserByName('DEPT/jdoe'))?.id).toBe(id);
    expect(h.sim.counters()['GET /JSSResource/users/name/:name']).toBeUndefined();
  });

  it('treats a DELETE whose response was lost as done', async () => {
    const h = await start();
    const id = h.sim.addUser({ name: 'to-delete' });
    h.sim.setKnobs({ faults: { next: [{ method: 'DELETE', route: USER_ROUTE, fault: 'reset-after' }] } });
    await h.client.deleteUser(id);
    expect(h.sim.state.users.has(id)).toBe(false);
    expect(h.sim.counters()[`DELETE ${USER_ROUTE}`]).toBe(2);
  });

  it('still reports not_found for a DELETE of a missing user', async () => {
    const h = await start();
    expect((await failure(h.client.deleteUser(987_654))).kind).toBe('not_found');
    expect((await failure(h.client.deleteGroup(987_654))).kind).toBe('not_found');
  });

  it('converges a group PUT with deletions whose response was lost', async () => {
    const h = await start();
    const [a, b, c, d] = ['ga', 'gb', 'gc', 'gd'].map((name) => h.sim.addUser({ name }));
    const groupId = h.sim.addGroup({ name: 'Eng', memberIds: [a!, b!, c!] });
    h.sim.setKnobs({ faults: { next: [{ method: 'PUT', route: GROUP_ROUTE, fault: 'reset-after' }] } });
    await h.client.updateGroup(groupId, { addIds: [d!], removeIds: [a!] });
    expect([...(h.sim.state.groups.get(groupId)?.memberIds ?? [])].sort()).toEqual([b, c, d].sort());
    // Lost PUT, repeated PUT answered 409 (a is no longer a member), one re-read, nothing left to send.
    expect(h.sim.counters()[`PUT ${GROUP_ROUTE}`]).toBe(2);
    expect(h.sim.counters()[`GET ${GROUP_ROUTE}`]).toBe(1);
    const group = await h.client.getGroup(groupId);
    expect(group?.members.map((m) => m.id).sort()).toEqual([b, c, d].sort());
  });

  it('does not duplicate a group whose POST response was lost', async () => {
    const h = await start();
    const u = h.sim.addUser({ name: 'member' });
    h.sim.setKnobs({ faults: { next: [{ method: 'POST', route: GROUP_ROUTE, fault: 'reset-after' }] } });
    const id = await h.client.createGroup({ name: 'Lost Group', memberIds: [u] }, { absentBefore: true });
    const groups = [...h.sim.state.groups.values()].filter((g) => g.name === 'Lost Group');
    expect(groups.map((g) => g.id)).toEqual([id]);
    expect([...(groups[0]?.memberIds ?? [])]).toEqual([u]);
  });
});

describe('concurrency', () => {
  it('never has more than maxConcurrency calls in flight at Jamf', async () => {
    const h = await start({ latencyMs: 5 }, { maxConcurrency: 5 });
    const id = h.sim.addUser({ name: 'jdoe' });
    let peakQueued = 0;
    const calls = Array.from({ length: 50 }, () => h.client.getUser(id));
    peakQueued = Math.max(peakQueued, h.client.stats().queued);
    const timer = setInterval(() => {
      peakQueued = Math.max(peakQueued, h.client.stats().queued);
    }, 1);
    await Promise.all(calls);
    clearInterval(timer);
    expect(h.sim.maxObservedConcurrency()).toBeLessThanOrEqual(5);
    expect(h.sim.maxObservedConcurrency()).toBeGreaterThanOrEqual(2);
    expect(peakQueued).toBeGreaterThan(0);
    expect(h.client.stats()).toEqual({ inFlight: 0, queued: 0 });
  });

  it('honours a lower limit too', async () => {
    const h = await start({ latencyMs: 5 }, { maxConcurrency: 2 });
    const id = h.sim.addUser({ name: 'jdoe' });
    await Promise.all(Array.from({ length: 20 }, () => h.client.getUser(id)));
    expect(h.sim.maxObservedConcurrency()).toBeLessThanOrEqual(2);
  });
});

describe('users', () => {
  it('round-trips markup characters and non-ASCII through create and get', async () => {
    const h = await start();
    const id = await h.client.createUser({ name: TRICKY, fullName: TRICKY, email: 'Tricky+tag@Example.com', phoneNumber: '007', position: 'line1\r\nline2' });
    const byId = await h.client.getUser(id);
    expect(byId).toMatchObject({ id, name: TRICKY, fullName: TRICKY, email: 'Tricky+tag@Example.com', phoneNumber: '007' });
    expect(byId?.position.replace(/\r\n?/g, '\n')).toBe('line1\nline2');
    expect((await h.client.getUserByName(TRICKY))?.id).toBe(id);
    expect((await h.client.findUsersByEmail('tricky+TAG@example.com')).map((u) => u.id)).toEqual([id]);
    expect(h.sim.state.users.get(id)?.email_address).toBe('Tricky+tag@Example.com');
  });

  it('keeps numeric-looking usernames as strings', async () => {
    const h = await start();
    const id = await h.client.createUser({ name: '007', fullName: 'true' });
    expect(await h.client.getUser(id)).toMatchObject({ name: '007', fullName: 'true' });
    expect((await h.client.listUsers()).find((u) => u.id === id)?.name).toBe('007');
  });

  it('answers a duplicate username with conflict and Jamf’s message', async () => {
    const h = await start();
    h.sim.addUser({ name: 'taken' });
    const err = await failure(h.client.createUser({ name: 'TAKEN' }));
    expect(err.kind).toBe('conflict');
    expect(err.status).toBe(409);
    expect(err.message).toContain('Duplicate name');
    expect(err.route).toBe(`POST ${USER_ROUTE.replace(':id', '0')}`);
  });

  it('maps missing users to null, [] and not_found', async () => {
    const h = await start();
    expect(await h.client.getUser(424_242)).toBeNull();
    expect(await h.client.getUserByName('nobody')).toBeNull();
    expect(await h.client.findUsersByEmail('nobody@example.com')).toEqual([]);
    expect((await failure(h.client.updateUser(424_242, { fullName: 'x' }))).kind).toBe('not_found');
  });

  it('updates only the given fields and clears with an empty string', async () => {
    const h = await start();
    const id = h.sim.addUser({ name: 'jdoe', fullName: 'Jane Doe', email: 'jdoe@example.com', position: 'Engineer', phoneNumber: '123' });
    await h.client.updateUser(id, { position: '', email: 'jane@example.com' });
    expect(await h.client.getUser(id)).toMatchObject({ name: 'jdoe', fullName: 'Jane Doe', email: 'jane@example.com', position: '', phoneNumber: '123' });
    const stored = h.sim.state.users.get(id);
    expect([stored?.email, stored?.email_address]).toEqual(['jane@example.com', 'jane@example.com']);
    await h.client.updateUser(id, { name: 'jane' });
    expect((await h.client.getUser(id))?.name).toBe('jane');
  });

  it('lists users and reports group memberships from XML', async () => {
    const h = await start();
    const a = h.sim.addUser({ name: 'alice' });
    const g1 = h.sim.addGroup({ name: 'One', memberIds: [a] });
    const g2 = h.sim.addGroup({ name: 'Two', memberIds: [a] });
    expect((await h.client.listUsers()).map((u) => u.name)).toContain('alice');
    const groups = (await h.client.getUser(a))?.groups ?? [];
    expect(groups.map((g) => g.id).sort()).toEqual([g1, g2].sort());
    expect(groups.every((g) => g.isSmart === false)).toBe(true);
  });

  it('pages /api/v1/users on 11.30 and detects the version', async () => {
    const h = await start({ version: '11.30.1-t1784555528405' });
    for (let i = 0; i < 5; i += 1) h.sim.addUser({ name: `pager${i}`, fullName: `Pager ${i}`, email: `p${i}@example.com` });
    expect(await h.client.serverInfo()).toEqual({ version: '11.30.1-t1784555528405', hasUsersApi: true });
    await h.client.serverInfo();
    expect(h.sim.counters()['GET /api/v1/jamf-pro-version']).toBe(1);
    const page = await h.client.pageUsers({ page: 0, pageSize: 2 });
    expect(page.totalCount).toBe(5);
    expect(page.users).toHaveLength(2);
    expect(page.users[0]).toMatchObject({ name: 'pager0', fullName: 'Pager 0', email: 'p0@example.com', groups: [] });
    expect(typeof page.users[0]?.id).toBe('number');
    expect(page.users[0]!.id).toBeLessThan(page.users[1]!.id);
    const filtered = await h.client.pageUsers({ page: 0, pageSize: 100, filter: 'username=="pager3"' });
    expect(filtered.users.map((u) => u.name)).toEqual(['pager3']);
  });

  it('says hasUsersApi false on 11.25', async () => {
    const h = await start({ version: '11.25.0' });
    const info = await h.client.serverInfo();
    expect(info.version.startsWith('11.25.0')).toBe(true);
    expect(info.hasUsersApi).toBe(false);
  });
});

describe('groups', () => {
  it('creates, reads, renames, changes membership and deletes a static group', async () => {
    const h = await start();
    const [a, b, c] = ['u1', 'u2', 'u3'].map((name) => h.sim.addUser({ name }));
    const id = await h.client.createGroup({ name: TRICKY, memberIds: [a!, b!] });
    const created = await h.client.getGroup(id);
    expect(created).toMatchObject({ id, name: TRICKY, isSmart: false });
    expect(created?.members.map((m) => m.username).sort()).toEqual(['u1', 'u2']);

    await h.client.updateGroup(id, { name: 'Renamed', addIds: [c!], removeIds: [a!] });
    const changed = await h.client.getGroup(id);
    expect(changed?.name).toBe('Renamed');
    expect(changed?.members.map((m) => m.id).sort()).toEqual([b, c].sort());
    expect(h.sim.counters()[`PUT ${GROUP_ROUTE}`]).toBe(1);

    await h.client.updateGroup(id, { replaceIds: [a!] });
    expect((await h.client.getGroup(id))?.members.map((m) => m.id)).toEqual([a]);

    const listed = await h.client.listGroups();
    expect(listed.find((g) => g.id === id)).toEqual({ id, name: 'Renamed', isSmart: false });

    await h.client.deleteGroup(id);
    expect(await h.client.getGroup(id)).toBeNull();
  });

  it('creates an empty group and lists smart groups as smart', async () => {
    const h = await start({ privileges: [...DEFAULT_PRIVILEGES, 'Read Smart User Groups'] });
    const smart = h.sim.addGroup({ name: 'Smart', isSmart: true });
    const id = await h.client.createGroup({ name: 'Empty', memberIds: [] });
    expect((await h.client.getGroup(id))?.members).toEqual([]);
    expect((await h.client.listGroups()).find((g) => g.id === smart)?.isSmart).toBe(true);
    expect((await h.client.getGroup(smart))?.isSmart).toBe(true);
  });

  it('reports a missing privilege as forbidden after one token retry', async () => {
    const h = await start();
    const smart = h.sim.addGroup({ name: 'Smart', isSmart: true });
    const err = await failure(h.client.getGroup(smart));
    expect(err.kind).toBe('forbidden');
    expect(err.message).toMatch(/privilege/);
    expect(h.sim.counters()[TOKEN]).toBe(2);
  });

  it('reports a real 409 (removing a non-member) as conflict', async () => {
    const h = await start();
    const a = h.sim.addUser({ name: 'solo' });
    const id = h.sim.addGroup({ name: 'G' });
    const err = await failure(h.client.updateGroup(id, { removeIds: [a] }));
    expect(err.kind).toBe('conflict');
  });
});

describe('logging and lifecycle', () => {
  it('writes one line per Jamf call with the route template, and no token or username', async () => {
    const h = await start();
    const id = await h.client.createUser({ name: 'secret.person', email: 'secret.person@example.com' });
    await h.client.getUserByName('secret.person');
    await h.client.findUsersByEmail('secret.person@example.com');
    await h.client.getUser(id);
    const lines = h.log.lines.filter((l) => l['msg'] === 'jamf call');
    expect(lines).toHaveLength(h.events.length);
    expect(lines.map((l) => (l['jamf'] as { route: string }).route)).toEqual([
      '/api/v1/oauth/token',
      USER_ROUTE.replace(':id', '0'),
      '/JSSResource/users/name/:name',
      '/JSSResource/users/email/:email',
      USER_ROUTE,
    ]);
    for (const line of lines) {
      expect(line['jamf']).toMatchObject({ status: expect.any(Number), ms: expect.any(Number), attempt: 1 });
    }
    const raw = h.log.raw();
    expect(raw).not.toContain('secret.person');
    expect(raw).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    expect(raw).not.toContain(h.sim.clientSecret);
  });

  it('rejects calls after close', async () => {
    const h = await start();
    await h.client.close();
    expect((await failure(h.client.listUsers())).kind).toBe('unavailable');
  });
});
