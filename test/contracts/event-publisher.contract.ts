import { beforeEach, describe, expect, it } from 'vitest';
import type { IntegrationEvent } from '../../shared/domain/integration-event.js';
import type { EventPublisher } from '../../shared/ports.js';

export interface PublisherHarness {
  publisher: EventPublisher;
  /** The CloudEvents the far end accepted, in order (repeats included). */
  received(): Record<string, unknown>[];
  source: string;
}

export const sampleEvents: IntegrationEvent[] = [
  {
    id: 'conv-1:0:conversation.opened',
    type: 'conversation.opened',
    time: '2026-11-23T09:00:00.000Z',
    subject: 'conversations/conv-1',
    data: {
      conversationId: 'conv-1',
      caseNumber: 'C1234ABCD',
      channelId: 'support',
      queueId: 'general',
      customer: '+1********23',
    },
  },
  {
    id: 'conv-1:local:m1:message.received',
    type: 'message.received',
    time: '2026-11-23T09:00:01.000Z',
    subject: 'conversations/conv-1/messages/local:m1',
    data: { conversationId: 'conv-1', messageId: 'local:m1', direction: 'inbound', status: 'received' },
  },
];

/** What every EventPublisher promises: CloudEvents 1.0 with the outbox's ids, and a repeat recognisable by id. */
export function eventPublisherContract(name: string, makeHarness: () => Promise<PublisherHarness>) {
  describe(`EventPublisher contract: ${name}`, () => {
    let harness: PublisherHarness;
    beforeEach(async () => {
      harness = await makeHarness();
    });

    it('delivers each event as a CloudEvent 1.0 with its id, type, source, subject, time and data', async () => {
      await harness.publisher.publish(sampleEvents);
      await harness.publisher.retryDue();
      const received = harness.received();
      expect(received).toHaveLength(2);
      expect(received[0]).toMatchObject({
        specversion: '1.0',
        id: 'conv-1:0:conversation.opened',
        type: 'com.omnichannel-sms.conversation.opened',
        source: harness.source,
        subject: 'conversations/conv-1',
        data: { conversationId: 'conv-1', caseNumber: 'C1234ABCD', queueId: 'general' },
      });
      expect(new Date(String(received[0]?.time)).toISOString()).toBe('2026-11-23T09:00:00.000Z');
      expect(received[1]).toMatchObject({
        id: 'conv-1:local:m1:message.received',
        type: 'com.omnichannel-sms.message.received',
      });
      expect(received[1]?.data).not.toHaveProperty('text');
    });

    it('carries the same ids when the same events are published again, so a subscriber recognises the repeat', async () => {
      await harness.publisher.publish(sampleEvents);
      await harness.publisher.publish(sampleEvents);
      await harness.publisher.retryDue();
      const ids = harness.received().map((event) => event.id);
      expect(ids.length).toBeGreaterThanOrEqual(2);
      expect(new Set(ids)).toEqual(new Set(sampleEvents.map((event) => event.id)));
    });

    it('sends nothing for nothing', async () => {
      await harness.publisher.publish([]);
      await harness.publisher.retryDue();
      expect(harness.received()).toEqual([]);
    });
  });
}
