import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPages,
  focusedDescription,
  isFocused,
  LIVE,
  launchBrowser,
  newPage,
  pressUntilFocused,
  screenshot,
} from '../support/browser.js';
import { startTestHost, type TestHost } from '../support/host.js';

/**
 * The workspace by keyboard alone: every step below is a key press (Tab, Shift+Tab, arrows,
 * Enter, Space, Escape, typing); nothing is clicked, and nothing is focused by the test.
 * The customer's side goes through the local provider's webhook, as a phone would.
 */
const SUPPORT = '+14255550100';
const DAN = '+14255550131';
const EVE = '+14255550132';

describe('the workspace by keyboard alone', { timeout: 90_000 }, () => {
  let t: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: Page;
  let floor: Page;

  const consoleUrl = (route: string) => `${t.host.url}/api/console/#/${route}`;
  const item = (page: Page, customer: string) =>
    page.getByTestId('conversation-item').filter({ hasText: customer });

  async function customerTexts(from: string, text: string) {
    const { status } = await t.api('POST', 'local/inbound', { from, to: SUPPORT, text }, null);
    expect(status).toBe(202);
  }

  /** Types into a closed <select> as a keyboard user does: the option starting with the words. */
  async function choose(page: Page, select: Locator, words: string, value: string) {
    expect(await isFocused(select)).toBe(true);
    await page.keyboard.type(words);
    await expect.poll(() => select.inputValue()).toBe(value);
  }

  /** From wherever the keyboard is, into the toolbar (one Tab stop) and along it with arrows. */
  async function toToolbarButton(page: Page, name: string) {
    const toolbar = page.getByRole('toolbar', { name: 'Conversation actions' });
    const within = () => toolbar.evaluate((element) => element.contains(element.ownerDocument.activeElement));
    for (let presses = 0; !(await within()) && presses < 30; presses += 1)
      await page.keyboard.press('Shift+Tab');
    expect(await within(), 'Shift+Tab reaches the conversation toolbar').toBe(true);
    await pressUntilFocused(page, toolbar.getByRole('button', { name }), { key: 'ArrowRight', most: 8 });
  }

  async function signInByKeyboard(page: Page, route: string, words: string, user: string) {
    await page.goto(consoleUrl(route));
    const picker = page.getByLabel('Person');
    await picker.waitFor();
    await pressUntilFocused(page, picker);
    await choose(page, picker, words, user);
    await pressUntilFocused(page, page.getByRole('button', { name: 'Sign in' }));
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  }

  beforeAll(async () => {
    await buildPages();
    t = await startTestHost({ SMS_CLOCK: 'system' });
    browser = await launchBrowser();
    alice = await newPage(browser, contexts);
    floor = await newPage(browser, contexts);
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.stop();
  });

  it('an agent signs in with the person picker and sets their presence', async () => {
    await signInByKeyboard(alice, 'agent', 'Alice', 'alice');
    await alice.getByRole('heading', { name: 'Alice' }).waitFor();
    const presence = alice.getByLabel('Presence');
    await pressUntilFocused(alice, presence);
    await choose(alice, presence, 'Available', 'available');
    await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents', undefined, { user: 'alice' });
      return body.agents.some(
        (a: { id: string; presence: string }) => a.id === 'alice' && a.presence === 'available',
      );
    }, 'alice to be available');
    await alice.getByText('Load: 0 of 2').waitFor();
  });

  it('mutes the sound cue with the space bar', async () => {
    const mute = alice.getByRole('button', { name: 'Mute sound' });
    await pressUntilFocused(alice, mute);
    expect(await mute.getAttribute('aria-pressed')).toBe('false');
    await alice.keyboard.press('Space');
    await expect.poll(() => mute.getAttribute('aria-pressed')).toBe('true');
    await alice.keyboard.press('Space');
    await expect.poll(() => mute.getAttribute('aria-pressed')).toBe('false');
  });

  it('opens a new conversation from the list and reads the thread', async () => {
    await customerTexts(DAN, 'My card was charged twice');
    await item(alice, DAN).waitFor({ timeout: LIVE });
    await pressUntilFocused(alice, item(alice, DAN));
    await alice.keyboard.press('Enter');
    await alice.getByTestId('thread').getByText('My card was charged twice').waitFor();
    expect(await item(alice, DAN).getAttribute('aria-current')).toBe('true');
  });

  it('writes a reply and sends it with the Send button', async () => {
    const reply = alice.getByLabel('Reply to the customer');
    await pressUntilFocused(alice, reply);
    await alice.keyboard.type('Sorry about that, Dan. I am refunding one now.');
    await expect.poll(() => alice.getByTestId('counter').textContent()).toContain('46/1600 characters');
    await pressUntilFocused(alice, alice.getByRole('button', { name: 'Send', exact: true }));
    await alice.keyboard.press('Enter');
    await alice
      .getByTestId('thread')
      .locator('[data-author="agent"]')
      .filter({ hasText: 'I am refunding one now' })
      .waitFor({ timeout: LIVE });
    await expect.poll(() => reply.inputValue()).toBe('');
  });

  it('opens the transfer dialog, leaves it with Escape back where it was, and transfers to an available agent', async () => {
    const { status } = await t.api('PUT', 'agents/bob/presence', { presence: 'available' }, { user: 'bob' });
    expect(status).toBe(200);
    await toToolbarButton(alice, 'Transfer…');
    const trigger = alice.getByRole('button', { name: 'Transfer…' });

    // Escape leaves the dialog and gives the keyboard back to the button that opened it.
    await alice.keyboard.press('Enter');
    const dialog = alice.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.evaluate((element) => element.contains(element.ownerDocument.activeElement))).toBe(
      true,
    );
    await alice.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => isFocused(trigger)).toBe(true);

    await alice.keyboard.press('Enter');
    await dialog.waitFor();
    // Tab goes to the choices; the arrows move along them (and choose, as radio buttons do).
    const bob = dialog.getByRole('radio', { name: /^Bob: 0\/1, can take it/ });
    await pressUntilFocused(alice, dialog.getByRole('radio').first());
    await pressUntilFocused(alice, bob, { key: 'ArrowDown', most: 10 });
    expect(await bob.isChecked()).toBe(true);
    await pressUntilFocused(alice, dialog.getByRole('button', { name: 'Transfer', exact: true }));
    await alice.keyboard.press('Enter');
    await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/bob/conversations', undefined, { user: 'bob' });
      return body.conversations.some((c: { customer: string }) => c.customer === DAN);
    }, 'the conversation to be given to bob');
    await expect.poll(() => item(alice, DAN).count(), { timeout: LIVE }).toBe(0);
    // The keyboard is not lost with the button that went away: it stays in the conversation.
    const view = alice.getByRole('region', { name: `Conversation with ${DAN}` });
    await expect
      .poll(async () =>
        (await view.evaluate((element) => element.contains(element.ownerDocument.activeElement)))
          ? 'in the conversation'
          : await focusedDescription(alice),
      )
      .toBe('in the conversation');
  });

  it('starts a conversation from the New conversation dialog, choosing the channel from a list', async () => {
    await pressUntilFocused(alice, alice.getByRole('button', { name: 'New conversation…' }), {
      key: 'Shift+Tab',
    });
    await alice.keyboard.press('Enter');
    const dialog = alice.getByRole('dialog', { name: 'Text a customer' });
    await dialog.waitFor();
    const channel = dialog.getByLabel('Channel');
    await expect
      .poll(() => channel.locator('option').allTextContents())
      .toContain('Customer support: +14255550100');
    await pressUntilFocused(alice, channel);
    await choose(alice, channel, 'Customer support', 'support');
    await pressUntilFocused(alice, dialog.getByLabel("Customer's mobile number"));
    await alice.keyboard.type(EVE);
    await pressUntilFocused(alice, dialog.getByLabel('Message'));
    await alice.keyboard.type('Your replacement card is ready to collect.');
    await pressUntilFocused(alice, dialog.getByRole('button', { name: 'Send and start' }));
    await alice.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    await alice.getByTestId('thread').getByText('Your replacement card is ready to collect.').waitFor();
    await item(alice, EVE).waitFor({ timeout: LIVE });
    await screenshot(alice, 'keyboard-agent');
  });

  it('a supervisor reassigns a conversation from the floor', async () => {
    await signInByKeyboard(floor, 'supervisor', 'Supervisor', 'supervisor');
    const trigger = floor.getByRole('button', { name: `Reassign the conversation with ${DAN}` });
    await trigger.waitFor({ timeout: LIVE });
    await pressUntilFocused(floor, trigger, { most: 60 });
    await floor.keyboard.press('Enter');
    const dialog = floor.getByRole('dialog', { name: 'Reassign the conversation' });
    await dialog.waitFor();
    // Bob has it; Alice has room for one more.
    const toAlice = dialog.getByRole('radio', { name: /^Alice: 1\/2, can take it/ });
    await pressUntilFocused(floor, dialog.getByRole('radio').first());
    await pressUntilFocused(floor, toAlice, { key: 'ArrowDown', most: 10 });
    expect(await toAlice.isChecked()).toBe(true);
    await pressUntilFocused(floor, dialog.getByRole('button', { name: 'Reassign', exact: true }));
    await floor.keyboard.press('Enter');
    await expect
      .poll(async () => ((await dialog.count()) === 0 ? 'closed' : await dialog.textContent()))
      .toBe('closed');
    await item(alice, DAN).waitFor({ timeout: LIVE });
    await screenshot(floor, 'keyboard-supervisor');
  });

  it('sets a conversation aside from the action bar, and the keyboard stays on the conversation', async () => {
    await toToolbarButton(alice, 'Set aside');
    await alice.keyboard.press('Enter');
    await alice.getByTestId('list-waiting').getByText(EVE).waitFor({ timeout: LIVE });
    const heading = alice.getByRole('heading', { name: EVE, level: 2 });
    await expect
      .poll(async () => ((await isFocused(heading)) ? 'on the heading' : await focusedDescription(alice)))
      .toBe('on the heading');
  });
});
