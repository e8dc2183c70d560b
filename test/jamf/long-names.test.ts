/**
 * Names and emails reach Jamf percent-encoded in one path segment (jamf-pro-api.md §7.2); one too
 * long for Jamf's request line (Tomcat's 8 KB, header-limit.ts) is looked up without a URL that
 * carries it, so a valid filter is never refused because of its length.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PATH_VALUE_BYTES } from '../../src/jamf/users.js';
import { TOMCAT_MAX_HTTP_HEADER_SIZE } from '../../src/simulator/header-limit.js';
import { startTestServer, type TestServer } from '../helper.js';
import { createUser, oktaCreateBody } from '../http/users-support.js';
import { call, clientToken, statusParagraphs, useSimulators } from '../simulator/helpers.js';
import { startSimClient, type SimClient } from './sim-client.js';

const BY_NAME = 'GET /JSSResource/users/name/:name';
const BY_EMAIL = 'GET /JSSResource/users/email/:email';
const LIST = 'GET /JSSResource/users';
const BY_ID = 'GET /JSSResource/users/id/:id';
const PAGES = 'GET /api/v1/users';

/** Raw request URLs the simulator received, recorded before routing. */
function recordUrls(urls: string[]): (app: FastifyInstance) => void {
  return (app) => {
    app.addHook('onRequest', async (request) => {
      urls.push(request.url);
    });
  };
}

const userCalls = (urls: string[]) => urls.filter((u) => u.startsWith('/JSSResource/users') || u.startsWith('/api/v1/users'));

let c: SimClient | undefined;
let t: TestServer | undefined;
afterEach(async () => {
  await c?.close();
  await t?.close();
  c = undefined;
  t = undefined;
});

describe('how a name or email reaches Jamf', () => {
  it('percent-encodes it into one segment: a backslash is %5C, a tab %09, a plus %2B, a quote %22', async () => {
    const urls: string[] = [];
    c = await startSimClient({ beforeListen: recordUrls(urls) });
    const corp = c.sim.addUser({ name: 'CORP\\jdoe', email: 'o"b\\x+tag@example.com' });
    const tab = c.sim.addUser({ name: 'tab\tname' });

    expect((await c.client.getUserByName('CORP\\jdoe'))?.id).toBe(corp);
    expect((await c.client.getUserByName('tab\tname'))?.id).toBe(tab);
    expect((await c.client.findUsersByEmail('o"b\\x+tag@example.com')).map((u) => u.id)).toEqual([corp]);
    expect(userCalls(urls)).toEqual([
      '/JSSResource/users/name/CORP%5Cjdoe',
      '/JSSResource/users/name/tab%09name',
      '/JSSResource/users/email/o%22b%5Cx%2Btag%40example.com',
    ]);
  });

  it('sends a 255-character username in the path, and one whose encoding passes the bound through the list', async () => {
    const urls: string[] = [];
    c = await startSimClient({ beforeListen: recordUrls(urls) });
    const ascii = 'a'.repeat(255);
    // 255 three-byte characters: 2,295 bytes percent-encoded, over MAX_PATH_VALUE_BYTES.
    const kana = 'あ'.repeat(255);
    expect(encodeURIComponent(kana).length).toBeGreaterThan(MAX_PATH_VALUE_BYTES);
    const asciiId = c.sim.addUser({ name: ascii });
    const kanaId = c.sim.addUser({ name: kana });

    expect((await c.client.getUserByName(ascii))?.name).toBe(ascii);
    expect(userCalls(urls)).toEqual([`/JSSResource/users/name/${ascii}`]);
    urls.length = 0;
    expect((await c.client.getUserByName(kana))).toMatchObject({ id: kanaId, name: kana });
    expect(userCalls(urls)).toEqual(['/JSSResource/users', `/JSSResource/users/id/${kanaId}`]);
    expect(asciiId).not.toBe(kanaId);
  });

  it('looks an email too long for a path up in the paged Jamf Pro API (≥ 11.26), then reads the matches by id', async () => {
    c = await startSimClient();
    const long = `${'x'.repeat(2500)}@example.com`;
    const id = c.sim.addUser({ name: 'long-mail', email: long.toUpperCase() });
    c.sim.addUser({ name: 'other', email: 'other@example.com' });
    c.sim.resetCounters();

    expect((await c.client.findUsersByEmail(long)).map((u) => [u.id, u.email])).toEqual([[id, long.toUpperCase()]]);
    expect(c.sim.counters()).toMatchObject({ [PAGES]: 1, [BY_ID]: 1 });
    expect(c.sim.counters()[BY_EMAIL]).toBeUndefined();
  });

  it('reads every user of the Classic list for such an email below 11.26, where /api/v1/users is 404', async () => {
    c = await startSimClient({ sim: { version: '11.25.2' } });
    const long = `${'y'.repeat(2500)}@example.com`;
    const id = c.sim.addUser({ name: 'long-mail', email: long });
    c.sim.addUser({ name: 'other', email: 'other@example.com' });
    c.sim.resetCounters();

    expect((await c.client.findUsersByEmail(long)).map((u) => u.id)).toEqual([id]);
    expect(c.sim.counters()).toMatchObject({ [PAGES]: 1, [LIST]: 1, [BY_ID]: 2 });
  });

  it('falls back the same way when Jamf answers 414 anyway (a proxy with a smaller limit)', async () => {
    c = await startSimClient({
      sim: {
        faults: {
          next: [
            { method: 'GET', route: '/JSSResource/users/name/:name', fault: 414 },
            { method: 'GET', route: '/JSSResource/users/email/:email', fault: 414 },
          ],
        },
      },
    });
    const id = c.sim.addUser({ name: 'jdoe', email: 'jdoe@example.com' });
    c.sim.resetCounters();

    expect((await c.client.getUserByName('JDOE'))?.id).toBe(id);
    expect((await c.client.findUsersByEmail('jdoe@example.com')).map((u) => u.id)).toEqual([id]);
    expect(c.sim.counters()).toMatchObject({ [BY_NAME]: 1, [LIST]: 1, [BY_EMAIL]: 1, [PAGES]: 1, [BY_ID]: 2 });
  });
});

describe("the simulator's request-line limit is Tomcat's, not a router's", () => {
  const create = useSimulators();
  const name = (bytes: number) => 'n'.repeat(bytes - 'GET /JSSResource/users/name/ HTTP/1.1\r\n'.length);

  it(`answers 414 with the container's status page for a request line over ${TOMCAT_MAX_HTTP_HEADER_SIZE} bytes, on either API`, async () => {
    const sim = create();
    const token = await clientToken(sim);
    for (const url of [`/JSSResource/users/name/${name(TOMCAT_MAX_HTTP_HEADER_SIZE + 1)}`, `/api/v1/users?filter=${'x'.repeat(TOMCAT_MAX_HTTP_HEADER_SIZE)}`]) {
      const res = await call(sim, 'GET', url, { token, accept: 'application/xml' });
      expect(res.statusCode).toBe(414);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(statusParagraphs(res.body)[0]).toBe('URI Too Long');
    }
    // Refused before Jamf: nothing counted.
    expect(sim.counters()[BY_NAME]).toBeUndefined();
  });

  it('serves a long name that fits (a 404 for an unknown one, the record for a known one)', async () => {
    const sim = create();
    const token = await clientToken(sim);
    // The headers share the 8 KB with the request line; these take well under 1 KB.
    const fits = name(TOMCAT_MAX_HTTP_HEADER_SIZE - 1000);
    expect((await call(sim, 'GET', `/JSSResource/users/name/${fits}`, { token, accept: 'application/xml' })).statusCode).toBe(404);
    sim.addUser({ name: 'b'.repeat(1000) });
    const found = await call(sim, 'GET', `/JSSResource/users/name/${'B'.repeat(1000)}`, { token, accept: 'application/xml' });
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain(`<name>${'b'.repeat(1000)}</name>`);
  });

  it('answers 400 "Request header is too large" when the request line fits but the headers overflow', async () => {
    const sim = create();
    const res = await sim.app.inject({
      method: 'GET',
      url: '/JSSResource/users/name/jdoe',
      headers: { authorization: `Bearer ${await clientToken(sim)}`, 'x-padding': 'p'.repeat(TOMCAT_MAX_HTTP_HEADER_SIZE) },
    });
    expect(res.statusCode).toBe(400);
    expect(statusParagraphs(res.body)[1]).toBe('Request header is too large');
  });
});

describe('long values found by filter through the SCIM API', () => {
  const q = encodeURIComponent;

  it('finds a 255-character userName, in ASCII and in three-byte characters', async () => {
    t = await startTestServer();
    for (const userName of ['u'.repeat(250) + '@e.io', 'é'.repeat(10) + 'あ'.repeat(245)]) {
      expect(userName).toHaveLength(255);
      const id = await createUser(t, { ...oktaCreateBody(userName), emails: [] });
      const res = await t.scim('GET', `/scim/v2/Users?filter=${q(`userName eq "${userName.toUpperCase()}"`)}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ totalResults: 1, Resources: [{ id, userName }] });
    }
  });

  it('finds a long email through the email URL, and one too long for any URL without it', async () => {
    t = await startTestServer();
    const long = `${'l'.repeat(300)}@example.com`;
    const huge = `${'h'.repeat(3000)}@example.com`;
    const longId = t.sim.addUser({ name: 'long', email: long });
    const hugeId = t.sim.addUser({ name: 'huge', email: huge });
    for (const [email, id] of [[long, longId], [huge, hugeId]] as const) {
      t.resetCalls();
      const res = await t.scim('GET', `/scim/v2/Users?filter=${q(`emails.value eq "${email}"`)}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ totalResults: 1, Resources: [{ id: String(id), emails: [{ value: email }] }] });
      expect(t.calls()[BY_EMAIL] ?? 0).toBe(email === long ? 1 : 0);
    }
  });
});
