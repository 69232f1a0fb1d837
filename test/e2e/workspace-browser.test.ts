import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPages, launchBrowser } from '../support/browser.js';
import { startTestHost, type TestHost } from '../support/host.js';

/**
 * The workspace in a real browser (Debian's chromium, driven by playwright-core) against the local
 * host: an agent's day, the supervisor's floor and the phone simulator, live, with a dropped
 * connection, keyboard use and axe's accessibility rules. Screenshots go to test-artifacts/.
 */
const SUPPORT = '+14255550100';
const ANN = '+14255550123';
const BEN = '+14255550124';
const CAT = '+14255550125';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** Long enough for a loaded shared machine; the live path itself is the point, not its speed. */
const LIVE = 10_000;
/** The page's globals, as the functions run inside it see them (this project's types have no DOM). */
type InPage = {
  document: { activeElement: { textContent: string | null } | null };
  notReloaded?: boolean;
  axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
};
type AxeViolation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };

describe('the workspace pages in a browser', { timeout: 60_000 }, () => {
  let t: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: Page;
  let bob: Page;
  let phone: Page;
  let floor: Page;
  /** Alice's live stream runs through this route, so the test can cut it. */
  let cut = false;
  const aliceSockets: WebSocketRoute[] = [];

  const consoleUrl = (route: string) => `${t.host.url}/api/console/#/${route}`;

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
    context.setDefaultTimeout(LIVE);
    contexts.push(context);
    return context.newPage();
  }

  /** Signs in with the development sign-in's person picker, by keyboard only. */
  async function signIn(page: Page, route: string, who: RegExp) {
    await page.goto(consoleUrl(route));
    const picker = page.getByLabel('Person');
    await picker.waitFor();
    const value = await picker.evaluate((select, source) => {
      const pattern = new RegExp(source, 'i');
      return Array.from(
        (select as unknown as { options: ArrayLike<{ text: string; value: string }> }).options,
      ).find((option) => pattern.test(option.text))?.value;
    }, who.source);
    expect(value, `the picker offers ${who}`).toBeTruthy();
    await picker.focus();
    await picker.selectOption(value as string);
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.textContent))
      .toBe('Sign in');
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  }

  async function setPresence(page: Page, presence: string) {
    await page.getByLabel('Presence').selectOption(presence);
    await expect.poll(() => page.getByLabel('Presence').inputValue()).toBe(presence);
  }

  async function customerTexts(from: string, text: string) {
    await phone.getByLabel("Customer's number").fill(from);
    await phone.getByLabel('Support number').fill(SUPPORT);
    const box = phone.getByLabel('Text message');
    await box.fill(text);
    await box.press('Enter');
    await phone.getByTestId('phone-sent').filter({ hasText: text }).waitFor({ timeout: LIVE });
  }

  const item = (page: Page, customer: string) =>
    page.getByTestId('conversation-item').filter({ hasText: customer });

  async function expectNoSeriousAxeViolations(page: Page) {
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const result = await (globalThis as unknown as InPage).axe.run(
        // Fluent's focus sentinels (Tabster's hidden <i> elements) are aria-hidden and focusable by
        // design: they hand focus on at once and are never a stop a keyboard user lands on.
        { exclude: [['[data-tabster-dummy]']] },
        {
          resultTypes: ['violations'],
        },
      );
      return (
        result.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[]
      )
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map(
          (violation) =>
            `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target).join(' | ')})`,
        );
    });
    expect(violations).toEqual([]);
  }

  async function screenshot(page: Page, name: string) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });
  }

  beforeAll(async () => {
    await buildPages();
    t = await startTestHost({ SMS_CLOCK: 'system' });
    browser = await launchBrowser();
    phone = await newPage();
    floor = await newPage();
    bob = await newPage();
    alice = await newPage();
    await alice.routeWebSocket(/\/realtime/, (ws) => {
      if (cut) {
        ws.close();
        return;
      }
      ws.connectToServer();
      aliceSockets.push(ws);
    });
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.stop();
  });

  it('an agent signs in with the person picker and goes available', async () => {
    await signIn(alice, 'agent', /alice/);
    await expect.poll(() => alice.url()).toContain('#/agent');
    await setPresence(alice, 'available');
    await alice.getByText('Load: 0 of 2').waitFor();
  });

  it('a customer texts through the phone simulator and the conversation appears on the agent page without a reload', async () => {
    await signIn(phone, 'phone', /admin/);
    await phone.goto(consoleUrl('phone'));
    await alice.evaluate(() => {
      (globalThis as unknown as InPage).notReloaded = true;
    });
    const sentAt = Date.now();
    await customerTexts(ANN, 'Hello, my parcel is late');
    await item(alice, ANN).waitFor({ timeout: LIVE });
    console.log(`conversation on the agent page ${Date.now() - sentAt} ms after the text was sent`);
    expect(await alice.evaluate(() => (globalThis as unknown as InPage).notReloaded)).toBe(true);
    await expect.poll(() => alice.getByTestId('cue').textContent()).toContain(`New conversation: ${ANN}`);
    await expect.poll(() => item(alice, ANN).textContent()).toContain('Hello, my parcel is late');
  });

  it('the agent opens it and replies; the phone shows the reply and the agent sees it delivered', async () => {
    await item(alice, ANN).click();
    const thread = alice.getByTestId('thread');
    await thread.getByText('Hello, my parcel is late').waitFor();
    expect(await thread.locator('[data-author="customer"]').count()).toBe(1);
    const reply = alice.getByLabel('Reply to the customer');
    await reply.fill('Hi, Alice here. Let me look at it.');
    await expect
      .poll(() => alice.getByTestId('counter').textContent())
      .toBe('34/1600 characters · 1 segment · GSM-7');
    await reply.press('Control+Enter');
    await phone
      .getByTestId('phone-received')
      .filter({ hasText: 'Hi, Alice here. Let me look at it.' })
      .waitFor({ timeout: LIVE });
    const mine = thread.locator('[data-author="agent"]').filter({ hasText: 'Hi, Alice here.' });
    await expect
      .poll(() => mine.getByTestId('delivery-status').textContent(), { timeout: LIVE })
      .toBe('Delivered');
    await screenshot(alice, 'agent');
    await screenshot(phone, 'phone');
  });

  it('the counter points out the character that makes a reply UCS-2', async () => {
    const reply = alice.getByLabel('Reply to the customer');
    await reply.fill('It’s on its way');
    await expect
      .poll(() => alice.getByTestId('counter').textContent())
      .toBe('15/1600 characters · 1 segment · UCS-2: character 3, ’ (U+2019), is not in GSM-7');
    await reply.fill('');
  });

  it("the supervisor's floor shows the waiting count go up and down live", async () => {
    await signIn(floor, 'supervisor', /supervisor/);
    const waiting = floor.getByTestId('floor-queue-general').getByTestId('waiting');
    await expect.poll(() => waiting.textContent(), { timeout: LIVE }).toBe('0');
    await setPresence(alice, 'away');
    await customerTexts(BEN, 'Is anyone there?');
    await expect.poll(() => waiting.textContent(), { timeout: LIVE }).toBe('1');
    await floor.getByTestId('floor-conversation').filter({ hasText: BEN }).waitFor();
    await screenshot(floor, 'supervisor');
    await setPresence(alice, 'available');
    await expect.poll(() => waiting.textContent(), { timeout: LIVE }).toBe('0');
    await item(alice, BEN).waitFor({ timeout: LIVE });
  });

  it('a late answer for the conversation just left never replaces the one chosen after it', async () => {
    const { body } = await t.api('GET', 'agents/alice/conversations', undefined, { user: 'alice' });
    const ann = (body.conversations as { id: string; customer: string }[]).find((c) => c.customer === ANN);
    expect(ann, "alice holds Ann's conversation").toBeDefined();
    const annDetail = `**/api/conversations/${ann?.id}`;
    let answerAnn = () => {};
    const held = new Promise<void>((resolve) => {
      answerAnn = resolve;
    });
    await alice.route(annDetail, async (route) => {
      await held;
      await route.continue();
    });
    const thread = alice.getByTestId('thread');
    await item(alice, BEN).click();
    await thread.getByText('Is anyone there?').waitFor();
    await item(alice, ANN).click();
    await item(alice, BEN).click();
    await thread.getByText('Is anyone there?').waitFor();
    const late = alice.waitForResponse((response) => response.url().endsWith(`/conversations/${ann?.id}`));
    answerAnn();
    await (await late).finished();
    await alice.unroute(annDetail);
    // Give the page the turns it needs to apply the late answer, were it going to.
    await alice.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(await thread.getByText('Is anyone there?').count()).toBe(1);
    expect(await thread.getByText('Hello, my parcel is late').count()).toBe(0);
  });

  it("a transfer moves the conversation from one agent's page to the other's", async () => {
    await signIn(bob, 'agent', /bob/);
    await setPresence(bob, 'available');
    await item(alice, BEN).click();
    await alice.getByTestId('thread').getByText('Is anyone there?').waitFor();
    await alice.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = alice.getByRole('dialog');
    await dialog.getByLabel(/^Bob: 0\/1, can take it/).check();
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await item(bob, BEN).waitFor({ timeout: LIVE });
    await expect.poll(() => item(alice, BEN).count(), { timeout: LIVE }).toBe(0);
    await screenshot(bob, 'agent-after-transfer');
  });

  it("an opted-out customer's composer is disabled, saying why", async () => {
    // STOP closes the conversation (it leaves her list); the one she has open shows what happened.
    await item(alice, ANN).click();
    await alice.getByTestId('thread').getByText('Hello, my parcel is late').waitFor();
    await customerTexts(ANN, 'STOP');
    await expect
      .poll(() => alice.getByTestId('consent').textContent(), { timeout: LIVE })
      .toContain('Opted out on this channel');
    await expect.poll(() => alice.getByLabel('Reply to the customer').isDisabled()).toBe(true);
    await expect.poll(() => alice.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await expect.poll(() => alice.getByTestId('composer-reason').textContent()).toContain('opted out');
    await screenshot(alice, 'agent-opted-out');
  });

  it('the connection drops and comes back, and the page catches up', async () => {
    cut = true;
    for (const socket of aliceSockets.splice(0)) await socket.close();
    await alice.getByText('Reconnecting…').waitFor({ timeout: LIVE });
    await customerTexts(CAT, 'Texting while you were offline');
    await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations', undefined, { user: 'alice' });
      return body.conversations.some((c: { customer: string }) => c.customer === CAT);
    }, 'the conversation to be given to alice');
    // Nothing reaches the page while it is cut off...
    expect(await item(alice, CAT).count()).toBe(0);
    cut = false;
    // ...and once it is back, it reads again and shows what it missed.
    await item(alice, CAT).waitFor({ timeout: LIVE });
    await expect.poll(() => alice.getByText('Reconnecting…').count()).toBe(0);
  });

  it('each page has no serious or critical accessibility violations', async () => {
    await expectNoSeriousAxeViolations(alice);
    await expectNoSeriousAxeViolations(floor);
    await expectNoSeriousAxeViolations(phone);
    const picker = await newPage();
    await picker.goto(consoleUrl('agent'));
    await picker.getByLabel('Person').waitFor();
    await expectNoSeriousAxeViolations(picker);
    await screenshot(picker, 'sign-in');
  });
});
