import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcsSmsServer } from '../support/acs-sms-server.js';
import { jsonFixture } from '../support/fixtures.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { readHttpFixture } from '../support/http-fixture.js';

const ACCESS_KEY = 'Y29udG9zby10ZXN0LWFjY2Vzcy1rZXktMDEyMzQ1Njc4OWFiY2RlZg==';
const SECRET = 'a-shared-secret-of-some-length';
const OUR_NUMBER = '+18005550100';
type Raw = Record<string, unknown> & { data: Record<string, unknown> };

/** ACS end to end: Event Grid deliveries into the local host, replies out to an ACS stand-in, reports back. */
describe('an ACS channel, end to end', () => {
  const acs = new AcsSmsServer(ACCESS_KEY);
  let t: TestHost;
  let conversationId = '';

  const deliver = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.host.url}/api/acs/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'aeg-event-type': 'Notification',
        'x-sms-webhook-secret': SECRET,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const messages = async () => (await t.api('GET', `conversations/${conversationId}`)).body.messages;
  const report = (file: string, data: Record<string, unknown>): Raw[] => {
    const [raw] = jsonFixture<Raw[]>(`acs/${file}`);
    return [{ ...(raw as Raw), data: { ...(raw as Raw).data, ...data } }];
  };

  beforeAll(async () => {
    const endpoint = await acs.start();
    const seed = {
      channels: [
        {
          id: 'support',
          name: 'Support on ACS',
          numbers: [OUR_NUMBER],
          provider: 'acs',
          defaultQueueId: 'general',
        },
      ],
      queues: [{ id: 'general', name: 'General' }],
      agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'] }],
    };
    t = await startTestHost(
      {
        ACS_CONNECTION_STRING: `endpoint=${endpoint}/;accesskey=${ACCESS_KEY}`,
        ACS_WEBHOOK_SECRET: SECRET,
      },
      seed,
    );
  });
  afterAll(async () => {
    await t.stop();
    await acs.stop();
  });

  it('answers the Event Grid subscription handshake with the validation code', async () => {
    const request = readHttpFixture('acs/eventgrid-subscription-validation.http.txt');
    const response = await fetch(`${t.host.url}${request.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' },
      body: request.body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(jsonFixture('acs/eventgrid-subscription-validation.response.json'));
  });

  it('answers the CloudEvents abuse-protection handshake', async () => {
    const response = await fetch(`${t.host.url}/api/acs/events`, {
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': 'eventgrid.azure.net' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('webhook-allowed-origin')).toBe('eventgrid.azure.net');
    expect(response.headers.get('webhook-allowed-rate')).toBe('*');
  });

  it('takes an inbound message in the Event Grid schema and opens a conversation', async () => {
    const request = readHttpFixture('acs/eventgrid-notification.http.txt');
    const response = await deliver(request.body);
    expect(response.status).toBe(200);
    const queued = await t.eventually(async () => {
      const { body } = await t.api('GET', 'queues/general/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'the conversation');
    conversationId = queued[0].id;
  });

  it('stores a redelivery once, whichever schema carries it', async () => {
    expect((await deliver(jsonFixture('acs/acs-sms-received.eventgrid.json'))).status).toBe(200);
    expect(
      (
        await deliver(jsonFixture('acs/acs-sms-received.cloudevents.json'), {
          'content-type': 'application/cloudevents+json',
        })
      ).status,
    ).toBe(200);
    await t.settle();
    expect(await messages()).toHaveLength(1);
  });

  it('refuses a delivery without the shared secret (401) or with a wrong one (403), and processes neither', async () => {
    const fresh = report('acs-sms-received.eventgrid.json', { messageId: 'Incoming_unsigned' });
    expect((await deliver(fresh, { 'x-sms-webhook-secret': '' })).status).toBe(401);
    expect((await deliver(fresh, { 'x-sms-webhook-secret': 'not-the-secret-at-all' })).status).toBe(403);
    await t.settle();
    expect(await messages()).toHaveLength(1);
  });

  it('refuses a batch with one malformed event whole (400), queueing none of it', async () => {
    const good = report('acs-sms-received.eventgrid.json', {
      messageId: 'Incoming_good',
      message: 'good one',
    });
    const bad = report('acs-sms-received.eventgrid.json', { messageId: 'Incoming_bad', from: 'nobody' });
    const response = await deliver([...good, ...bad]);
    expect(response.status).toBe(400);
    await t.settle();
    expect(await messages()).toHaveLength(1);
  });

  it('takes every message of a batch, in order', async () => {
    const batch = [1, 2, 3].flatMap((n) =>
      report('acs-sms-received.eventgrid.json', { messageId: `Incoming_batch_${n}`, message: `part ${n}` }),
    );
    expect((await deliver(batch)).status).toBe(200);
    const list = await t.eventually(async () => {
      const all = await messages();
      return all.length === 4 && all;
    }, 'the batch');
    expect(list.map((m: { text: string }) => m.text).slice(1)).toEqual(['part 1', 'part 2', 'part 3']);
  });

  it('sends the agent reply through ACS with our tag, and applies the delivery report', async () => {
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' });
    await t.eventually(
      async () => (await t.api('GET', 'agents/alice/conversations')).body.conversations.length === 1,
      'assignment',
    );
    const reply = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'We are on it',
    });
    expect(reply.status).toBe(202);
    const send = await t.eventually(async () => acs.sends[0], 'the send at ACS');
    expect(send).toMatchObject({ from: OUR_NUMBER, to: '+14255550123', message: 'We are on it' });
    const sent = await t.eventually(async () => {
      const message = (await messages()).find((m: { id: string }) => m.id === reply.body.message.id);
      return message?.status === 'sent' && message;
    }, 'sent');
    const delivered = report('acs-sms-delivery-report.delivered.eventgrid.json', {
      messageId: sent.providerMessageId,
      tag: send.tag,
    });
    expect((await deliver(delivered)).status).toBe(200);
    await t.eventually(
      async () =>
        (await messages()).find((m: { id: string }) => m.id === reply.body.message.id)?.status ===
        'delivered',
      'delivered',
    );
  });

  it('marks the customer opted out on a blocked-recipient report, and refuses further replies', async () => {
    const reply = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'Anything else?',
    });
    const send = await t.eventually(async () => acs.sends[1], 'the second send');
    const sent = await t.eventually(async () => {
      const message = (await messages()).find((m: { id: string }) => m.id === reply.body.message.id);
      return message?.status === 'sent' && message;
    }, 'sent');
    const blocked = report('acs-sms-delivery-report.failed-optout.eventgrid.json', {
      messageId: sent.providerMessageId,
      tag: send.tag,
    });
    expect((await deliver(blocked)).status).toBe(200);
    await t.eventually(
      async () =>
        (await messages()).find((m: { id: string }) => m.id === reply.body.message.id)?.status === 'failed',
      'failed',
    );
    const refused = await t.api('POST', `conversations/${conversationId}/messages`, {
      agentId: 'alice',
      text: 'Hello?',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/opted out/);
  });
});
