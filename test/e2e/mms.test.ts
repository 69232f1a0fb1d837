import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwilioApiServer } from '../../stand-ins/twilio-api-server.js';
import { startTestHost, type TestHost } from '../support/host.js';

const ACCOUNT_SID = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const AUTH_TOKEN = '12345abcde67890fghij12345abcde67';
const OUR_NUMBER = '+12065550100';
const alice = { user: 'alice' };
const LABEL = { url: 'https://cdn.contoso.com/returns/label-4411.png', contentType: 'image/png' };
const INVOICE = {
  url: 'https://cdn.contoso.com/invoices/4411.pdf',
  contentType: 'application/pdf',
  size: 120_000,
};

/** An agent's MMS, through the local host to a server that checks MediaUrl as Twilio's API does. */
describe('an agent sending media on a Twilio channel, end to end', () => {
  const api = new TwilioApiServer(ACCOUNT_SID, AUTH_TOKEN);
  let t: TestHost;
  let conversationId = '';
  let apiUrl = '';
  const messages = async () =>
    (await t.api('GET', `conversations/${conversationId}`, undefined, alice)).body.messages;

  beforeAll(async () => {
    apiUrl = await api.start();
    t = await startTestHost(
      {
        SMS_PUBLIC_BASE_URL: 'https://func-contoso-sms.azurewebsites.net',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_API_BASE_URL: apiUrl,
      },
      {
        channels: [
          {
            id: 'support',
            name: 'Support on Twilio',
            numbers: [OUR_NUMBER],
            provider: 'twilio',
            defaultQueueId: 'general',
          },
        ],
        queues: [{ id: 'general', name: 'General' }],
        agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] }],
      },
    );
  });
  afterAll(async () => {
    await t.stop();
    await api.stop();
  });

  it('starts a conversation with a file: Twilio gets the text and its MediaUrl', async () => {
    const started = await t.api(
      'POST',
      'conversations',
      { channelId: 'support', to: '+14255550123', text: 'Your return label', media: [LABEL] },
      alice,
    );
    expect(started.status).toBe(201);
    conversationId = started.body.conversation.id;
    expect(started.body.message.media).toEqual([LABEL]);
    await t.eventually(async () => api.sends.length === 1, 'the send to Twilio');
    expect(api.sends[0]?.params).toMatchObject({
      To: '+14255550123',
      From: OUR_NUMBER,
      Body: 'Your return label',
    });
    expect(api.sends[0]?.mediaUrls).toEqual([LABEL.url]);
  });

  it('the conversation read tells the composer the channel sends media', async () => {
    const read = await t.api('GET', `conversations/${conversationId}`, undefined, alice);
    expect(read.body.channel).toEqual({ id: 'support', name: 'Support on Twilio', sendsMedia: true });
  });

  it('replies with two files: both MediaUrls reach Twilio, and the thread shows them on the sent message', async () => {
    const reply = await t.api(
      'POST',
      `conversations/${conversationId}/messages`,
      { text: 'And your invoice', media: [LABEL, INVOICE] },
      alice,
    );
    expect(reply.status).toBe(202);
    await t.eventually(async () => api.sends.length === 2, 'the second send');
    expect(api.sends[1]?.mediaUrls).toEqual([LABEL.url, INVOICE.url]);
    const sent = await t.eventually(async () => {
      const list = await messages();
      return list.at(-1)?.status === 'sent' && list.at(-1);
    }, 'the reply sent');
    expect(sent.media).toEqual([LABEL, INVOICE]);
  });

  it('refuses bad media with 400 and changes nothing: nothing stored, nothing sent', async () => {
    const before = (await messages()).length;
    const cases = [
      [{ url: 'http://cdn.contoso.com/a.png', contentType: 'image/png' }],
      [{ url: 'https://cdn.contoso.com/a.exe', contentType: 'application/x-msdownload' }],
      Array.from({ length: 11 }, (_, i) => ({
        url: `https://cdn.contoso.com/${i}.png`,
        contentType: 'image/png',
      })),
      [{ ...LABEL, size: 6_000_000 }],
    ];
    for (const media of cases) {
      const answer = await t.api(
        'POST',
        `conversations/${conversationId}/messages`,
        { text: 'x', media },
        alice,
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/^media is invalid: media/);
    }
    await t.settle();
    expect(await messages()).toHaveLength(before);
    expect(api.sends).toHaveLength(2);
  });

  it('the stand-in refuses what Twilio refuses: a MediaUrl without a scheme (21620) and an 11th file (21623)', async () => {
    const form = (urls: string[]) => {
      const body = new URLSearchParams({ To: '+14255550123', From: OUR_NUMBER, Body: 'x' });
      for (const url of urls) body.append('MediaUrl', url);
      return body.toString();
    };
    const post = (body: string) =>
      fetch(`${apiUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
      });
    expect(await (await post(form(['cdn.contoso.com/a.png']))).json()).toMatchObject({ code: 21620 });
    const eleven = Array.from({ length: 11 }, (_, i) => `https://cdn.contoso.com/${i}.png`);
    expect(await (await post(form(eleven))).json()).toMatchObject({ code: 21623 });
    const mediaOnly = new URLSearchParams({ To: '+14255550123', From: OUR_NUMBER, MediaUrl: LABEL.url });
    expect((await post(mediaOnly.toString())).status).toBe(201);
  });
});

describe('media on the local provider (SMS only), end to end', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('refuses a started conversation with media with 400, naming the provider, and starts nothing', async () => {
    const answer = await t.api(
      'POST',
      'conversations',
      { channelId: 'support', to: '+14255550150', text: 'Your label', media: [LABEL] },
      alice,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('sends through local, which sends SMS only');
    const outbox = await t.api('GET', 'local/outbox?to=%2B14255550150');
    expect(outbox.body.messages).toEqual([]);
    expect((await t.api('GET', 'manage/agents/alice')).body.agent.assignments).toEqual([]);
  });

  it('the conversation read tells the composer the channel sends no media', async () => {
    const started = await t.api(
      'POST',
      'conversations',
      { channelId: 'support', to: '+14255550151', text: 'Hello' },
      alice,
    );
    expect(started.status).toBe(201);
    const read = await t.api('GET', `conversations/${started.body.conversation.id}`, undefined, alice);
    expect(read.body.channel).toMatchObject({ id: 'support', sendsMedia: false });
  });
});
