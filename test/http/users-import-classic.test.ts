/**
 * An Okta-style import on Jamf Pro < 11.26 (no `/api/v1/users`): the Classic id list once per
 * import, then one read per user (design.md §5), counted with the simulator. Changes made while
 * the import runs neither shift its pages nor hide a user.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helper.js';
import { createUser, oktaCreateBody, patchBody } from './users-support.js';

const LIST = 'GET /JSSResource/users';
const READ = 'GET /JSSResource/users/id/:id';
const USERS = 350;
const PAGE = 100;

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

interface Page {
  totalResults: number;
  itemsPerPage: number;
  Resources: Array<{ id: string; active: boolean }>;
}

async function page(startIndex: number): Promise<Page> {
  const res = await t.scim('GET', `/scim/v2/Users?startIndex=${startIndex}&count=${PAGE}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
}

/** Pages until startIndex passes totalResults, as Okta does; `between` runs after each page. */
async function importAll(between: (pageNo: number) => Promise<void> = async () => {}): Promise<{ ids: string[]; totals: number[] }> {
  const ids: string[] = [];
  const totals: number[] = [];
  for (let start = 1, n = 1; ; start += PAGE, n++) {
    const p = await page(start);
    ids.push(...p.Resources.map((r) => r.id));
    totals.push(p.totalResults);
    if (start + PAGE > p.totalResults) return { ids, totals };
    await between(n);
  }
}

const seeded = () => [...t.sim.state.users.keys()].sort((a, b) => a - b);

describe('Classic import (Jamf Pro 11.25)', () => {
  it(`${USERS} users in pages of ${PAGE}: one id list and one read per user`, async () => {
    t = await startTestServer({ seedUsers: USERS, version: '11.25.0' });
    const expected = seeded().map(String);

    const { ids, totals } = await importAll();

    expect(ids).toEqual(expected);
    expect(new Set(totals)).toEqual(new Set([USERS]));
    expect(t.calls()).toEqual({ [LIST]: 1, [READ]: USERS });
  });

  it('a new import (startIndex=1) reads the list again, and sees what an administrator added meanwhile', async () => {
    t = await startTestServer({ seedUsers: USERS, version: '11.25.0' });
    await importAll();
    const added = t.sim.addUser({ name: 'made-in-jamf' });
    t.resetCalls();

    const { ids } = await importAll();

    expect(ids.at(-1)).toBe(String(added));
    expect(t.calls()).toEqual({ [LIST]: 1, [READ]: USERS + 1 });
  });

  it('reads the list again when the import paused longer than a minute', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    t = await startTestServer({ seedUsers: USERS, version: '11.25.0' }, { now: () => new Date(clock) });
    await page(1);
    clock += 30_000;
    await page(101);
    expect(t.calls()[LIST]).toBe(1);
    clock += 61_000;
    await page(201);
    expect(t.calls()[LIST]).toBe(2);
  });

  it('users created, deactivated and deleted while it runs: no page shifts, nobody is missed, no extra list', async () => {
    t = await startTestServer({ seedUsers: USERS, version: '11.25.0' });
    const jamfIds = seeded();
    const [, second, third] = [0, 1, 2].map((p) => jamfIds.slice(p * PAGE, (p + 1) * PAGE));
    let created = '';
    const deactivated = String(jamfIds[10]);
    const deletedByAdmin = second?.[50] as number;
    t.resetCalls();

    const { ids } = await importAll(async (n) => {
      if (n !== 1) return;
      // After page 1: the IdP creates a user and deactivates one already listed; an admin deletes one on page 2.
      created = await createUser(t, oktaCreateBody('new@example.com'));
      const off = await t.scim('PATCH', `/scim/v2/Users/${deactivated}`, patchBody({ op: 'replace', value: { active: false } }));
      expect(off.statusCode, off.body).toBe(200);
      t.sim.state.users.delete(deletedByAdmin);
    });

    // Page 2 is one short (its deleted user); page 3 starts where it would have: the user after
    // page 2's border is not skipped because a user before it went away.
    expect(ids).toContain(String(second?.at(-1)));
    expect(ids).toContain(String(third?.[0]));
    expect(ids).not.toContain(String(deletedByAdmin));
    expect(ids).toContain(created);
    // Listed on page 1 while active, and again at the end among the deactivated users.
    expect(ids.filter((id) => id === deactivated)).toHaveLength(2);
    const everyone = new Set([...jamfIds.filter((id) => id !== deletedByAdmin).map(String), created]);
    expect(new Set(ids)).toEqual(everyone);
    expect(t.calls()[LIST]).toBe(1);
  });
});
