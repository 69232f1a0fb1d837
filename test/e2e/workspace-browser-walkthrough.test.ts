import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPages, LIVE, launchBrowser, newPage, screenshot } from '../support/browser.js';
import { startTestHost, type TestHost } from '../support/host.js';

/**
 * Issue 11 as its users would try it, one requirement after another, in a real browser: each step
 * checks what the page shows and keeps a screenshot in test-artifacts/walkthrough-*.png.
 * Alice works general (push) and billing (pick); Bob works general; a supervisor watches.
 */
const SUPPORT = '+14255550100';
const BILLING = '+14255550111';
const ANN = '+14255550123';
const BEN = '+14255550124';
const FAY = '+14255550127';
const PICTURE = `data:image/svg+xml;base64,${Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect width="120" height="80" fill="#c8102e"/><text x="10" y="45" fill="#fff" font-size="16">parcel.jpg</text></svg>',
).toString('base64')}`;

type WithChimes = { chimes: number };

describe('issue 11, walked through in a browser', { timeout: 90_000 }, () => {
  let t: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: Page;
  let floor: Page;
  let phone: Page;
  let annFirst = '';

  const consoleUrl = (route: string) => `${t.host.url}/api/console/#/${route}`;
  const item = (page: Page, text: string) => page.getByTestId('conversation-item').filter({ hasText: text });
  const thread = (page: Page) => page.getByTestId('thread');
  const chimes = (page: Page) => page.evaluate(() => (globalThis as unknown as WithChimes).chimes);

  async function customerTexts(from: string, to: string, text: string, media?: unknown[]) {
    const { status } = await t.api(
      'POST',
      'local/inbound',
      { from, to, text, ...(media ? { media } : {}) },
      null,
    );
    expect(status).toBe(202);
  }

  async function signIn(page: Page, route: string, who: string) {
    await page.goto(consoleUrl(route));
    await page.getByLabel('Person').selectOption(who);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  }

  /** Alice's replies in the order the local provider sent them. */
  async function outbox(to: string): Promise<{ providerMessageId: string; text: string }[]> {
    const { body } = await t.api('GET', `local/outbox?to=${encodeURIComponent(to)}`);
    return body.messages;
  }

  beforeAll(async () => {
    await buildPages();
    t = await startTestHost(
      { SMS_CLOCK: 'system' },
      {
        channels: [
          {
            id: 'support',
            name: 'Customer support',
            numbers: [SUPPORT],
            provider: 'local',
            defaultQueueId: 'general',
          },
          {
            id: 'billing',
            name: 'Billing',
            numbers: [BILLING],
            provider: 'local',
            defaultQueueId: 'billing',
          },
        ],
        queues: [
          { id: 'general', name: 'General support', serviceLevelSeconds: 30 },
          { id: 'billing', name: 'Billing', distribution: 'pick', serviceLevelSeconds: 120 },
        ],
        agents: [
          { id: 'alice', name: 'Alice', capacity: 5, queueIds: ['general', 'billing'] },
          { id: 'bob', name: 'Bob', capacity: 2, queueIds: ['general'] },
        ],
      },
    );
    expect(
      (await t.api('PUT', `manage/contacts/${encodeURIComponent(ANN)}`, { name: 'Ann Lee', language: 'en' }))
        .status,
    ).toBe(200);
    expect(
      (
        await t.api('PUT', 'manage/channels/support/automated-messages/greeting', {
          enabled: true,
          text: 'Thanks for texting Contoso, case {caseNumber}.',
        })
      ).status,
    ).toBe(200);
    browser = await launchBrowser();
    alice = await newPage(browser, contexts);
    // Counts the chimes the page plays: each one starts oscillators on the page's AudioContext.
    await alice.addInitScript(() => {
      const scope = globalThis as unknown as WithChimes & {
        OscillatorNode?: { prototype: { start: (...args: unknown[]) => void } };
      };
      scope.chimes = 0;
      const prototype = scope.OscillatorNode?.prototype;
      if (!prototype) return;
      const start = prototype.start;
      prototype.start = function (this: unknown, ...args: unknown[]) {
        scope.chimes += 1;
        return start.apply(this, args);
      };
    });
    floor = await newPage(browser, contexts);
    phone = await newPage(browser, contexts);
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.stop();
  });

  it('an agent sets presence and sees their load against capacity', async () => {
    await signIn(alice, 'agent', 'alice');
    await alice.getByText('Set your presence to Available to be given conversations.').waitFor();
    await alice.getByLabel('Presence').selectOption('available');
    await alice.getByText('Load: 0 of 5').waitFor();
    await screenshot(alice, 'walkthrough-01-presence');
  });

  it('a new conversation and a new message appear at once with a visible and audible cue, an unread count, and no sound once muted', async () => {
    await customerTexts(ANN, SUPPORT, 'Hi, my parcel is late');
    await item(alice, 'Ann Lee').waitFor({ timeout: LIVE });
    await expect.poll(() => alice.getByTestId('cue').textContent()).toContain('New conversation: Ann Lee');
    await expect.poll(() => chimes(alice)).toBeGreaterThan(0);
    // The last message is the greeting the channel sent, marked as automated.
    await expect
      .poll(() => item(alice, 'Ann Lee').textContent())
      .toContain('Automated: Thanks for texting Contoso');
    expect(await item(alice, 'Ann Lee').textContent()).toMatch(/just now|s ago/);
    expect(await item(alice, 'Ann Lee').textContent()).toContain('1 unread');

    await alice.getByRole('button', { name: 'Mute sound' }).click();
    await expect
      .poll(() => alice.getByRole('button', { name: 'Mute sound' }).getAttribute('aria-pressed'))
      .toBe('true');
    const before = await chimes(alice);
    await customerTexts(ANN, SUPPORT, 'It was due on Monday');
    await expect.poll(() => alice.getByTestId('cue').textContent()).toContain('New message from Ann Lee');
    await expect.poll(() => item(alice, 'Ann Lee').textContent()).toContain('2 unread');
    expect(await item(alice, 'Ann Lee').textContent()).toContain('It was due on Monday');
    expect(await chimes(alice)).toBe(before);
    await screenshot(alice, 'walkthrough-02-list-unread-cue');
  });

  it('opening it shows the thread in order with customer, agent and automated messages told apart, MMS media, and delivery status with the failure reason', async () => {
    await customerTexts(ANN, SUPPORT, '', [
      { url: PICTURE, contentType: 'image/svg+xml' },
      { url: 'https://media.example.net/receipt.pdf', contentType: 'application/pdf' },
    ]);
    await item(alice, 'Ann Lee').click();
    await thread(alice).getByText('It was due on Monday').waitFor();
    annFirst = (await item(alice, 'Ann Lee').getAttribute('data-conversation-id')) ?? '';
    await expect.poll(() => thread(alice).getByRole('img').count(), { timeout: LIVE }).toBe(1);
    await thread(alice)
      .getByRole('link', { name: /Attachment 2 \(application\/pdf\)/ })
      .waitFor();
    // Read once opened: the unread count is gone.
    await expect.poll(() => item(alice, 'Ann Lee').textContent()).toContain('0 unread');

    const reply = alice.getByLabel('Reply to the customer');
    for (const text of ['Sorry, Ann. Let me check with the carrier.', 'It is out for delivery today.']) {
      await reply.fill(text);
      await alice.getByRole('button', { name: 'Send', exact: true }).click();
      await thread(alice).locator('[data-author="agent"]').filter({ hasText: text }).waitFor();
    }
    const sent = await t.eventually(async () => {
      const messages = await outbox(ANN);
      return (
        messages.filter((m) => m.text.startsWith('Sorry') || m.text.startsWith('It is out')).length === 2 &&
        messages
      );
    }, 'both replies to be sent');
    const delivered = sent.find((m) => m.text.startsWith('Sorry'));
    const failed = sent.find((m) => m.text.startsWith('It is out'));
    await t.api(
      'POST',
      'local/delivery-report',
      { providerMessageId: delivered?.providerMessageId, status: 'delivered' },
      null,
    );
    await t.api(
      'POST',
      'local/delivery-report',
      {
        providerMessageId: failed?.providerMessageId,
        status: 'failed',
        reason: '30003 Unreachable destination handset',
      },
      null,
    );
    const status = (text: string) =>
      thread(alice).locator('[data-author="agent"]').filter({ hasText: text }).getByTestId('delivery-status');
    await expect.poll(() => status('Sorry, Ann.').textContent(), { timeout: LIVE }).toBe('Delivered');
    await expect
      .poll(() => status('It is out for delivery').textContent(), { timeout: LIVE })
      .toBe('Failed: 30003 Unreachable destination handset');

    const authors = await thread(alice)
      .getByTestId('message')
      .evaluateAll((items) => items.map((element) => element.getAttribute('data-author')));
    expect(authors).toEqual(['customer', 'automated', 'customer', 'customer', 'agent', 'agent']);
    await screenshot(alice, 'walkthrough-03-thread');
  });

  it('the customer panel shows name, number, language, consent and earlier conversations with dates and case numbers', async () => {
    const panel = alice.getByRole('complementary', { name: 'Customer' });
    expect(await panel.textContent()).toContain('Ann Lee');
    expect(await panel.textContent()).toContain(ANN);
    expect(await panel.textContent()).toContain('Subscribed');
    const firstCase = (await alice.getByTestId('case-number').textContent()) ?? '';
    expect(firstCase).toMatch(/^Case \S+/);

    // She closes it; the composer says why it is off. Ann texts again: a new conversation, and the
    // panel lists the one before with its case number.
    await alice.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => alice.getByTestId('conversation-state').textContent()).toBe('Closed');
    await expect.poll(() => alice.getByLabel('Reply to the customer').isDisabled()).toBe(true);
    await expect.poll(() => alice.getByTestId('composer-reason').textContent()).toMatch(/closed/i);
    await screenshot(alice, 'walkthrough-04-closed-composer');

    await customerTexts(ANN, SUPPORT, 'Still nothing, sorry to bother you again');
    await expect
      .poll(async () => (await item(alice, 'Ann Lee').getAttribute('data-conversation-id')) ?? annFirst, {
        timeout: LIVE,
      })
      .not.toBe(annFirst);
    await item(alice, 'Ann Lee').click();
    await thread(alice).getByText('Still nothing').waitFor();
    // Opened right after another one, it is still marked read.
    await expect.poll(() => item(alice, 'Ann Lee').textContent()).toContain('0 unread');
    const earlier = panel.getByTestId('history-item');
    await expect.poll(() => earlier.count()).toBe(1);
    expect(await earlier.textContent()).toContain(firstCase);
    expect(await earlier.textContent()).toMatch(/\d{4}.*Closed.*General support · Alice/);
    await screenshot(alice, 'walkthrough-05-customer-panel');
  });

  it('the counter counts characters of 1600 and segments, and points at the character that forces UCS-2', async () => {
    const reply = alice.getByLabel('Reply to the customer');
    await reply.fill('Your parcel is at the depot — collect it tomorrow');
    await expect
      .poll(() => alice.getByTestId('counter').textContent())
      .toBe('49/1600 characters · 1 segment · UCS-2: character 29, — (U+2014), is not in GSM-7');
    await screenshot(alice, 'walkthrough-06-counter');
    await reply.fill('');
  });

  it('sets aside and ends conversations: the list groups active, set aside and wrap-up', async () => {
    await customerTexts(FAY, SUPPORT, 'Can I change my delivery address?');
    await item(alice, FAY).waitFor({ timeout: LIVE });
    await alice.getByRole('button', { name: 'Set aside' }).click();
    await alice.getByTestId('list-waiting').getByText('Ann Lee').waitFor({ timeout: LIVE });
    await item(alice, FAY).click();
    await thread(alice).getByText('Can I change my delivery address?').waitFor();
    await alice.getByRole('button', { name: 'End (wrap-up)…' }).click();
    await alice.getByRole('dialog').getByRole('button', { name: 'End conversation' }).click();
    await alice.getByTestId('list-wrap-up').getByText(FAY).waitFor({ timeout: LIVE });
    await screenshot(alice, 'walkthrough-07-groups');
  });

  it('transfer shows who is available with room', async () => {
    await t.api('PUT', 'agents/bob/presence', { presence: 'available' }, { user: 'bob' });
    await item(alice, 'Ann Lee').click();
    await thread(alice).getByText('Still nothing').waitFor();
    await alice.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = alice.getByRole('dialog');
    await dialog.getByRole('radio', { name: /^Bob: 0\/2, can take it/ }).waitFor();
    await screenshot(alice, 'walkthrough-08-transfer-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('an agent picks from a pick queue', async () => {
    await customerTexts(BEN, BILLING, 'I was charged twice');
    const line = alice.getByRole('list', { name: 'Waiting in Billing' });
    await line.getByText(BEN).waitFor({ timeout: LIVE });
    await screenshot(alice, 'walkthrough-09-pick-queue');
    await line.getByRole('button', { name: `View the conversation with ${BEN}` }).click();
    await thread(alice).getByText('I was charged twice').waitFor();
    await alice.getByRole('button', { name: 'Pick' }).click();
    await item(alice, BEN).waitFor({ timeout: LIVE });
    await expect.poll(() => line.getByText(BEN).count()).toBe(0);
  });

  it('an agent starts a new conversation on a channel the rules allow', async () => {
    await alice.getByRole('button', { name: 'New conversation…' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Text a customer' });
    await expect
      .poll(() => dialog.getByLabel('Channel').locator('option').allTextContents())
      .toEqual(['Billing: +14255550111', 'Customer support: +14255550100']);
    await dialog.getByLabel('Channel').selectOption('support');
    await dialog.getByLabel("Customer's mobile number").fill('+14255550128');
    await dialog.getByLabel('Message').fill('Your repair is done: pick it up any time.');
    await screenshot(alice, 'walkthrough-10-new-conversation');
    await dialog.getByRole('button', { name: 'Send and start' }).click();
    await thread(alice).getByText('Your repair is done').waitFor({ timeout: LIVE });
  });

  it("the supervisor's floor shows queues, agents and ongoing conversations, live", async () => {
    await signIn(floor, 'supervisor', 'supervisor');
    const billing = floor.getByTestId('floor-queue-billing');
    await expect.poll(() => billing.textContent()).toContain('pick');
    await customerTexts('+14255550129', BILLING, 'Hello billing?');
    await expect.poll(() => billing.getByTestId('waiting').textContent(), { timeout: LIVE }).toBe('1');
    const aliceRow = floor.getByTestId('floor-agent-alice');
    await expect.poll(() => aliceRow.textContent()).toMatch(/available/);
    await expect.poll(() => aliceRow.textContent()).toMatch(/\d\/5/);
    const rows = floor.getByTestId('floor-conversation');
    await expect.poll(() => rows.count()).toBeGreaterThan(3);
    await screenshot(floor, 'walkthrough-11-floor');
  });

  it('the supervisor opens a conversation read-only and reassigns it', async () => {
    await floor.getByRole('button', { name: 'Open the conversation with Ann Lee' }).click();
    const view = floor.getByRole('region', { name: 'Conversation with Ann Lee' });
    await view.getByText('Still nothing').waitFor();
    expect(await view.getByLabel('Reply to the customer').count()).toBe(0);
    await view.getByRole('button', { name: 'Reassign…' }).click();
    const dialog = floor.getByRole('dialog', { name: 'Reassign the conversation' });
    await dialog.getByRole('radio', { name: /^Bob: 0\/2, can take it/ }).check();
    await screenshot(floor, 'walkthrough-12-reassign');
    await dialog.getByRole('button', { name: 'Reassign', exact: true }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => view.textContent(), { timeout: LIVE }).toContain('Agent Bob');
    await expect.poll(() => item(alice, 'Ann Lee').count(), { timeout: LIVE }).toBe(0);
  });

  it("today's figures per queue and channel, with the service level against each queue's target", async () => {
    const figures = floor.getByRole('table', { name: 'Figures by queue' });
    await expect.poll(() => figures.textContent(), { timeout: LIVE }).toContain('within 30 s');
    expect(await figures.textContent()).toContain('within 2 min');
    await floor.getByRole('table', { name: 'Figures by channel' }).waitFor();
    await floor.getByRole('heading', { name: /Figures for/ }).scrollIntoViewIfNeeded();
    await screenshot(floor, 'walkthrough-13-figures');
  });

  it('the phone simulator texts in and shows the replies as a phone does', async () => {
    await signIn(phone, 'phone', 'admin');
    await phone.goto(consoleUrl('phone'));
    await phone.getByLabel("Customer's number").fill(ANN);
    await phone.getByTestId('phone-received').filter({ hasText: 'Sorry, Ann.' }).waitFor({ timeout: LIVE });
    const box = phone.getByLabel('Text message');
    await box.fill('Thanks!');
    await box.press('Enter');
    await phone.getByTestId('phone-sent').filter({ hasText: 'Thanks!' }).waitFor({ timeout: LIVE });
    await screenshot(phone, 'walkthrough-14-phone');
  });
});
