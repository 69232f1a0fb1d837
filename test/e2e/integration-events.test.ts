import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listenOnLoopback, readBody } from '../../stand-ins/http.js';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';
const FLOW_SECRET = 'the-flow-secret-of-32-characters';
const CRM_SECRET = 'the-crm-secret-also-32-characters';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: a CloudEvent as received; the assertions check its shape.
  event: any;
}

/** A subscriber's endpoint: keeps each request as it came, raw body and headers, and answers 204. */
class Subscriber {
  readonly deliveries: Delivery[] = [];
  private server: Server | undefined;
  url = '';

  async start(path: string) {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        this.deliveries.push({ headers: req.headers, body, event: JSON.parse(body) });
        res.writeHead(204);
        res.end();
      });
    });
    this.url = `${await listenOnLoopback(this.server)}${path}`;
  }

  stop() {
    return closeServer(this.server);
  }
}

/** The README's verification, written out as a receiver would: HMAC-SHA256 of "<timestamp>.<body>". */
function verify(secret: string, headers: IncomingHttpHeaders, rawBody: string, nowSeconds: number) {
  const timestamp = Number(headers['x-sms-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > 300) return false;
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  const given = String(headers['x-sms-signature'] ?? '');
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/**
 * Events for flows, end to end on the local host: an admin registers webhook subscribers, a
 * conversation runs its course over HTTP, the events publisher's timer runs, and each subscriber
 * receives what it asked for, signed as the README documents.
 */
describe('integration events to webhook subscribers, over HTTP', () => {
  let t: TestHost;
  const flow = new Subscriber();
  const crm = new Subscriber();
  let conversationId = '';

  const publish = async () => {
    const response = await fetch(`${t.host.url}/admin/functions/eventsPublisher`, { method: 'POST' });
    expect(response.status).toBe(202);
  };
  const hostSeconds = async () =>
    Math.floor(Date.parse((await t.api('GET', 'local/clock')).body.now as string) / 1000);
  const types = (subscriber: Subscriber) =>
    subscriber.deliveries.map((d) => String(d.event.type).replace('com.omnichannel-sms.', ''));

  beforeAll(async () => {
    await flow.start('/hooks/flow');
    await crm.start('/hooks/crm');
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
    await flow.stop();
    await crm.stop();
  });

  it('an admin registers two subscribers: one for every event, one for received messages with their text', async () => {
    const all = await t.api('PUT', 'manage/event-subscriptions/flow', {
      url: flow.url,
      secret: FLOW_SECRET,
    });
    expect(all.status).toBe(200);
    expect(all.body.subscription).toMatchObject({ id: 'flow', url: flow.url, types: [], includeText: false });
    const text = await t.api('PUT', 'manage/event-subscriptions/crm', {
      url: crm.url,
      secret: CRM_SECRET,
      types: ['message.received'],
      includeText: true,
    });
    expect(text.status).toBe(200);
    const listed = await t.api('GET', 'manage/event-subscriptions');
    expect(listed.body.subscriptions.map((s: { id: string }) => s.id)).toEqual(['crm', 'flow']);
    expect(listed.text).not.toContain(FLOW_SECRET);
    expect(listed.text).not.toContain(CRM_SECRET);
  });

  it('an agent refuses to register one: it is an admin matter', async () => {
    const refused = await t.api(
      'PUT',
      'manage/event-subscriptions/mine',
      { url: flow.url, secret: FLOW_SECRET },
      { user: 'alice' },
    );
    expect(refused.status).toBe(403);
    expect((await t.api('GET', 'manage/event-subscriptions/mine')).status).toBe(404);
  });

  it('a conversation from first text to closing gives the events of each step, in order', async () => {
    await t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text: 'Hello, my parcel is late' });
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' }, { user: 'alice' });
    conversationId = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations', undefined, { user: 'alice' });
      return body.conversations[0]?.id as string | undefined;
    }, 'alice to be given the conversation');
    const reply = await t.api(
      'POST',
      `conversations/${conversationId}/messages`,
      { text: 'Sorry about that, let me check' },
      { user: 'alice' },
    );
    expect(reply.status).toBe(202);
    const providerMessageId = await t.eventually(async () => {
      const { body } = await t.api('GET', `local/outbox?to=${encodeURIComponent(CUSTOMER)}`);
      return body.messages[0]?.providerMessageId as string | undefined;
    }, 'the reply in the outbox');
    await t.eventually(async () => {
      const { body } = await t.api('GET', `conversations/${conversationId}`);
      return body.messages[1]?.status === 'sent';
    }, 'the reply sent');
    await t.api('POST', 'local/delivery-report', { providerMessageId, status: 'delivered' });
    await t.eventually(async () => {
      const { body } = await t.api('GET', `conversations/${conversationId}`);
      return body.messages[1]?.status === 'delivered';
    }, 'the reply delivered');
    expect(
      (await t.api('POST', `conversations/${conversationId}/end`, undefined, { user: 'alice' })).status,
    ).toBe(200);
    expect(
      (await t.api('POST', `conversations/${conversationId}/close`, undefined, { user: 'alice' })).status,
    ).toBe(200);
    await t.settle();

    await publish();
    await t.eventually(async () => flow.deliveries.length >= 8, 'the deliveries to the flow');
    expect(types(flow)).toEqual([
      'conversation.opened',
      'conversation.queued',
      'message.received',
      'conversation.assigned',
      'message.sent',
      'message.delivered',
      'conversation.ended',
      'conversation.closed',
    ]);
  });

  it('each event is a CloudEvent about the conversation, with its ids, channel, queue, agent and case number', async () => {
    const events = flow.deliveries.map((d) => d.event);
    for (const event of events) {
      expect(event).toMatchObject({
        specversion: '1.0',
        source: 'urn:omnichannel-sms:local',
        datacontenttype: 'application/json',
        data: { conversationId, channelId: 'support', queueId: 'general', caseNumber: expect.any(String) },
      });
      expect(event.subject.startsWith(`conversations/${conversationId}`)).toBe(true);
    }
    const byType = new Map(events.map((event) => [event.type.replace('com.omnichannel-sms.', ''), event]));
    expect(byType.get('conversation.assigned')?.data).toMatchObject({ agentId: 'alice', state: 'active' });
    expect(byType.get('message.sent')?.data).toMatchObject({ agentId: 'alice', direction: 'outbound' });
    expect(byType.get('conversation.closed')?.data).toMatchObject({ closeReason: 'agent', agentId: 'alice' });
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    expect(flow.deliveries.map((d) => d.headers['x-sms-event-id'])).toEqual(events.map((event) => event.id));
    expect(
      flow.deliveries.every((d) => d.headers['content-type']?.startsWith('application/cloudevents+json')),
    ).toBe(true);
  });

  it('each delivery is signed as the README says: HMAC-SHA256 of "<timestamp>.<body>" with the secret', async () => {
    const now = await hostSeconds();
    expect(flow.deliveries.every((d) => verify(FLOW_SECRET, d.headers, d.body, now))).toBe(true);
    expect(crm.deliveries.every((d) => verify(CRM_SECRET, d.headers, d.body, now))).toBe(true);
    // The check can fail: another secret, or a body changed on the way, does not verify.
    const [first] = flow.deliveries;
    if (!first) throw new Error('no delivery');
    expect(verify(CRM_SECRET, first.headers, first.body, now)).toBe(false);
    expect(verify(FLOW_SECRET, first.headers, first.body.replace('support', 'sales'), now)).toBe(false);
    expect(verify(FLOW_SECRET, first.headers, first.body, now + 3_600)).toBe(false);
  });

  it('carries no message text or full number unless the subscriber asked for the text', async () => {
    for (const delivery of flow.deliveries) {
      expect(delivery.body).not.toContain('parcel is late');
      expect(delivery.body).not.toContain('let me check');
      expect(delivery.body).not.toContain(CUSTOMER);
    }
    expect(types(crm)).toEqual(['message.received']);
    expect(crm.deliveries[0]?.event.data).toMatchObject({
      text: 'Hello, my parcel is late',
      direction: 'inbound',
      customer: '+1********23',
    });
  });

  it('a STOP closes the next conversation with reason stop and changes consent', async () => {
    await t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text: 'One more thing' });
    await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations', undefined, { user: 'alice' });
      return body.conversations.some((c: { id: string }) => c.id !== conversationId);
    }, 'the second conversation to reach alice');
    await t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text: 'STOP' });
    await t.settle();
    const before = flow.deliveries.length;
    await publish();
    await t.eventually(
      async () => flow.deliveries.slice(before).some((d) => d.event.type.endsWith('consent.changed')),
      'the consent change',
    );
    const later = flow.deliveries.slice(before).map((d) => d.event);
    const closed = later.find((event) => event.type.endsWith('conversation.closed'));
    expect(closed?.data).toMatchObject({ closeReason: 'stop', by: 'customer' });
    expect(later.find((event) => event.type.endsWith('consent.changed'))?.data).toMatchObject({
      channelId: 'support',
      optedOut: true,
      customer: '+1********23',
    });
  });

  it('publishing again delivers nothing twice, and the admin reads each delivery and its result', async () => {
    const delivered = flow.deliveries.length;
    await publish();
    await t.settle();
    expect(flow.deliveries).toHaveLength(delivered);
    const { status, body } = await t.api('GET', 'manage/event-subscriptions/flow/deliveries');
    expect(status).toBe(200);
    expect(body.deliveries).toHaveLength(delivered);
    expect(body.deliveries[0]).toMatchObject({
      eventId: flow.deliveries.at(-1)?.event.id,
      status: 'delivered',
      attempts: 1,
      lastResult: 'HTTP 204',
      nextAttemptAt: null,
    });
    const crmDeliveries = await t.api('GET', 'manage/event-subscriptions/crm/deliveries');
    expect(crmDeliveries.body.deliveries.map((d: { type: string }) => d.type)).toEqual(
      crm.deliveries.map(() => 'message.received'),
    );
    expect(
      (await t.api('GET', 'manage/event-subscriptions/flow/deliveries', undefined, { user: 'alice' })).status,
    ).toBe(403);
  });
});
