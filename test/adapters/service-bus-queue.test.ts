import { ServiceBusClient } from '@azure/service-bus';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/adapters/clocks.js';
import { ServiceBusQueue } from '../../shared/adapters/service-bus-queue.js';
import { queueNames } from '../../shared/ports.js';
import { ServiceBusBroker } from '../../stand-ins/service-bus-broker.js';
import { type QueueHarness, queueContract, queueContractOptions } from '../contracts/queue.contract.js';

/*
 * The queue contract through the real @azure/service-bus SDK, over AMQP, against the project's
 * test broker (stand-ins/service-bus-broker.ts). This checks our use of the SDK: sessions, message
 * ids, scheduled enqueue, settlement, session state and peek as the SDK puts them on the wire. It
 * does not check Service Bus itself: the broker answers as the documentation and the SDK say the
 * service does, and answers "no session" at once where Service Bus would wait out a timeout.
 */
async function serviceBusHarness(): Promise<
  QueueHarness & { broker: ServiceBusBroker; queue: ServiceBusQueue; close(): Promise<void> }
> {
  const clock = new ManualClock();
  const broker = new ServiceBusBroker({
    queues: Object.values(queueNames),
    now: () => clock.now().getTime(),
    lockDurationMs: queueContractOptions.lockMs,
    maxDeliveryCount: queueContractOptions.maxDeliveryCount,
    duplicateWindowMs: queueContractOptions.duplicateWindowMs,
  });
  const { connectionString } = await broker.start();
  const client = new ServiceBusClient(connectionString, {
    retryOptions: { maxRetries: 0, timeoutInMs: 5000 },
  });
  const queue = new ServiceBusQueue(client, clock, {
    maxDeliveryCount: queueContractOptions.maxDeliveryCount,
    receiveWaitMs: 500,
  });
  return {
    broker,
    queue,
    now: () => clock.now(),
    advance: async (ms) => {
      clock.advance(ms);
    },
    close: async () => {
      await queue.close();
      await broker.stop();
    },
  };
}

queueContract('Service Bus (real SDK over AMQP, test broker)', serviceBusHarness);

describe('Service Bus batches', () => {
  it("sends a batch as the SDK's batches: one session to a batch, a new one when the link's size is reached", async () => {
    const h = await serviceBusHarness();
    try {
      const filler = 'x'.repeat(2048);
      const pool = ['+14255550100', '+14255550101'];
      // 300 messages of 2 kB over two numbers: 150 each, about 300 kB a number, over the 256 kB limit.
      await h.queue.sendBatch(
        queueNames.outbound,
        Array.from({ length: 300 }, (_, i) => ({
          id: `m${i}`,
          sessionId: pool[i % 2] ?? '',
          body: { i, filler },
        })),
      );
      const batches = h.broker.batches;
      expect(batches.every((batch) => new Set(batch.sessions).size === 1)).toBe(true);
      for (const number of pool) {
        const sizes = batches.filter((batch) => batch.sessions[0] === number).map((b) => b.sessions.length);
        expect(sizes.length).toBeGreaterThanOrEqual(2);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(150);
      }
      expect(h.broker.depth(queueNames.outbound)).toBe(300);
    } finally {
      await h.close();
    }
  });

  it('makes no call for an empty batch', async () => {
    const h = await serviceBusHarness();
    try {
      await h.queue.sendBatch(queueNames.outbound, []);
      expect(h.broker.batches).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

/*
 * The stand-in's dead-letter queue as the SDK sees it, as Service Bus documents it: no sessions,
 * a lock per message, the reason and description among the application properties, complete to
 * remove, abandon to give back with one delivery more, and a lock that outlives its receiver.
 */
describe("the stand-in's dead-letter queue, through the SDK", () => {
  it('gives dead letters under message locks with their reason, and keeps an unsettled one locked', async () => {
    const clock = new ManualClock();
    const broker = new ServiceBusBroker({
      queues: Object.values(queueNames),
      now: () => clock.now().getTime(),
      lockDurationMs: 30_000,
    });
    const { connectionString } = await broker.start();
    const client = new ServiceBusClient(connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: 5000 },
    });
    const queue = new ServiceBusQueue(client, clock, { maxDeliveryCount: 10, receiveWaitMs: 500 });
    try {
      await queue.send('sms-inbound', { id: 'a1', sessionId: 'a', body: { n: 1 } });
      const held = await queue.receive('sms-inbound');
      if (!held) throw new Error('expected a message');
      await queue.deadLetter('sms-inbound', held, 'the store was unreachable');

      const options = { subQueueType: 'deadLetter', maxAutoLockRenewalDurationInMs: 0 } as const;
      const first = client.createReceiver('sms-inbound', options);
      const [taken] = await first.receiveMessages(1, { maxWaitTimeInMs: 500 });
      expect(taken).toMatchObject({
        messageId: 'a1',
        body: { n: 1 },
        deadLetterReason: 'the store was unreachable',
        deadLetterErrorDescription: 'the store was unreachable',
      });
      await first.close();
      // Closing the receiver does not let go of the message: its lock holds until it expires.
      const second = client.createReceiver('sms-inbound', options);
      expect(await second.receiveMessages(1, { maxWaitTimeInMs: 500 })).toEqual([]);
      clock.advance(31_000);
      const [again] = await second.receiveMessages(1, { maxWaitTimeInMs: 500 });
      expect(again?.messageId).toBe('a1');
      if (!again) throw new Error('expected the dead letter again');
      await second.abandonMessage(again);
      const [third] = await second.receiveMessages(1, { maxWaitTimeInMs: 500 });
      if (!third) throw new Error('expected the dead letter after abandon');
      expect(third.deliveryCount).toBe((again.deliveryCount ?? 0) + 1);
      await second.completeMessage(third);
      await second.close();
      expect(await queue.deadLetters('sms-inbound')).toEqual([]);
    } finally {
      await queue.close();
      await broker.stop();
    }
  });
});
