import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { launchChromium, type Browser } from './browser.js';
import { startDemo, type Demo } from './demo.js';
import { hasFocus } from './in-page.js';
import { cellOf, definition, layout, shoot, shows, watchProblems } from './page-support.js';

/**
 * The admin console as an administrator uses it, in Chromium against `npm run demo`: what each
 * step shows on the page, while an IdP's traffic (plain SCIM calls here) changes things under it.
 */
describe('admin console in a browser', () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let secrets: string[];
  const problems: string[] = [];
  const userName = 'ada.lovelace@example.com';
  let scimId: string;

  beforeAll(async () => {
    demo = await startDemo();
    origin = new URL(demo.consoleUrl).origin;
    secrets = [demo.adminToken, demo.bearerToken];
    browser = await launchChromium();
    browser.context.setDefaultTimeout(10_000);
    page = await browser.context.newPage();
    watchProblems(page, origin, problems);
  });
  afterAll(async () => {
    await browser?.close();
    if (demo) expect(await demo.stop()).toBe(0);
  });

  const scim = (method: string, path: string, body?: unknown) =>
    fetch(`${demo.scimBase}${path}`, {
      method,
      headers: { authorization: `Bearer ${demo.bearerToken}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const heading = (name: string) => page.getByRole('heading', { level: 1, name, exact: true });
  const nav = () => page.getByRole('navigation', { name: 'Main' });
  const focused = (loc: Locator) => expect.poll(() => loc.evaluate(hasFocus), { timeout: 5_000 });
  const go = async (link: string, h1: string) => {
    await nav().getByRole('link', { name: link, exact: true }).click();
    await heading(h1).waitFor();
    // A screen reader user lands on the new page's heading, not on the link just used.
    await focused(heading(h1)).toBe(true);
  };

  it('refuses a wrong admin token and stays on the sign-in page', async () => {
    await page.goto(demo.consoleUrl);
    await heading('Sign in').waitFor();
    expect(await nav().count()).toBe(0);
    await shoot(page, 'signin', secrets);
    await page.getByLabel('Admin token').fill('not-the-admin-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await shows(page.getByRole('alert'), 'Wrong admin token');
    await heading('Sign in').waitFor();
    expect(new URL(page.url()).hash).toBe('#/signin');
  });

  it('signs in with the admin token into an HttpOnly, SameSite=Strict session that survives a reload', async () => {
    // Before anyone looks, the IdP has been at work: Jamf has been reached and its version read.
    expect((await scim('GET', '/Users?count=1')).status).toBe(200);
    await page.getByLabel('Admin token').fill(demo.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Status').waitFor();
    await nav().waitFor();
    const cookie = (await browser.context.cookies(demo.consoleUrl)).find((c) => c.name === 'jamf_scim_admin');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    await page.reload();
    await heading('Status').waitFor();
  });

  it('shows Jamf reachable with its version, and runs the connection check', async () => {
    await shows(definition(page, 'Jamf'), /\bReachable\b/);
    await shows(definition(page, 'Jamf Pro version'), /\d+\.\d+/);
    await shows(definition(page, 'Missing privileges'), 'None');
    const run = page.getByRole('button', { name: 'Run connection check' });
    await run.click();
    await shows(page.getByTestId('check-result'), /Last connection check passed/, 20_000);
    await shows(page.getByTestId('message'), 'Connection check passed');
    expect(await page.getByTestId('check-result').getByText('FAIL', { exact: true }).count()).toBe(0);
    await shoot(page, 'status', secrets);
  });

  it('shows a user the IdP provisions in Activity without a reload', async () => {
    await go('Activity', 'Activity');
    await page.getByTestId('activity-table').waitFor();
    // A reload or a navigation away would drop this.
    await page.evaluate(() => ((globalThis as { stayed?: boolean }).stayed = true));
    const created = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      externalId: 'browser-test-1',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
    });
    expect(created.status).toBe(201);
    scimId = ((await created.json()) as { id: string }).id;
    const activity = page.getByTestId('activity-table');
    const row = activity.locator('tbody tr').filter({ hasText: userName }).filter({ hasText: 'user.created' });
    await row.waitFor({ timeout: 15_000 });
    await shows(await cellOf(activity, row, 'Credential'), /^\s*demo\s*$/);
    expect(await page.evaluate(() => (globalThis as { stayed?: boolean }).stayed)).toBe(true);
  });

  it("finds the user by search and opens the user's page", async () => {
    await go('Users', 'Users');
    await page.getByLabel('Search users').fill('lovelace');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByTestId('users-table').getByRole('link', { name: userName, exact: true }).click();
    await heading(`User ${userName}`).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/users/${scimId}`);
    await shows(page.getByTestId('user-scim'), userName);
    await shows(page.getByTestId('user-jamf'), userName);
    await shows(page.getByTestId('user-audit'), 'user.created');
    await shoot(page, 'users', secrets);
  });

  it("finds a group the IdP creates by search and opens the group's page with its member", async () => {
    const groupName = 'Analytical Engines';
    const created = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: groupName,
      externalId: 'browser-group-1',
      members: [{ value: scimId }],
    });
    expect(created.status).toBe(201);
    const groupId = ((await created.json()) as { id: string }).id;
    await go('Groups', 'Groups');
    await page.getByLabel('Search groups').fill('analytical');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByTestId('groups-table').getByRole('link', { name: groupName, exact: true }).click();
    await heading(`Group ${groupName}`).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/groups/${groupId}`);
    await shows(page.getByTestId('group-facts'), 'browser-group-1');
    const member = page.getByTestId('group-members').getByRole('link', { name: userName, exact: true });
    await member.waitFor();
    expect(await member.getAttribute('href')).toBe(`#/users/${scimId}`);
    await shows(page.getByTestId('group-audit'), 'group.created');
    await shoot(page, 'groups', secrets);
  });

  it('lists a user the IdP deactivates with the credential that did it, and purges it after confirmation', async () => {
    const patched = await scim('PATCH', `/Users/${scimId}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(patched.status).toBe(200);
    await go('Deactivated', 'Deactivated users');
    const table = page.getByTestId('deactivated-table');
    const row = table.locator(`tr[data-id="${scimId}"]`);
    await shows(row, userName);
    await shows(await cellOf(table, row, 'By'), /^\s*demo\s*$/);
    await shows(await cellOf(table, row, 'External id'), 'browser-test-1');
    await shoot(page, 'deactivated', secrets);

    const purge = row.getByRole('button', { name: `Purge ${userName}` });
    const dialog = page.getByRole('dialog', { name: `Purge ${userName}?` });
    const confirmation = dialog.getByLabel('Type the user name to confirm');
    const confirm = dialog.getByRole('button', { name: 'Purge', exact: true });
    // Escape backs out and leaves the row alone.
    await purge.click();
    await dialog.waitFor();
    await focused(confirmation).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await focused(purge).toBe(true);
    expect(await row.count()).toBe(1);

    await purge.click();
    await focused(confirmation).toBe(true);
    await confirmation.fill('ada');
    await expect.poll(() => confirm.isDisabled()).toBe(true);
    await confirmation.fill(userName);
    await expect.poll(() => confirm.isEnabled()).toBe(true);
    await confirm.click();
    await row.waitFor({ state: 'detached' });
    await shows(page.getByTestId('message'), `Purged ${userName}`);

    await go('Activity', 'Activity');
    const activity = page.getByTestId('activity-table');
    const purged = activity.locator('tbody tr').filter({ hasText: 'tombstone.purged' }).filter({ hasText: userName });
    await purged.waitFor();
    await shows(await cellOf(activity, purged, 'Credential'), /^\s*admin\s*$/);
    await shoot(page, 'activity', secrets);
    expect((await scim('GET', `/Users/${scimId}`)).status).toBe(404);
  });

  it('draws the four charts', async () => {
    await go('Charts', 'Charts');
    for (const id of ['chart-scim', 'chart-jamf', 'chart-latency', 'chart-errors']) {
      const chart = page.getByTestId(id);
      await chart.locator('canvas').first().waitFor();
      expect(await chart.getAttribute('aria-label')).toMatch(/over the last 24 h/);
    }
    await shoot(page, 'charts', secrets);
  });

  it('fits a phone: navigation and content visible, no sideways scrolling', async () => {
    const phone = await browser.context.newPage();
    watchProblems(phone, origin, problems);
    await phone.setViewportSize({ width: 375, height: 812 });
    try {
      for (const [hash, h1] of [
        ['#/status', 'Status'],
        ['#/activity', 'Activity'],
        [`#/users?q=example`, 'Users'],
        ['#/groups?q=engines', 'Groups'],
        ['#/deactivated', 'Deactivated users'],
        ['#/charts', 'Charts'],
      ] as const) {
        await phone.goto(`${demo.consoleUrl}${hash}`);
        await phone.getByRole('heading', { level: 1, name: h1, exact: true }).waitFor();
        expect(await phone.getByRole('navigation', { name: 'Main' }).isVisible(), `nav on ${hash}`).toBe(true);
        expect(await layout(phone, 'nav[aria-label="Main"]'), `nav on ${hash}`).toMatchObject({ inside: true });
        expect(await layout(phone, 'main'), `main on ${hash}`).toEqual({ scrollsSideways: false, inside: true });
      }
      await phone.goto(`${demo.consoleUrl}#/status`);
      await shows(definition(phone, 'Jamf'), /\bReachable\b/);
      await shoot(phone, 'phone', secrets, false);
    } finally {
      await phone.close();
    }
  });

  it('signs out to the sign-in page, after which the API answers 401', async () => {
    const cookie = (await browser.context.cookies(demo.consoleUrl)).find((c) => c.name === 'jamf_scim_admin');
    expect(cookie).toBeDefined();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in').waitFor();
    await nav().waitFor({ state: 'detached' });
    expect(await page.evaluate(async () => (await fetch('/admin/api/status')).status)).toBe(401);
    // The old session is gone on the server too, not only its cookie in this browser.
    const replay = await fetch(`${origin}/admin/api/status`, { headers: { cookie: `jamf_scim_admin=${cookie?.value}` } });
    expect(replay.status).toBe(401);
    await page.goto(`${demo.consoleUrl}#/deactivated`);
    await heading('Sign in').waitFor();
  });

  it('did not throw, break its CSP, miss a file or reach outside its own origin', () => {
    expect(problems).toEqual([]);
  });
});
