import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/adapters/clocks.js';
import { EventGridPublisher } from '../../shared/adapters/event-grid-publisher.js';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { WebhookEvents } from '../../shared/adapters/webhook-events.js';
import { signatureHeaders, verifyWebhook } from '../../shared/domain/webhook-signature.js';
import { EventGridTopicStandIn, tokenFor } from '../../stand-ins/event-grid-topic.js';
import { closeServer, listenOnLoopback, readBody } from '../../stand-ins/http.js';
import { eventPublisherContract, sampleEvents } from '../contracts/event-publisher.contract.js';

const SECRET = 'a-subscriber-secret-of-32-chars!';
const SOURCE = 'https://sms.contoso.example';

/** A webhook receiver that checks the signature as the README tells a receiver to, and answers as told. */
class Receiver {
  readonly accepted: Record<string, unknown>[] = [];
  readonly headers: Record<string, string | undefined>[] = [];
  badSignatures = 0;
  /** Statuses to answer with, in turn; 204 once they run out. */
  answers: number[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly clock: ManualClock) {}

  async start() {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const timestamp = req.headers[signatureHeaders.timestamp] as string | undefined;
        const signature = req.headers[signatureHeaders.signature] as string | undefined;
        const now = Math.floor(this.clock.now().getTime() / 1000);
        if (!verifyWebhook(SECRET, { timestamp, signature }, body, now)) {
          this.badSignatures += 1;
          res.writeHead(401);
          return res.end();
        }
        const status = this.answers.shift() ?? 204;
        if (status < 300) {
          this.accepted.push(JSON.parse(body) as Record<string, unknown>);
          this.headers.push({
            type: req.headers['content-type'],
            id: req.headers[signatureHeaders.id] as string,
          });
        }
        res.writeHead(status);
        res.end();
      });
    });
    this.url = `${await listenOnLoopback(this.server)}/hooks/sms`;
  }

  stop() {
    return closeServer(this.server);
  }
}

const receivers: Receiver[] = [];
afterAll(async () => {
  for (const receiver of receivers) await receiver.stop();
});

async function webhookHarness(options: { includeText?: boolean; types?: string[] } = {}) {
  const clock = new ManualClock();
  const receiver = new Receiver(clock);
  receivers.push(receiver);
  await receiver.start();
  const webhooks = new WebhookEvents(openSqlite(':memory:'), {
    source: SOURCE,
    clock,
    textOf: async () => 'Hello, I need help',
    firstRetryMs: 30_000,
    maxAttempts: 3,
  });
  await webhooks.put('crm', {
    url: receiver.url,
    types: (options.types ?? []) as never[],
    secret: SECRET,
    includeText: options.includeText ?? false,
  });
  return { webhooks, receiver, clock };
}

eventPublisherContract('webhooks (embedded default)', async () => {
  const { webhooks, receiver } = await webhookHarness();
  return { publisher: webhooks, received: () => receiver.accepted, source: SOURCE };
});

const topic = new EventGridTopicStandIn();
let topicEndpoint = '';
beforeAll(async () => {
  topicEndpoint = await topic.start();
});
afterAll(() => topic.stop());

const identity = {
  getToken: async (scopes: string | string[]) => ({
    token: tokenFor(scopes),
    expiresOnTimestamp: Date.now() + 3_600_000,
  }),
};

eventPublisherContract('Event Grid (real SDK, topic stand-in)', async () => {
  topic.accepted.splice(0);
  return {
    publisher: new EventGridPublisher(topicEndpoint, identity, SOURCE, { tlsOptions: { ca: topic.ca } }),
    received: () => topic.accepted,
    source: SOURCE,
  };
});

describe('Event Grid publishing', () => {
  it('sends with a token for Event Grid, and fails when the topic refuses, so the outbox keeps the events', async () => {
    topic.accepted.splice(0);
    const elsewhere = {
      getToken: async () => ({
        token: tokenFor('https://management.azure.com/.default'),
        expiresOnTimestamp: Date.now() + 3_600_000,
      }),
    };
    const wrong = new EventGridPublisher(topicEndpoint, elsewhere, SOURCE, { tlsOptions: { ca: topic.ca } });
    await expect(wrong.publish(sampleEvents)).rejects.toThrow();
    expect(topic.refused.at(-1)?.reason).toContain('https://management.azure.com');
    // 403: the identity lacks EventGrid Data Sender (a 503 the SDK retries itself).
    topic.failNext = 403;
    const right = new EventGridPublisher(topicEndpoint, identity, SOURCE, { tlsOptions: { ca: topic.ca } });
    await expect(right.publish(sampleEvents)).rejects.toThrow();
    expect(topic.accepted).toEqual([]);
  });
});

describe('webhook deliveries', () => {
  it('are signed with the subscription secret over the timestamp and the body, one CloudEvent each', async () => {
    const { webhooks, receiver } = await webhookHarness();
    await webhooks.publish(sampleEvents);
    expect(receiver.badSignatures).toBe(0);
    expect(receiver.headers[0]).toEqual({
      type: 'application/cloudevents+json; charset=utf-8',
      id: 'conv-1:0:conversation.opened',
    });
  });

  it('are retried with backoff until accepted, and an admin reads each result', async () => {
    const { webhooks, receiver, clock } = await webhookHarness({ types: ['conversation.opened'] });
    receiver.answers = [500, 503];
    await webhooks.publish(sampleEvents);
    expect(await webhooks.deliveries('crm', 10)).toEqual([
      expect.objectContaining({
        eventId: 'conv-1:0:conversation.opened',
        status: 'pending',
        attempts: 1,
        lastResult: 'HTTP 500',
      }),
    ]);
    clock.advance(29_000);
    await webhooks.retryDue();
    expect(receiver.answers).toEqual([503]);
    clock.advance(1_000);
    await webhooks.retryDue();
    const [second] = await webhooks.deliveries('crm', 10);
    expect(second).toMatchObject({ status: 'pending', attempts: 2, lastResult: 'HTTP 503' });
    // The second retry waits twice as long.
    expect(Date.parse(second?.nextAttemptAt ?? '') - clock.now().getTime()).toBe(60_000);
    clock.advance(60_000);
    await webhooks.retryDue();
    expect(await webhooks.deliveries('crm', 10)).toEqual([
      expect.objectContaining({
        status: 'delivered',
        attempts: 3,
        lastResult: 'HTTP 204',
        nextAttemptAt: null,
      }),
    ]);
    expect(receiver.accepted.map((event) => event.type)).toEqual(['com.omnichannel-sms.conversation.opened']);
  });

  it('give up after the last attempt, marked failed', async () => {
    const { webhooks, receiver, clock } = await webhookHarness();
    receiver.answers = [500, 500, 500, 500, 500, 500];
    await webhooks.publish(sampleEvents.slice(0, 1));
    for (let i = 0; i < 4; i++) {
      clock.advance(3_600_000);
      await webhooks.retryDue();
    }
    expect(await webhooks.deliveries('crm', 10)).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 3, nextAttemptAt: null }),
    ]);
  });

  it('carry the message text only to a subscriber that asked for it', async () => {
    const plain = await webhookHarness();
    const withText = await webhookHarness({ includeText: true });
    await plain.webhooks.publish(sampleEvents);
    await withText.webhooks.publish(sampleEvents);
    expect(plain.receiver.accepted[1]?.data).not.toHaveProperty('text');
    expect(withText.receiver.accepted[1]?.data).toMatchObject({ text: 'Hello, I need help' });
    expect(withText.receiver.accepted[0]?.data).not.toHaveProperty('text');
  });

  it('forget, for an erasure, the logged deliveries about a subject and what is under it, and nothing else', async () => {
    const { webhooks } = await webhookHarness();
    const other = {
      ...sampleEvents[0],
      id: 'conv-10:0:conversation.opened',
      subject: 'conversations/conv-10',
    } as (typeof sampleEvents)[number];
    await webhooks.publish([...sampleEvents, other]);
    expect(await webhooks.deliveries('crm', 10)).toHaveLength(sampleEvents.length + 1);

    expect(await webhooks.forgetDeliveries(['conversations/conv-1'])).toBe(sampleEvents.length);

    expect((await webhooks.deliveries('crm', 10)).map((d) => d.eventId)).toEqual([
      'conv-10:0:conversation.opened',
    ]);
    expect(await webhooks.forgetDeliveries(['conversations/conv-1'])).toBe(0);
  });

  it('never read back the secret', async () => {
    const { webhooks } = await webhookHarness();
    expect(JSON.stringify(await webhooks.list())).not.toContain(SECRET);
  });
});
