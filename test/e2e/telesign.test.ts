import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonFixture } from '../support/fixtures.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { readHttpFixture } from '../support/http-fixture.js';
import { TeleSignApiServer } from '../support/telesign-api-server.js';

const credentials = {
  customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
  apiKey: 'ABC12345yusumoN6BYsBVkh+yRJ5czgsnCehZaOYldPJdmFh6NeX8kunZ2zU1YWaUw/0wV6xfw==',
};
const PUBLIC_BASE = 'https://func-contoso-sms.azurewebsites.net';

/** TeleSign as its callbacks sign them: HMAC-SHA256 of the raw body. */
const sign = (body: string) =>
  `TSA ${credentials.customerId}:${createHmac('sha256', Buffer.from(credentials.apiKey, 'base64')).update(body).digest('base64')}`;

describe('a TeleSign channel, end to end', () => {
  const api = new TeleSignApiServer(credentials);
  let t: TestHost;
  let conversationId = '';

  const callback = (path: string, body: string, authorization?: string) =>
    fetch(`${t.host.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body,
    });
  const messages = async () => (await t.api('GET', `conversations/${conversationId}`)).body.messages;

  beforeAll(async () => {
    const apiBaseUrl = await api.start();
    const seed = {
      channels: [
        {
          id: 'support',
          name: 'Support on TeleSign',
          numbers: ['+18005550100'],
          provider: 'telesign',
          defaultQueueId: 'general',
        },
      ],
      queues: [{ id: 'general', name: 'General' }],
      agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'], presence: 'available' }],
    };
    t = await startTestHost(
      {
        SMS_PUBLIC_BASE_URL: PUBLIC_BASE,
        TELESIGN_CUSTOMER_ID: credentials.customerId,
        TELESIGN_API_KEY: credentials.apiKey,
        TELESIGN_API_BASE_URL: apiBaseUrl,
      },
      seed,
    );
  });
  afterAll(async () => {
    await t.stop();
    await api.stop();
  });

  it('takes a signed mo_sms callback to an agent, and refuses unsigned or forged ones', async () => {
    const mo = readHttpFixture('telesign/telesign-mo-sms.callback.http.txt');
    expect((await callback(mo.path, mo.body)).status).toBe(401);
    expect(
      (await callback(mo.path, mo.body.replace('#12345', '#54321'), mo.headers.authorization)).status,
    ).toBe(403);
    expect((await callback(mo.path, mo.body, mo.headers.authorization)).status).toBe(200);
    expect((await callback(mo.path, mo.body, mo.headers.authorization)).status).toBe(200);
    const mine = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'the conversation at alice');
    conversationId = mine[0].id;
    await t.settle();
    expect((await messages()).map((m: { text: string }) => m.text)).toEqual([
      'Hi, I need help with my order #12345',
    ]);
  });

  it('sends the reply to TeleSign and moves it to delivered on the signed delivery callback', async () => {
    const reply = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'On it!',
    });
    const send = await t.eventually(async () => api.sends[0], 'the send at TeleSign');
    expect(send).toMatchObject({ phone_number: '14255550123', message: 'On it!', sender_id: '18005550100' });
    const sent = await t.eventually(async () => {
      const message = (await messages()).find((m: { id: string }) => m.id === reply.body.message.id);
      return message?.status === 'sent' && message;
    }, 'sent');
    const url = new URL(send.callback_url ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_BASE}/api/telesign/callback`);
    const dlr = JSON.stringify({
      ...jsonFixture<Record<string, unknown>>('telesign/telesign-dlr.delivered.callback.json'),
      reference_id: sent.providerMessageId,
    });
    expect((await callback(`${url.pathname}${url.search}`, dlr, sign(dlr))).status).toBe(200);
    await t.eventually(
      async () =>
        (await messages()).find((m: { id: string }) => m.id === reply.body.message.id)?.status ===
        'delivered',
      'delivered',
    );
  });
});
