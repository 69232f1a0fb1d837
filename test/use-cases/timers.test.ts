import { describe, expect, it } from 'vitest';
import { openConversation } from '../../shared/domain/conversation.js';
import { Directory } from '../../shared/domain/directory.js';
import type { IntegrationEvent } from '../../shared/domain/integration-event.js';
import type { PendingEvent, QueueName, TranscriptExpiry } from '../../shared/ports.js';
import { checkChannelCredentials } from '../../shared/use-cases/check-credentials.js';
import { measureLevels } from '../../shared/use-cases/measure-levels.js';
import { publishPendingEvents } from '../../shared/use-cases/publish-events.js';
import { expireTranscripts, retentionDaysOf } from '../../shared/use-cases/retention.js';
import { aChannel, aConversation, aMessage, CUSTOMER, SUPPORT_NUMBER } from '../support/builders.js';
import { coreHarness } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';
import { RecordingPublisher } from '../support/recording-publisher.js';

type Number = typeof SUPPORT_NUMBER;

function loggedEvents(logs: string[]): Record<string, unknown>[] {
  return logs.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the retention timer', () => {
  /** The embedded store's side: how many messages of each channel are older than the instant. */
  class ExpiringTranscripts implements TranscriptExpiry {
    readonly queries: { channelId: string; createdBefore: string; limit: number }[] = [];
    constructor(private readonly left: Map<string, number>) {}
    async expireMessages(query: { channelId: string; createdBefore: string; limit: number }) {
      this.queries.push(query);
      const left = this.left.get(query.channelId) ?? 0;
      const removed = Math.min(left, query.limit);
      this.left.set(query.channelId, left - removed);
      return removed;
    }
  }

  function harness() {
    const h = coreHarness();
    h.deps.directory = new Directory(
      [
        aChannel({ id: 'support', retentionDays: 30 }),
        aChannel({ id: 'sales', numbers: [{ number: '+14255550101' as Number }], retentionDays: 1 }),
        aChannel({ id: 'forever', numbers: [{ number: '+14255550102' as Number }] }),
      ],
      [{ id: 'general', name: 'General' }] as ConstructorParameters<typeof Directory>[1],
    );
    return h;
  }

  it("removes each channel's messages older than its retention, 500 at a time, until none is left", async () => {
    const h = harness();
    const expiry = new ExpiringTranscripts(new Map([['support', 1200]]));
    const swept = await expireTranscripts(h.deps, expiry);
    expect(swept).toEqual([
      { channelId: 'support', removed: 1200 },
      { channelId: 'sales', removed: 0 },
    ]);
    expect(expiry.queries).toEqual([
      { channelId: 'support', createdBefore: '2026-10-24T09:00:00.000Z', limit: 500 },
      { channelId: 'support', createdBefore: '2026-10-24T09:00:00.000Z', limit: 500 },
      { channelId: 'support', createdBefore: '2026-10-24T09:00:00.000Z', limit: 500 },
      { channelId: 'sales', createdBefore: '2026-11-22T09:00:00.000Z', limit: 500 },
    ]);
    expect(loggedEvents(h.logs).filter((line) => line.event === 'retention.expired')).toEqual([
      expect.objectContaining({ channelId: 'support', messages: 1200 }),
    ]);
  });

  it('asks once more after a full batch, and stops at the first that is not', async () => {
    const h = harness();
    const expiry = new ExpiringTranscripts(new Map([['sales', 500]]));
    expect(await expireTranscripts(h.deps, expiry)).toEqual([
      { channelId: 'support', removed: 0 },
      { channelId: 'sales', removed: 500 },
    ]);
    expect(expiry.queries.filter((q) => q.channelId === 'sales')).toHaveLength(2);
  });

  it("finds a message's retention by the channel number it names: to when in, from when out", () => {
    const h = harness();
    const retention = retentionDaysOf(h.deps.directory);
    expect(retention(aMessage({ direction: 'inbound', from: CUSTOMER, to: '+14255550101' as Number }))).toBe(
      1,
    );
    expect(
      retention(
        aMessage({ direction: 'outbound', from: SUPPORT_NUMBER, to: '+14255550101' as typeof CUSTOMER }),
      ),
    ).toBe(30);
    expect(retention(aMessage({ direction: 'inbound', to: '+14255550102' as Number }))).toBeUndefined();
    expect(retention(aMessage({ direction: 'inbound', to: '+14255550177' as Number }))).toBeUndefined();
  });
});

describe('the levels the metrics timer records', () => {
  const openedAt = (id: string, at: string) =>
    openConversation({
      id,
      channelId: 'support',
      channelNumber: SUPPORT_NUMBER,
      customer: CUSTOMER,
      queueId: 'general',
      at,
    });
  const noDeadLetters = { deadLetters: async () => [] };

  it('are per queue the conversations waiting and how long the longest has waited, in seconds', async () => {
    const h = coreHarness();
    await h.store.createConversation(openedAt('c1', '2026-11-23T08:49:59.600Z'));
    await h.store.createConversation(openedAt('c2', '2026-11-23T08:59:00.000Z'));
    await h.store.createConversation({
      ...openedAt('c3', '2026-11-23T08:00:00.000Z'),
      state: 'active',
      agentId: 'alice',
    });
    const levels = await measureLevels(h.deps, noDeadLetters);
    expect(levels.waiting).toBe(2);
    expect(h.metrics.of('sms.queue.depth')).toEqual([
      { kind: 'gauge', name: 'sms.queue.depth', value: 2, attributes: { queue: 'general' } },
      { kind: 'gauge', name: 'sms.queue.depth', value: 0, attributes: { queue: 'billing' } },
    ]);
    expect(h.metrics.of('sms.queue.oldest_wait')).toEqual([
      { kind: 'gauge', name: 'sms.queue.oldest_wait', value: 600, attributes: { queue: 'general' } },
      { kind: 'gauge', name: 'sms.queue.oldest_wait', value: 0, attributes: { queue: 'billing' } },
    ]);
  });

  it('count the wait from when a conversation last joined the line (a transfer, a return)', async () => {
    const h = coreHarness();
    const base = openedAt('c1', '2026-11-23T07:00:00.000Z');
    await h.store.createConversation({
      ...base,
      history: [
        ...base.history,
        { from: 'open', to: 'active', at: '2026-11-23T07:05:00.000Z', by: 'agent:alice', reason: 'assigned' },
        { from: 'active', to: 'open', at: '2026-11-23T08:58:59.600Z', by: 'agent:alice', reason: 'returned' },
      ],
    });
    await measureLevels(h.deps, noDeadLetters);
    expect(h.metrics.of('sms.queue.oldest_wait', { queue: 'general' })[0]?.value).toBe(60);
  });

  it('read a long line a page of 500 at a time, counting each conversation once', async () => {
    const h = coreHarness();
    const start = Date.parse('2026-11-23T08:00:00.000Z');
    for (let i = 0; i < 1001; i++) {
      const id = `c${String(i).padStart(4, '0')}`;
      await h.store.createConversation(openedAt(id, new Date(start + i * 1000).toISOString()));
    }
    const store = h.store as MemoryStore;
    const queries: unknown[] = [];
    const find = store.findConversations.bind(store);
    store.findConversations = async (query) => {
      queries.push(query);
      return find(query);
    };
    expect((await measureLevels(h.deps, noDeadLetters)).waiting).toBe(1001);
    const general = queries.filter((q) => (q as { queueId: string }).queueId === 'general');
    expect(general).toEqual([
      { queueId: 'general', states: ['open'], limit: 500 },
      {
        queueId: 'general',
        states: ['open'],
        limit: 500,
        after: { createdAt: '2026-11-23T08:08:19.000Z', id: 'c0499' },
      },
      {
        queueId: 'general',
        states: ['open'],
        limit: 500,
        after: { createdAt: '2026-11-23T08:16:39.000Z', id: 'c0999' },
      },
    ]);
  });

  it('are per work queue its dead letters, and all of them together', async () => {
    const h = coreHarness();
    const dead: Partial<Record<QueueName, number>> = { 'sms-inbound': 2, 'sms-outbound': 1 };
    const work = {
      deadLetters: async (name: QueueName) => Array.from({ length: dead[name] ?? 0 }, () => ({}) as never),
    };
    const levels = await measureLevels(h.deps, work);
    expect(levels).toEqual({ waiting: 0, deadLetters: 3 });
    const gauges = h.metrics.of('sms.work.dead_letters');
    expect(gauges.find((g) => g.attributes.queue === 'sms-inbound')?.value).toBe(2);
    expect(gauges.find((g) => g.attributes.queue === 'sms-outbound')?.value).toBe(1);
    expect(gauges.find((g) => g.attributes.queue === 'sms-assignment')?.value).toBe(0);
  });
});

describe('publishing the outbox', () => {
  /** A store whose outbox holds exactly the events given, counting the conversation reads. */
  class OutboxStore extends MemoryStore {
    pending: IntegrationEvent[] = [];
    conversationReads = 0;
    readonly pages: number[] = [];
    override async pendingEvents(limit: number): Promise<PendingEvent[]> {
      this.pages.push(limit);
      return this.pending.slice(0, limit).map((event) => ({ event, receipt: event.id }));
    }
    override async removeEvents(receipts: string[]) {
      this.pending = this.pending.filter((event) => !receipts.includes(event.id));
    }
    override async getConversation(id: string) {
      this.conversationReads += 1;
      return super.getConversation(id);
    }
  }

  const messageEvent = (n: number, data: IntegrationEvent['data'] = {}): IntegrationEvent => ({
    id: `evt-${n}`,
    type: 'message.received',
    time: '2026-11-23T09:00:00.000Z',
    subject: `conversations/conv-1/messages/m${n}`,
    data: { conversationId: 'conv-1', messageId: `m${n}`, ...data },
  });

  function harness() {
    const store = new OutboxStore();
    const publisher = new RecordingPublisher();
    const h = coreHarness(store);
    return { store, publisher, logs: h.logs, deps: { store, publisher, logger: h.deps.logger } };
  }

  it("adds the conversation's channel, queue and agent to a message's event, reading it once", async () => {
    const { store, publisher, deps } = harness();
    await store.createConversation(aConversation({ state: 'active', agentId: 'alice', queueId: 'billing' }));
    store.pending = [messageEvent(1), messageEvent(2), messageEvent(3, { agentId: 'bob' })];
    expect(await publishPendingEvents(deps)).toEqual({ published: 3 });
    expect(publisher.received.map((e) => e.data)).toEqual([
      {
        conversationId: 'conv-1',
        messageId: 'm1',
        channelId: 'support',
        queueId: 'billing',
        agentId: 'alice',
      },
      {
        conversationId: 'conv-1',
        messageId: 'm2',
        channelId: 'support',
        queueId: 'billing',
        agentId: 'alice',
      },
      { conversationId: 'conv-1', messageId: 'm3', channelId: 'support', queueId: 'billing', agentId: 'bob' },
    ]);
    expect(store.conversationReads).toBe(1);
    expect(store.pending).toEqual([]);
  });

  it('sends as they are the events that say their channel already, and those of no conversation', async () => {
    const { store, publisher, deps } = harness();
    await store.createConversation(aConversation());
    const own = messageEvent(1, { channelId: 'alerts' });
    const notification: IntegrationEvent = {
      ...messageEvent(2),
      data: { messageId: 'n1', purpose: 'notification' },
    };
    const gone = messageEvent(3, { conversationId: 'conv-erased' });
    store.pending = [own, notification, gone];
    await publishPendingEvents(deps);
    expect(publisher.received).toEqual([own, notification, gone]);
    expect(store.conversationReads).toBe(1);
  });

  it('publishes batch after batch until the outbox is empty, at most maxBatches', async () => {
    const { store, publisher, deps } = harness();
    store.pending = Array.from({ length: 7 }, (_, i) => messageEvent(i, { channelId: 'support' }));
    expect(await publishPendingEvents(deps, { batchSize: 2, maxBatches: 3 })).toEqual({ published: 6 });
    expect(store.pages).toEqual([2, 2, 2]);
    expect(store.pending.map((e) => e.id)).toEqual(['evt-6']);
    expect(await publishPendingEvents(deps, { batchSize: 2, maxBatches: 3 })).toEqual({ published: 1 });
    expect(store.pages).toEqual([2, 2, 2, 2]);
    expect(publisher.received).toHaveLength(7);
  });

  it('reads no further page after a short one', async () => {
    const { store, deps } = harness();
    store.pending = Array.from({ length: 4 }, (_, i) => messageEvent(i, { channelId: 'support' }));
    await publishPendingEvents(deps, { batchSize: 2 });
    expect(store.pages).toEqual([2, 2, 2]);
  });

  it('takes 100 events a batch and 10 batches a run by default', async () => {
    const { store, deps } = harness();
    store.pending = Array.from({ length: 1001 }, (_, i) => messageEvent(i, { channelId: 'support' }));
    expect(await publishPendingEvents(deps)).toEqual({ published: 1000 });
    expect(store.pages).toEqual(Array.from({ length: 10 }, () => 100));
  });

  it('runs the due retries and logs what it published, even when the outbox was empty', async () => {
    const { store, publisher, deps, logs } = harness();
    let publishes = 0;
    const publish = publisher.publish.bind(publisher);
    publisher.publish = async (events) => {
      publishes += 1;
      return publish(events);
    };
    expect(await publishPendingEvents(deps)).toEqual({ published: 0 });
    expect(publishes).toBe(0);
    expect(publisher.retries).toBe(1);
    expect(loggedEvents(logs).some((line) => line.event === 'events.published')).toBe(false);
    store.pending = [messageEvent(1, { channelId: 'support' })];
    await publishPendingEvents(deps);
    expect(publisher.retries).toBe(2);
    expect(loggedEvents(logs)).toContainEqual(
      expect.objectContaining({ event: 'events.published', count: 1 }),
    );
  });

  it('forgets nothing when the publish fails: the next run sends the same events', async () => {
    const { store, publisher, deps } = harness();
    store.pending = [messageEvent(1, { channelId: 'support' })];
    publisher.failNext = new Error('topic unavailable');
    await expect(publishPendingEvents(deps)).rejects.toThrow('topic unavailable');
    expect(store.pending).toHaveLength(1);
  });
});

describe("checking a channel's credentials", () => {
  it("asks the channel's provider, names the account checked, and logs the outcome", async () => {
    const h = coreHarness();
    expect(await checkChannelCredentials(h.deps, 'support')).toEqual({
      channelId: 'support',
      provider: 'local',
      account: "the deployment's account (settings)",
      ok: true,
      detail: 'fake',
    });
    expect(loggedEvents(h.logs)).toContainEqual(
      expect.objectContaining({
        event: 'credentials.checked',
        channelId: 'support',
        provider: 'local',
        ok: true,
      }),
    );
  });
});
