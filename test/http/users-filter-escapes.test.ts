/**
 * An IdP escapes a filter value as a JSON string (RFC 7644 §3.4.2.2, RFC 8259 §7); through the
 * HTTP API the decoded value is what is looked up in Jamf Pro, for userName, externalId, emails
 * and group displayName alike. A value that is not a JSON string is 400 invalidFilter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { createUser, oktaCreateBody } from './users-support.js';

/** Each escape of RFC 8259 §7, as an IdP writes it, and the character it stands for. */
const ESCAPES: Array<[escape: string, escaped: string, decoded: string]> = [
  ['\\\\', String.raw`CORP\\jdoe`, 'CORP\\jdoe'],
  ['\\"', String.raw`say \"hi\"`, 'say "hi"'],
  ['\\/', String.raw`ops\/admin`, 'ops/admin'],
  ['\\b', String.raw`bell\bx`, 'bell\bx'],
  ['\\f', String.raw`feed\fx`, 'feed\fx'],
  ['\\n', String.raw`line\nbreak`, 'line\nbreak'],
  ['\\r', String.raw`carriage\rreturn`, 'carriage\rreturn'],
  ['\\t', String.raw`tab\tname`, 'tab\tname'],
  ['\\u00e9', String.raw`Jos\u00e9`, 'José'],
  ['\\ud83d\\ude00 (surrogate pair)', String.raw`smile \ud83d\ude00`, 'smile 😀'],
];

/**
 * A Jamf user's name and email come back through Classic XML, where a raw CR is read as LF (XML
 * 1.0 §2.11 end-of-line handling), so `\r` is checked on externalId and group displayName only.
 */
const VIA_XML = ESCAPES.filter(([escape]) => escape !== '\\r');

const q = encodeURIComponent;
const users = (filter: string) => t.scim('GET', `/scim/v2/Users?filter=${q(filter)}`);
const groups = (filter: string) => t.scim('GET', `/scim/v2/Groups?filter=${q(filter)}&excludedAttributes=members`);

let t: TestServer;
const jamfIds = new Map<string, number>();
const scimIdsByExternalId = new Map<string, string>();

beforeAll(async () => {
  t = await startTestServer();
  for (const [index, [, , decoded]] of ESCAPES.entries()) {
    // Jamf-made users: Jamf holds names and emails no SCIM create would send (a tab, a backslash).
    jamfIds.set(decoded, t.sim.addUser({ name: decoded, email: `${decoded}@example.com`, fullName: `User ${index}` }));
    t.sim.addGroup({ name: `Team ${decoded}` });
    // Decoys: what the escaped text would be if the escape were taken literally.
    t.sim.addUser({ name: ESCAPES[index]?.[1] ?? '', email: `${ESCAPES[index]?.[1] ?? ''}@example.com` });
    t.sim.addGroup({ name: `Team ${ESCAPES[index]?.[1] ?? ''}` });
    const body = { ...oktaCreateBody(`idp-user-${index}@example.com`), externalId: decoded };
    scimIdsByExternalId.set(decoded, await createUser(t, body));
  }
});

afterAll(async () => {
  await t?.close();
});

describe.each(VIA_XML)('the escape %s', (_escape, escaped, decoded) => {
  it('finds the userName it stands for', async () => {
    const res = await users(`userName eq "${escaped}"`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ totalResults: 1, Resources: [{ id: String(jamfIds.get(decoded)), userName: decoded }] });
  });

  it('finds the email it stands for, also in a value path', async () => {
    for (const filter of [`emails.value eq "${escaped}@example.com"`, `emails[type eq "work" and value eq "${escaped}@example.com"]`]) {
      const res = await users(filter);
      expect(res.statusCode, res.body).toBe(200);
      const found = res.json() as { totalResults: number; Resources: Array<{ id: string; emails: Array<{ value: string }> }> };
      expect(found.totalResults, filter).toBe(1);
      expect(found.Resources[0]).toMatchObject({ id: String(jamfIds.get(decoded)), emails: [{ value: `${decoded}@example.com` }] });
    }
  });
});

describe.each(ESCAPES)('the escape %s', (_escape, escaped, decoded) => {
  it('finds the externalId it stands for', async () => {
    const res = await users(`externalId eq "${escaped}"`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ totalResults: 1, Resources: [{ id: scimIdsByExternalId.get(decoded), externalId: decoded }] });
  });

  it('finds the group displayName it stands for', async () => {
    const res = await groups(`displayName eq "Team ${escaped}"`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ totalResults: 1, Resources: [{ displayName: `Team ${decoded}` }] });
  });
});

describe('a value that is not a JSON string', () => {
  const invalid: Array<[filter: string, problem: RegExp]> = [
    [String.raw`userName eq "CORP\jdoe"`, /invalid escape "\\j"/],
    [String.raw`externalId eq "\q"`, /invalid escape "\\q"/],
    ['emails.value eq "a\\', /lone backslash/],
    [String.raw`userName eq "\ud83d"`, /unpaired UTF-16 surrogate/],
    ['userName eq "raw\ttab"', /unescaped control character U\+0009/],
  ];
  it.each(invalid)('%s is 400 invalidFilter and asks Jamf nothing', async (filter, problem) => {
    t.resetCalls();
    const res = await users(filter);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    expect(res.json().detail).toMatch(problem);
    expect(t.jamfCalls()).toBe(0);
  });

  it('is refused in a group filter too', async () => {
    const res = await groups(String.raw`displayName eq "Team \q"`);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ scimType: 'invalidFilter' });
  });
});
