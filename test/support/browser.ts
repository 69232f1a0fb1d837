import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';

/**
 * What the workspace's browser tests share: the pages built as `npm run build` builds them,
 * Debian's chromium driven by playwright-core, screenshots under test-artifacts/ (not committed),
 * axe's rules, and moving about a page by keyboard alone.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
/** Long enough for a loaded shared machine; the live path itself is the point, not its speed. */
export const LIVE = 10_000;

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type AxeViolation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };
type InPage = {
  axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
};

/** Builds the pages the console function serves (dist/web), in production mode as npm does. */
export async function buildPages(): Promise<void> {
  // The runner sets NODE_ENV=test, which would make a development React build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: new URL('../../web/vite.config.ts', import.meta.url).pathname,
      logLevel: 'error',
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}

/** A page in its own context (its own sign-in), sized like a laptop screen. */
export async function newPage(browser: Browser, contexts: BrowserContext[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  context.setDefaultTimeout(LIVE);
  contexts.push(context);
  return context.newPage();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });
}

export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as InPage).axe.run(
      // Fluent's focus sentinels (Tabster's hidden <i> elements) are aria-hidden and focusable by
      // design: they hand focus on at once and are never a stop a keyboard user lands on.
      { exclude: [['[data-tabster-dummy]']] },
      { resultTypes: ['violations'] },
    );
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) =>
          `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target).join(' | ')})`,
      );
  });
  expect(violations).toEqual([]);
}

/** Whether the element is where the keyboard is. */
export const isFocused = (target: Locator): Promise<boolean> =>
  target.evaluate((element) => element === element.ownerDocument.activeElement);

/** What has the keyboard now, as a person would describe it (for failure messages). */
export const focusedDescription = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const element = (globalThis as unknown as { document: { activeElement: unknown } }).document
      .activeElement as {
      tagName: string;
      textContent: string | null;
      getAttribute(name: string): string | null;
    } | null;
    if (!element) return 'nothing';
    const name = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 60) ?? '';
    return `${element.tagName.toLowerCase()} "${name}"`;
  });

/**
 * Presses `key` (Tab by default) until `target` has the keyboard, as a keyboard user moves through
 * a page; fails when it is not reached within `most` presses (out of reach, or a trap).
 */
export async function pressUntilFocused(
  page: Page,
  target: Locator,
  options: { key?: string; most?: number } = {},
): Promise<void> {
  const key = options.key ?? 'Tab';
  const most = options.most ?? 40;
  const passed: string[] = [];
  for (let presses = 0; presses <= most; presses += 1) {
    if ((await target.count()) > 0 && (await isFocused(target.first()))) return;
    if (presses === most) break;
    await page.keyboard.press(key);
    passed.push(await focusedDescription(page));
  }
  throw new Error(
    `${key} did not reach ${target} in ${most} presses; it went through: ${passed.join(' > ')}`,
  );
}
