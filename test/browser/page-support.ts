import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { everythingShown, layoutOf } from './in-page.js';

/** Committed, shown in the README; every run writes them again. */
export const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots');

/** Waits until `loc` shows `text` (a substring, or a pattern of its whole text), saying what it showed instead. */
export async function shows(loc: Locator, text: string | RegExp, timeout = 10_000): Promise<void> {
  try {
    await loc.filter({ hasText: text }).first().waitFor({ timeout });
  } catch {
    const seen = await loc.allInnerTexts().catch(() => []);
    throw new Error(`expected ${String(loc)} to show ${String(text)}; it shows ${JSON.stringify(seen)}`);
  }
}

/** The cell of `row` under the column header `column` of `table` (a row may start with a row header). */
export async function cellOf(table: Locator, row: Locator, column: string): Promise<Locator> {
  const headers = (await table.locator('thead th').allInnerTexts()).map((h) => h.trim());
  const index = headers.indexOf(column);
  if (index < 0) throw new Error(`no column ${column}; the columns are ${headers.join(', ')}`);
  return row.locator(':scope > th, :scope > td').nth(index);
}

/** The value of a term in the status panel's definition list. */
export const definition = (page: Page, term: string): Locator => page.getByTestId('status').locator(`dt:text-is("${term}") + dd`);

/**
 * A screenshot of the page (all of it, or what the viewport shows), after making sure no token is anywhere in it: not in the markup,
 * not in an input's value (which the markup does not carry).
 */
export async function shoot(page: Page, name: string, secrets: readonly string[], fullPage = true): Promise<void> {
  const everything = await page.evaluate(everythingShown);
  const leaked = secrets.filter((s) => everything.includes(s));
  if (leaked.length) throw new Error(`the ${name} page shows a token; no screenshot taken`);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage, animations: 'disabled', caret: 'hide' });
}

/** Whether the page's body scrolls sideways, and whether an element lies inside the viewport's width. */
export async function layout(page: Page, selector: string): Promise<{ scrollsSideways: boolean; inside: boolean }> {
  return page.evaluate(layoutOf, selector);
}

/**
 * Everything the console should never do: throw, break its own CSP, fail to load a file, or
 * fetch from anywhere but its own origin. The 401s of signing in wrongly and of the session probe
 * while signed out are expected and not counted.
 */
export function watchProblems(page: Page, origin: string, problems: string[] = []): string[] {
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) problems.push(`outside request: ${url}`);
  });
  return problems;
}
