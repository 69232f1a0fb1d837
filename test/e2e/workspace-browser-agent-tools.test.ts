import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwilioApiServer } from '../../stand-ins/twilio-api-server.js';
import {
  buildPages,
  expectNoSeriousAxeViolations,
  isFocused,
  LIVE,
  launchBrowser,
  newPage,
  screenshot,
} from '../support/browser.js';
import { startTestHost, type TestHost } from '../support/host.js';

/**
 * Issue 14's agents' tools and a customer's history as an agent uses them in the workspace, in a
 * real browser against the local host: quick replies in the composer, media on a Twilio channel,
 * the End dialog's wrap-up code and note, and the customer panel's history with past transcripts.
 * Screenshots go to test-artifacts/agent-tools-*.png.
 */
const SUPPORT = '+14255550100';
const PHOTOS = '+12065550100';
const ANA = '+14255550131';
const BO = '+14255550132';
const LABEL = { url: 'https://cdn.contoso.com/returns/label-4411.png', contentType: 'image/png' };
const PICTURE_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect width="120" height="80" fill="#0f6cbd"/><text x="10" y="45" fill="#fff" font-size="14">label-4411</text></svg>';
const ACCOUNT_SID = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const AUTH_TOKEN = '12345abcde67890fghij12345abcde67';

describe("an agent's tools and a customer's history in the workspace", { timeout: 90_000 }, () => {
  const twilio = new TwilioApiServer(ACCOUNT_SID, AUTH_TOKEN);
  let t: TestHost;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: Page;
  let anaConversation = '';

  const consoleUrl = (route: string) => `${t.host.url}/api/console/#/${route}`;
  const item = (page: Page, text: string) => page.getByTestId('conversation-item').filter({ hasText: text });
  const thread = (page: Page) => page.getByTestId('thread');
  const currentId = async () =>
    (await alice
      .getByTestId('conversation-item')
      .filter({ hasText: 'Ana Ruiz' })
      .getAttribute('data-conversation-id')) ?? '';

  async function customerTexts(from: string, to: string, text: string) {
    const { status } = await t.api('POST', 'local/inbound', { from, to, text }, null);
    expect(status).toBe(202);
  }

  async function signIn(page: Page, route: string, who: string) {
    await page.goto(consoleUrl(route));
    await page.getByLabel('Person').selectOption(who);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  }

  async function outbox(to: string): Promise<{ text: string }[]> {
    const { body } = await t.api('GET', `local/outbox?to=${encodeURIComponent(to)}`);
    return body.messages;
  }

  beforeAll(async () => {
    await buildPages();
    const twilioUrl = await twilio.start();
    t = await startTestHost(
      {
        SMS_CLOCK: 'system',
        SMS_PUBLIC_BASE_URL: 'https://func-contoso-sms.azurewebsites.net',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_API_BASE_URL: twilioUrl,
      },
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
            id: 'photos',
            name: 'Photo returns',
            numbers: [PHOTOS],
            provider: 'twilio',
            defaultQueueId: 'general',
          },
        ],
        queues: [
          {
            id: 'general',
            name: 'General support',
            wrapUp: {
              codes: [
                { code: 'resolved', label: 'Resolved' },
                { code: 'callback', label: 'Call back' },
              ],
              required: true,
            },
          },
        ],
        agents: [{ id: 'alice', name: 'Alice', capacity: 5, queueIds: ['general'] }],
      },
    );
    const contact = await t.api('PUT', `manage/contacts/${encodeURIComponent(ANA)}`, {
      name: 'Ana Ruiz',
      language: 'es',
    });
    expect(contact.status).toBe(200);
    const organization = await t.api('POST', 'quick-replies', {
      scope: 'organization',
      name: 'Case number',
      texts: { en: 'Your case number is {caseNumber}.', es: 'Su número de caso es {caseNumber}.' },
    });
    expect(organization.status).toBe(201);
    const personal = await t.api(
      'POST',
      'quick-replies',
      { scope: 'personal', name: 'Hello', texts: 'Hi {customerName}, {agentName} here.' },
      { user: 'alice' },
    );
    expect(personal.status).toBe(201);
    browser = await launchBrowser();
    alice = await newPage(browser, contexts);
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.stop();
    await twilio.stop();
  });

  it("the composer offers the agent's own quick replies first, then the organization's, filled in the customer's language; picking one by keyboard puts it in the box to edit and send", async () => {
    await signIn(alice, 'agent', 'alice');
    await alice.getByLabel('Presence').selectOption('available');
    await customerTexts(ANA, SUPPORT, 'Hola, ¿dónde está mi pedido?');
    await item(alice, 'Ana Ruiz').waitFor({ timeout: LIVE });
    await item(alice, 'Ana Ruiz').click();
    await thread(alice).getByText('Hola, ¿dónde está mi pedido?').waitFor();
    anaConversation = (await item(alice, 'Ana Ruiz').getAttribute('data-conversation-id')) ?? '';
    const caseNumber = (await t.api('GET', `conversations/${anaConversation}`)).body.conversation.caseNumber;

    const picker = alice.getByRole('combobox', { name: 'Insert a quick reply' });
    await picker.focus();
    await alice.keyboard.press('ArrowDown');
    const options = alice.getByRole('listbox').getByRole('option');
    await expect.poll(() => options.count()).toBe(2);
    expect(await options.nth(0).textContent()).toContain('Hello (mine)');
    expect(await options.nth(0).textContent()).toContain('Hi Ana Ruiz, Alice here.');
    expect(await options.nth(1).textContent()).toContain(`Su número de caso es ${caseNumber}.`);
    await screenshot(alice, 'agent-tools-01-quick-replies');

    // Typing narrows the list; Enter picks; the text lands in the box, which takes the keyboard.
    await alice.keyboard.type('caso');
    await expect.poll(() => options.count()).toBe(1);
    await alice.keyboard.press('ArrowDown');
    await alice.keyboard.press('Enter');
    const reply = alice.getByLabel('Reply to the customer');
    await expect.poll(() => reply.inputValue()).toBe(`Su número de caso es ${caseNumber}.`);
    await expect.poll(() => isFocused(reply)).toBe(true);
    // Nothing was sent by picking: the agent edits, then sends.
    expect((await outbox(ANA)).map((m) => m.text)).not.toContain(`Su número de caso es ${caseNumber}.`);
    await alice.keyboard.press('End');
    await alice.keyboard.type(' Lo reviso ahora.');
    await alice.keyboard.press('Control+Enter');
    const sent = `Su número de caso es ${caseNumber}. Lo reviso ahora.`;
    await thread(alice).locator('[data-author="agent"]').filter({ hasText: sent }).waitFor();
    await t.eventually(
      async () => (await outbox(ANA)).some((m) => m.text === sent),
      'the edited quick reply to be sent',
    );
    await expect.poll(() => reply.inputValue()).toBe('');
  });

  it('ending asks for the wrap-up code the queue requires, says so clearly when none is chosen, and records the code and note', async () => {
    const endButton = alice.getByRole('button', { name: 'End (wrap-up)…' });
    await endButton.focus();
    await alice.keyboard.press('Enter');
    const dialog = alice.getByRole('dialog', { name: 'End the conversation' });
    await dialog.waitFor();
    const code = dialog.getByLabel(/Wrap-up code/);
    expect(await code.locator('option').allTextContents()).toEqual([
      'Choose a code…',
      'Resolved',
      'Call back',
    ]);
    await dialog.getByLabel('Note (optional)').fill('Sent the tracking link.');
    await dialog.getByRole('button', { name: 'End conversation' }).click();
    await dialog
      .getByText('Choose a wrap-up code: queue General support requires one to end a conversation.')
      .waitFor();
    // The keyboard is taken to the field that needs it, and nothing was ended.
    await expect.poll(() => isFocused(code)).toBe(true);
    expect((await t.api('GET', `conversations/${anaConversation}`)).body.conversation.state).toBe('active');
    await screenshot(alice, 'agent-tools-02-end-needs-code');

    await code.selectOption('callback');
    await expect.poll(() => dialog.getByText(/Choose a wrap-up code:/).count()).toBe(0);
    await dialog.getByRole('button', { name: 'End conversation' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => alice.getByTestId('conversation-state').textContent()).toBe('Wrap-up');
    const ended = (await t.api('GET', `conversations/${anaConversation}`)).body.conversation;
    expect(ended.wrapUp).toMatchObject({
      code: 'callback',
      label: 'Call back',
      note: 'Sent the tracking link.',
      by: 'agent:alice',
    });
  });

  it("the customer panel lists the customer's earlier conversations newest first, a page at a time, with date, queue, agent, state and wrap-up, and opens a past transcript", async () => {
    await alice.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => alice.getByTestId('conversation-state').textContent()).toBe('Closed');
    // Five more conversations, each closed, then the one she has now: six earlier ones in all.
    const older: string[] = [anaConversation];
    for (let n = 1; n <= 6; n += 1) {
      await customerTexts(ANA, SUPPORT, `Mensaje número ${n}`);
      const id = await t.eventually(async () => {
        const { body } = await t.api('GET', 'agents/alice/conversations', undefined, { user: 'alice' });
        const found = body.conversations.find(
          (c: { id: string; customer: string }) => c.customer === ANA && !older.includes(c.id),
        );
        return found?.id as string | undefined;
      }, `conversation ${n} to be given to alice`);
      older.push(id);
      if (n < 6) {
        expect((await t.api('POST', `conversations/${id}/close`, {}, { user: 'alice' })).status).toBe(200);
      }
    }
    await item(alice, 'Ana Ruiz').click();
    await thread(alice).getByText('Mensaje número 6').waitFor();
    const history = alice.getByTestId('customer-history');
    const rows = history.getByTestId('history-item');
    // The first page is the five newest, the one on screen among them: four shown, newest first.
    await expect.poll(() => rows.count()).toBe(4);
    const ids = async () =>
      rows.evaluateAll((items) => items.map((i) => i.getAttribute('data-conversation-id')));
    expect(await ids()).toEqual(older.slice(2, 6).reverse());
    expect(await rows.first().textContent()).toContain('General support · Alice');
    expect(await rows.first().textContent()).toContain('Closed');
    await screenshot(alice, 'agent-tools-03-history');

    await history.getByRole('button', { name: 'Show older' }).click();
    await expect.poll(() => rows.count()).toBe(6);
    expect(await ids()).toEqual(older.slice(0, 6).reverse());
    await expect.poll(() => history.getByRole('button', { name: 'Show older' }).count()).toBe(0);
    const first = rows.last();
    expect(await first.getByTestId('history-wrap-up').textContent()).toBe('Wrap-up: Call back');
    expect(await first.textContent()).toMatch(/Case \S+ · General support · Alice/);

    // The transcript opens by keyboard and closes with Escape, the keyboard back where it was.
    const open = first.getByRole('button', { name: /^Open transcript/ });
    await open.focus();
    await alice.keyboard.press('Enter');
    const dialog = alice.getByRole('dialog', { name: /^Transcript: Case / });
    await dialog.getByText('Hola, ¿dónde está mi pedido?').waitFor();
    expect(await dialog.textContent()).toContain('Lo reviso ahora.');
    expect(await dialog.textContent()).toContain('Note: Sent the tracking link.');
    await screenshot(alice, 'agent-tools-04-past-transcript');
    await alice.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => isFocused(open)).toBe(true);
  });

  it('offers no attachments on a channel whose provider cannot send media, as the API says', async () => {
    await thread(alice).getByText('Mensaje número 6').waitFor();
    expect((await t.api('GET', `conversations/${await currentId()}`)).body.channel.sendsMedia).toBe(false);
    await alice.getByLabel('Reply to the customer').waitFor();
    expect(await alice.getByRole('button', { name: /^Attach media/ }).count()).toBe(0);
  });

  it("shows the API's refusal of media clearly in the composer, keeping the draft, when the page was not told", async () => {
    // As a page reading an answer without `channel` (an older API) would: it offers attachments.
    const id = await currentId();
    await alice.route(`**/api/conversations/${id}`, async (route) => {
      try {
        const response = await route.fetch();
        const { channel: _channel, ...rest } = await response.json();
        await route.fulfill({ response, json: rest });
      } catch {
        // A read the page dropped (the reload) has nobody to answer.
      }
    });
    await alice.reload();
    await item(alice, 'Ana Ruiz').click();
    await thread(alice).getByText('Mensaje número 6').waitFor();
    await alice.getByRole('button', { name: 'Attach media' }).click();
    await alice.getByLabel('Media URL').fill(LABEL.url);
    await expect.poll(() => alice.getByLabel('Content type').inputValue()).toBe('image/png');
    await alice.getByLabel('Media URL').press('Enter');
    await alice.getByTestId('attached-media').getByText(LABEL.url).waitFor();
    const reply = alice.getByLabel('Reply to the customer');
    await reply.fill('Aquí tiene la etiqueta.');
    await reply.press('Control+Enter');
    const refused = alice.getByTestId('send-refused');
    await expect
      .poll(() => refused.textContent())
      .toBe(
        'Not sent: channel support sends through local, which sends SMS only: media (MMS) can be sent on Twilio channels',
      );
    expect(await refused.getAttribute('role')).toBe('alert');
    await screenshot(alice, 'agent-tools-05-media-refused');
    // Nothing was lost: the agent can remove the file and send the text.
    expect(await reply.inputValue()).toBe('Aquí tiene la etiqueta.');
    await alice.getByRole('button', { name: /^Remove file 1/ }).click();
    await reply.press('Control+Enter');
    await thread(alice)
      .locator('[data-author="agent"]')
      .filter({ hasText: 'Aquí tiene la etiqueta.' })
      .waitFor();
    await expect.poll(() => refused.count()).toBe(0);
    await alice.unroute(`**/api/conversations/${id}`);
  });

  it('attaches media on a Twilio channel: checked as the API checks it, sent as MediaUrl, shown on the sent message', async () => {
    // The browser shows the picture; the CDN is this test's, as Twilio's fetch would be its own.
    await alice.route('https://cdn.contoso.com/**', (route) =>
      route.fulfill({ contentType: 'image/svg+xml', body: PICTURE_SVG }),
    );
    const started = await t.api(
      'POST',
      'conversations',
      { channelId: 'photos', to: BO, text: 'Hello from Contoso returns' },
      { user: 'alice' },
    );
    expect(started.status).toBe(201);
    await item(alice, BO).waitFor({ timeout: LIVE });
    await item(alice, BO).click();
    await thread(alice).getByText('Hello from Contoso returns').waitFor();
    await alice.getByRole('button', { name: 'Attach media' }).click();
    const url = alice.getByLabel('Media URL');
    // An http address is refused on the field, before anything is sent.
    await url.fill('http://cdn.contoso.com/returns/label-4411.png');
    await alice.getByRole('button', { name: 'Add file' }).click();
    await alice.getByText('The address must start with https:// (the provider fetches the file).').waitFor();
    await expect.poll(() => isFocused(url)).toBe(true);
    await url.fill(LABEL.url);
    await alice.getByRole('button', { name: 'Add file' }).click();
    await alice.getByTestId('attached-media').getByText(LABEL.url).waitFor();
    await expect.poll(() => alice.getByRole('button', { name: 'Attach media (1)' }).count()).toBe(1);
    const reply = alice.getByLabel('Reply to the customer');
    await reply.fill('Your return label');
    await screenshot(alice, 'agent-tools-06-media-attached');
    await alice.getByRole('button', { name: 'Send', exact: true }).click();
    await t.eventually(async () => twilio.sends.length === 2, 'the reply to reach Twilio');
    expect(twilio.sends[1]?.params).toMatchObject({ To: BO, From: PHOTOS, Body: 'Your return label' });
    expect(twilio.sends[1]?.mediaUrls).toEqual([LABEL.url]);
    const sent = thread(alice).locator('[data-author="agent"]').filter({ hasText: 'Your return label' });
    await expect.poll(() => sent.getByRole('img').count()).toBe(1);
    await expect.poll(() => alice.getByTestId('attached-media').count()).toBe(0);
    await screenshot(alice, 'agent-tools-07-media-sent');
  });

  it('has no serious accessibility violations with the new controls', async () => {
    await alice.getByRole('button', { name: 'Attach media' }).click();
    await alice.getByLabel('Media URL').waitFor();
    await expectNoSeriousAxeViolations(alice);
  });
});
