/**
 * Unusual text that the server accepts must round-trip exactly: the POST/PATCH answer, a later
 * GET and a filter lookup return what was sent, and Jamf holds it too (for the attributes that
 * go there), also when the user was created inactive or changed while deactivated and only
 * reaches Jamf at the reactivation. The refusals are rows of rows.ts. The one documented
 * difference: Jamf trims spaces around a title, a name part or a phone number, and the store
 * keeps and returns them as sent (README "What the server accepts").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { GROUP, PATCH_OP, USER } from './rows.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const filter = (text: string) => encodeURIComponent(text);
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const jamfUser = (name: string) => [...t.sim.state.users.values()].find((u) => u.name === name);

async function create(body: Record<string, unknown>): Promise<string> {
  const res = await t.scim('POST', '/scim/v2/Users', { schemas: [USER], ...body });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json()).toMatchObject(body);
  return res.json().id as string;
}

/** GET and a userName lookup return `sent` exactly. */
async function expectReadsBack(id: string, sent: Record<string, unknown>): Promise<void> {
  const read = await t.scim('GET', `/scim/v2/Users/${id}`);
  expect(read.statusCode, read.body).toBe(200);
  expect(read.json()).toMatchObject(sent);
  const found = await t.scim('GET', `/scim/v2/Users?filter=${filter(`userName eq ${JSON.stringify(sent.userName)}`)}`);
  expect(found.json()).toMatchObject({ totalResults: 1, Resources: [{ id, ...sent }] });
}

describe('text Jamf Pro holds exactly', () => {
  const sent = {
    userName: 'zoë.山田.😀@example.com',
    name: { givenName: 'Zoë\tAugusta', familyName: '山田 😀' },
    displayName: 'Zoë Yamada',
    title: 'Lead\nEngineer \uE000 \uFFFD \u{10FFFF} \u0085 <&>',
    emails: [{ value: 'zoë.山田.😀@example.com', type: 'work', primary: true }],
    phoneNumbers: [{ value: '+81 3\u20111234 😀', type: 'work' }],
  };

  it('POST: Jamf holds every mapped value as sent, and SCIM returns it, also through lookups', async () => {
    const id = await create(sent);
    expect(jamfUser(sent.userName)).toMatchObject({
      full_name: 'Zoë\tAugusta 山田 😀',
      position: sent.title,
      email: sent.emails[0]?.value,
      phone_number: sent.phoneNumbers[0]?.value,
    });
    await expectReadsBack(id, sent);
    const byEmail = await t.scim('GET', `/scim/v2/Users?filter=${filter(`emails.value eq ${JSON.stringify(sent.emails[0]?.value)}`)}`);
    expect(byEmail.json()).toMatchObject({ totalResults: 1, Resources: [{ id }] });
  });

  it('PATCH in Okta and Entra forms: Jamf holds the new values exactly', async () => {
    const id = await create({ userName: 'patched.text@example.com', emails: [{ value: 'patched.text@example.com', type: 'work', primary: true }] });
    const res = await t.scim(
      'PATCH',
      `/scim/v2/Users/${id}`,
      patch(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'pätched.😀@example.com' },
        { op: 'replace', value: { 'name.givenName': 'Ünïcode\tGiven', 'name.familyName': 'Fämily', title: 'Two\nLines' } },
      ),
    );
    expect(res.statusCode, res.body).toBe(200);
    const changed = { name: { givenName: 'Ünïcode\tGiven', familyName: 'Fämily' }, title: 'Two\nLines', emails: [{ value: 'pätched.😀@example.com' }] };
    expect(res.json()).toMatchObject(changed);
    expect(jamfUser('patched.text@example.com')).toMatchObject({ full_name: 'Ünïcode\tGiven Fämily', position: 'Two\nLines', email: 'pätched.😀@example.com' });
    expect((await t.scim('GET', `/scim/v2/Users/${id}`)).json()).toMatchObject(changed);
  });

  it('created inactive: nothing in Jamf until the reactivation, which writes the values exactly', async () => {
    const inactive = { ...sent, userName: 'inactive.😀@example.com', emails: [{ value: 'inactive.😀@example.com', type: 'work', primary: true }] };
    const id = await create({ ...inactive, active: false });
    expect(jamfUser(inactive.userName)).toBeUndefined();
    await expectReadsBack(id, { ...inactive, active: false });

    const res = await t.scim('PATCH', `/scim/v2/Users/${id}`, patch({ op: 'replace', value: { active: true } }));
    expect(res.statusCode, res.body).toBe(200);
    expect(jamfUser(inactive.userName)).toMatchObject({ full_name: 'Zoë\tAugusta 山田 😀', position: sent.title, email: inactive.emails[0]?.value });
    await expectReadsBack(id, { ...inactive, active: true });
  });

  it('changed while deactivated: the tombstone keeps the change and the reactivation writes it exactly', async () => {
    const id = await create({ userName: 'tomb.text@example.com', title: 'Before' });
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patch({ op: 'replace', value: { active: false } }));
    t.resetCalls();
    const change = await t.scim('PATCH', `/scim/v2/Users/${id}`, patch({ op: 'replace', path: 'title', value: 'After\tthe\nbreak 😀' }));
    expect(change.statusCode, change.body).toBe(200);
    expect(t.jamfCalls()).toBe(0);
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'True' }));
    expect(jamfUser('tomb.text@example.com')?.position).toBe('After\tthe\nbreak 😀');
    await expectReadsBack(id, { userName: 'tomb.text@example.com', title: 'After\tthe\nbreak 😀', active: true });
  });
});

describe('text kept only in the state store', () => {
  const storeOnly = {
    nickName: 'bell\u0007 \r\n \uFFFE',
    addresses: [{ formatted: '1 Main St\r\nSpringfield', type: 'work' }],
    [ENTERPRISE]: { department: 'R\u0001D\r' },
    badge: { note: 'a\u001fb', level: 3 },
  };

  it('keeps control characters, CR and U+FFFE exactly, across a deactivation and a reactivation', async () => {
    const sent = { userName: 'store.only@example.com', ...storeOnly };
    const id = await create(sent);
    await expectReadsBack(id, sent);
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patch({ op: 'replace', value: { active: false } }));
    await expectReadsBack(id, { ...sent, active: false });
    await t.scim('PATCH', `/scim/v2/Users/${id}`, patch({ op: 'replace', value: { active: true } }));
    await expectReadsBack(id, { ...sent, active: true });
  });
});

describe('spaces around text Jamf Pro trims (title, name parts, phone numbers)', () => {
  it('Jamf holds the trimmed text; SCIM returns what was sent, and a filter on the sent value finds it', async () => {
    const sent = { userName: 'spaced@example.com', name: { givenName: ' Ada', familyName: 'Lovelace ' }, title: ' Analyst ', phoneNumbers: [{ value: ' 555 0100 ', type: 'work' }] };
    const id = await create(sent);
    expect(jamfUser('spaced@example.com')).toMatchObject({ full_name: 'Ada Lovelace', position: 'Analyst', phone_number: '555 0100' });
    await expectReadsBack(id, sent);
    const byTitle = await t.scim('GET', `/scim/v2/Users?filter=${filter('title eq " Analyst "')}`);
    expect(byTitle.json()).toMatchObject({ totalResults: 1, Resources: [{ id, title: ' Analyst ' }] });
  });
});

describe('group names', () => {
  it('a displayName with inner spaces, markup and emoji is held by Jamf as sent and found by it', async () => {
    const displayName = 'Dev  &  Ops 😀 Zoë';
    const created = await t.scim('POST', '/scim/v2/Groups', { schemas: [GROUP], displayName });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(t.sim.state.groups.get(Number(id))?.name).toBe(displayName);
    const found = await t.scim('GET', `/scim/v2/Groups?filter=${filter(`displayName eq ${JSON.stringify(displayName)}`)}`);
    expect(found.json()).toMatchObject({ totalResults: 1, Resources: [{ id, displayName }] });

    const renamed = 'Zoë\u00a0Team 山田';
    const res = await t.scim('PATCH', `/scim/v2/Groups/${id}`, patch({ op: 'replace', value: { displayName: renamed } }));
    expect(res.statusCode, res.body).toBe(204);
    expect(t.sim.state.groups.get(Number(id))?.name).toBe(renamed);
    expect((await t.scim('GET', `/scim/v2/Groups/${id}`)).json()).toMatchObject({ id, displayName: renamed });
  });
});
