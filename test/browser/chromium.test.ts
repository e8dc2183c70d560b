import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './browser.js';
import { paintsCanvas } from './in-page.js';
import { SHOTS, shoot } from './page-support.js';

// Told apart from a console failure: when this fails, the browser install is what is broken.
describe('Chromium for the browser tests', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('starts headless, runs script, draws a canvas and takes a screenshot', async () => {
    const page = await browser.context.newPage();
    await page.setContent('<main><h1>ok</h1><canvas width="20" height="20"></canvas></main>');
    const drawn = await page.evaluate(paintsCanvas);
    expect(drawn).toBe(true);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('ok');
    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    await page.close();
  });

  it('takes no screenshot of a page that holds a token, even only in an input', async () => {
    const page = await browser.context.newPage();
    await page.setContent('<label>Admin token <input type="password"></label>');
    await page.getByLabel('Admin token').fill('secret-admin-token');
    await expect(shoot(page, 'must-not-exist', ['secret-admin-token'])).rejects.toThrow('shows a token');
    expect(existsSync(join(SHOTS, 'must-not-exist.png'))).toBe(false);
    await page.close();
  });
});
