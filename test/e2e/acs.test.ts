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

  it('takes a batch event by event: bad ones are kept as poison records for admins and acknowledged', async () => {
    const received = (data: Record<string, unknown>) => report('acs-sms-received.eventgrid.json', data);
    const [noEnvelope] = received({ messageId: 'Incoming_no_envelope', message: 'lost envelope' });
    if (!noEnvelope) throw new Error('a fixture event');
    delete noEnvelope.eventTime;
    delete noEnvelope.dataVersion;
    noEnvelope.id = 'event-no-envelope';
    const batch = [
      ...received({ messageId: 'Incoming_good_1', from: '+14255550124', message: 'good one' }),
      ...received({ messageId: 'Incoming_bad_data', from: 'nobody', message: 'secret words' }),
      noEnvelope,
      // A range libphonenumber does not know, and a short code: still customers who texted us.
      ...received({ messageId: 'Incoming_new_range', from: '+10005550123', message: 'new range' }),
      ...received({ messageId: 'Incoming_short_code', from: '55123', message: 'from a short code' }),
    ];
    const response = await deliver(batch);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 3, poisoned: 2 });

    await t.settle();
    // Alice (available, room for two) takes some; the rest wait in the queue.
    const open = [
      ...(await t.api('GET', 'queues/general/conversations')).body.conversations,
      ...(await t.api('GET', 'agents/alice/conversations')).body.conversations,
    ] as { id: string; customer: string }[];
    const opened = async (customer: string) => {
      const conversation = open.find((c) => c.customer === customer);
      if (!conversation) throw new Error(`no conversation for ${customer}`);
      return (await t.api('GET', `conversations/${conversation.id}`)).body.messages[0];
    };
    expect(await opened('+14255550124')).toMatchObject({ text: 'good one' });
    expect((await opened('+14255550124')).fromValidated).toBeUndefined();
    expect(await opened('+10005550123')).toMatchObject({ text: 'new range', fromValidated: false });
    expect(await opened('55123')).toMatchObject({ text: 'from a short code', fromValidated: false });

    const poison = await t.api('GET', 'manage/poison-events');
    expect(poison.status).toBe(200);
    expect(poison.body.events).toEqual([
      expect.objectContaining({
        provider: 'acs',
        eventId: 'event-no-envelope',
        eventType: 'Microsoft.Communication.SMSReceived',
        reason: expect.stringMatching(/not an Event Grid or CloudEvents delivery/),
        providerMessageId: 'Incoming_no_envelope',
        from: '+1********23',
        to: '+1********00',
      }),
      expect.objectContaining({
        eventId: expect.any(String),
        reason: expect.stringMatching(/from: missing \+ and country code/),
        providerMessageId: 'Incoming_bad_data',
        from: '****dy',
        to: '+1********00',
      }),
    ]);
    expect(JSON.stringify(poison.body)).not.toMatch(/secret words|lost envelope|4255550123/);
    const asAgent = await t.api('GET', 'manage/poison-events', undefined, { user: 'alice', roles: 'agent' });
    expect(asAgent.status).toBe(403);
  });
});
