import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwilioApiServer } from '../../stand-ins/twilio-api-server.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { readHttpFixture } from '../support/http-fixture.js';

const ACCOUNT_SID = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const AUTH_TOKEN = '12345abcde67890fghij12345abcde67';
const PUBLIC_BASE = 'https://func-contoso-sms.azurewebsites.net';
const SERVICE = 'MGbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const OUR_NUMBER = '+12065550100';
const CUSTOMER = '+14255550123';

/**
 * Twilio end to end: Twilio's signed webhooks into the local host, an agent's replies out to a
 * server that checks what Twilio checks, and status callbacks back.
 */
describe('a Twilio channel, end to end', () => {
  const api = new TwilioApiServer(ACCOUNT_SID, AUTH_TOKEN);
  let t: TestHost;
  let conversationId = '';

  const post = async (path: string, body: string, signature?: string) =>
    fetch(`${t.host.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature ? { 'x-twilio-signature': signature } : {}),
      },
      body,
    });
  const postFixture = (file: string) => {
    const request = readHttpFixture(file);
    return post(request.path, request.body, request.headers['x-twilio-signature']);
  };
  const messages = async () => (await t.api('GET', `conversations/${conversationId}`)).body.messages;

  /** Twilio calling the status callback URL we gave it, signed as Twilio signs. */
  const statusCallback = async (
    callbackUrl: string,
    sid: string,
    status: string,
    extra: Record<string, string> = {},
  ) => {
    const params = {
      MessageSid: sid,
      MessageStatus: status,
      From: OUR_NUMBER,
      To: CUSTOMER,
      AccountSid: ACCOUNT_SID,
      ...extra,
    };
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, callbackUrl, params);
    const url = new URL(callbackUrl);
    return post(`${url.pathname}${url.search}`, new URLSearchParams(params).toString(), signature);
  };

  beforeAll(async () => {
    const apiUrl = await api.start();
    const seed = {
      channels: [
        {
          id: 'support',
          name: 'Support on Twilio',
          numbers: [OUR_NUMBER],
          provider: 'twilio',
          twilio: { messagingServiceSid: SERVICE },
          autoCloseMinutes: 30,
          defaultQueueId: 'general',
        },
      ],
      queues: [{ id: 'general', name: 'General' }],
      agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] }],
    };
    t = await startTestHost(
      {
        SMS_PUBLIC_BASE_URL: PUBLIC_BASE,
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_API_BASE_URL: apiUrl,
      },
      seed,
    );
  });
  afterAll(async () => {
    await t.stop();
    await api.stop();
  });

  it('answers a signed inbound message with empty TwiML and opens a conversation', async () => {
    const response = await postFixture('twilio/twilio-inbound-sms.http.txt');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const queued = await t.eventually(async () => {
      const { body } = await t.api('GET', 'queues/general/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'the conversation');
    conversationId = queued[0].id;
    expect(queued[0]).toMatchObject({ customer: CUSTOMER, channelNumber: OUR_NUMBER });
  });

  it('stores a Twilio retry of the same message once, and keeps MMS media', async () => {
    expect((await postFixture('twilio/twilio-inbound-sms.http.txt')).status).toBe(200);
    expect((await postFixture('twilio/twilio-inbound-mms.http.txt')).status).toBe(200);
    const stored = await t.eventually(async () => {
      const list = await messages();
      return list.length === 2 && list;
    }, 'the MMS');
    expect(stored.map((m: { providerMessageId: string }) => m.providerMessageId)).toEqual([
      'SM1f2e3d4c5b6a79880716253443526170',
      'MM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    ]);
    expect(stored[1].media).toEqual([
      {
        url: 'https://api.twilio.com/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/MM0a1b2c3d4e5f60718293a4b5c6d7e8f9/Media/ME0123456789abcdef0123456789abcdef',
        contentType: 'image/jpeg',
      },
    ]);
  });

  it('refuses unsigned (401) and badly signed (403) requests and processes neither', async () => {
    const request = readHttpFixture('twilio/twilio-inbound-sms.http.txt');
    const forged = request.body.replace('MessageSid=SM1f2e', 'MessageSid=SMffff');
    expect((await post(request.path, forged)).status).toBe(401);
    expect((await post(request.path, forged, request.headers['x-twilio-signature'])).status).toBe(403);
    expect(
      (await post('/api/twilio/inbound?code=extra', request.body, request.headers['x-twilio-signature']))
        .status,
    ).toBe(403);
    await t.settle();
    expect(await messages()).toHaveLength(2);
  });

  it('refuses a signed but malformed payload with 400', async () => {
    const params = { MessageSid: 'SMbad', From: 'not-a-number', To: OUR_NUMBER, Body: 'hi' };
    const signature = twilio.getExpectedTwilioSignature(
      AUTH_TOKEN,
      `${PUBLIC_BASE}/api/twilio/inbound`,
      params,
    );
    const response = await post('/api/twilio/inbound', new URLSearchParams(params).toString(), signature);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: { message: string } };
    expect(answer.error.message).toMatch(/from must be in international form/);
  });

  it('sends the agent reply through the Messaging Service, with a status callback naming the message', async () => {
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
    await t.eventually(
      async () => (await t.api('GET', 'agents/alice/conversations')).body.conversations.length === 1,
      'assignment',
    );
    const reply = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'Sorry about the box!',
    });
    expect(reply.status).toBe(202);
    const send = await t.eventually(async () => api.sends[0], 'the send at Twilio');
    expect(send.params).toMatchObject({
      To: CUSTOMER,
      Body: 'Sorry about the box!',
      MessagingServiceSid: SERVICE,
    });
    expect(send.params.From).toBeUndefined();
    const callback = new URL(send.params.StatusCallback ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(`${PUBLIC_BASE}/api/twilio/status`);
    expect(callback.searchParams.get('conversationId')).toBe(conversationId);
    expect(callback.searchParams.get('messageId')).toBe(reply.body.message.id);
    const sent = await t.eventually(async () => {
      const list = await messages();
      return list[2]?.status === 'sent' && list[2];
    }, 'the reply marked sent');
    expect(sent.providerMessageId).toBe('SM00000000000000000000000000000001');
  });

  it('moves the reply to delivered on a signed status callback, and never back', async () => {
    const callbackUrl = api.sends[0]?.params.StatusCallback ?? '';
    expect(
      (await statusCallback(callbackUrl, 'SM00000000000000000000000000000001', 'delivered')).status,
    ).toBe(200);
    await t.eventually(async () => (await messages())[2]?.status === 'delivered', 'delivered');
    expect((await statusCallback(callbackUrl, 'SM00000000000000000000000000000001', 'sent')).status).toBe(
      200,
    );
    await t.settle();
    expect((await messages())[2]?.status).toBe('delivered');
  });

  it('ignores a signed status callback whose message id does not match the one Twilio gave', async () => {
    const callbackUrl = api.sends[0]?.params.StatusCallback ?? '';
    expect(
      (await statusCallback(callbackUrl, 'SMsomeoneelse', 'failed', { ErrorCode: '30007' })).status,
    ).toBe(200);
    await t.settle();
    expect((await messages())[2]?.status).toBe('delivered');
  });

  it('retries a reply Twilio answered with a 500, and sends it once', async () => {
    api.failNext(500, { code: 20500, message: 'Internal Server Error', status: 500 });
    const reply = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'Retry me',
    });
    await t.eventually(
      async () =>
        (await messages()).find((m: { id: string }) => m.id === reply.body.message.id)?.status === 'sent',
      'the retried reply',
    );
    expect(api.sends.filter((s) => s.params.Body === 'Retry me')).toHaveLength(1);
  });

  it('finds the message by its MessageSid when the callback URL is the Messaging Service own (no query)', async () => {
    const reply = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'Found by its sid',
    });
    const mine = async () => (await messages()).find((m: { id: string }) => m.id === reply.body.message.id);
    const sent = await t.eventually(async () => {
      const message = await mine();
      return message?.status === 'sent' && message;
    }, 'the reply sent');
    const answer = await statusCallback(
      `${PUBLIC_BASE}/api/twilio/status`,
      sent.providerMessageId,
      'delivered',
    );
    expect(answer.status).toBe(200);
    await t.eventually(async () => (await mine())?.status === 'delivered', 'delivered by its sid');
  });

  it('marks the customer opted out when Twilio says 21610, and refuses further replies', async () => {
    api.failNext(400, { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 });
    const reply = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'Are you there?',
    });
    const failed = await t.eventually(async () => {
      const message = (await messages()).find((m: { id: string }) => m.id === reply.body.message.id);
      return message?.status === 'failed' && message;
    }, 'the refused reply');
    expect(failed.failureReason).toMatch(/STOP.*21610/);
    const next = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'Hello?',
    });
    expect(next.status).toBe(409);
    expect(next.body.error.message).toMatch(/opted out/);
  });

  it('says the channel credentials work, and says why not for an unknown channel', async () => {
    expect((await t.api('GET', 'manage/channels/support/credentials')).body).toEqual({
      channelId: 'support',
      provider: 'twilio',
      account: "the deployment's account (settings)",
      ok: true,
      detail: 'Twilio account Contoso support is active',
    });
    expect((await t.api('GET', 'manage/channels/nope/credentials')).status).toBe(404);
  });

  it('never logged the customer number or a message text', () => {
    const logs = t.logs.join('\n');
    // What was logged is there, masked: the walk through above was logged, not silenced.
    expect(logs).toContain('"inbound.accepted"');
    expect(logs).toContain('+1********23');
    expect(logs).not.toContain('4255550123');
    expect(logs).not.toContain('damaged box');
    expect(logs).not.toContain('Sorry about the box');
  });
});
