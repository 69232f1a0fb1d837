import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPages,
  expectNoSeriousAxeViolations,
  launchBrowser,
  newPage,
  screenshot,
} from '../support/browser.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { searchSeed, writeSearchConversations } from '../support/search-scenario.js';

/**
 * The supervisor's search page in a real browser (Debian's chromium) against the local host: the
 * newest conversations first with their wrap-up codes, searches by contact name, queue and state, and
 * a refused search shown as the API words it. Screenshot: test-artifacts/search-page.png.
 */
describe("the supervisor's search page in a browser", { timeout: 90_000 }, () => {
  let t: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let page: Page;
  const rows = () => page.getByRole('table', { name: 'Conversations found' }).locator('tbody tr');

  beforeAll(async () => {
    await buildPages();
    t = await startTestHost({}, searchSeed);
    await writeSearchConversations(t);
    browser = await launchBrowser();
    page = await newPage(browser, contexts);
    await page.goto(`${t.host.url}/api/console/#/search`);
    await page.getByLabel('Person').selectOption({ label: 'Supervisor (supervisor)' });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Search conversations' }).waitFor();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.stop();
  });

  it('opens from the Search link and lists the newest conversations first, each with its wrap-up', async () => {
    await expect.poll(() => rows().count()).toBe(3);
    await expect
      .poll(() => rows().locator('td:nth-child(2)').allInnerTexts())
      .toEqual(['+14255550163', 'Joseph Brown\n+14255550162', 'José Álvarez\n+14255550161']);
    expect(await rows().nth(2).locator('td:nth-child(7)').textContent()).toBe('Resolved');
    expect(await rows().nth(0).locator('td:nth-child(7)').textContent()).toBe('–');
    expect(await page.getByRole('link', { name: 'Search' }).getAttribute('aria-current')).toBe('page');
    await expectNoSeriousAxeViolations(page);
  });

  it('searches by contact name and by queue, and says when nothing matches', async () => {
    await page.getByLabel('Contact name').fill('JOSE');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => rows().count()).toBe(2);
    await page.getByLabel('Queue').selectOption({ label: 'General support' });
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect
      .poll(() => rows().locator('td:nth-child(2)').allInnerTexts())
      .toEqual(['José Álvarez\n+14255550161']);
    await page.getByLabel('State').selectOption('closed');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No conversation matches this search.').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => rows().count()).toBe(3);
    await screenshot(page, 'search-page');
  });

  it('shows a refused search as the API says it, naming the field, and keeps the results', async () => {
    await page.getByLabel('Number', { exact: true }).fill('12');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/number:/);
    expect(await rows().count()).toBe(3);
    await screenshot(page, 'search-page-refused');
  });
});
