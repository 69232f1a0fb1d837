import { describe, expect, it, vi } from 'vitest';
import type { QueueFunction } from '../../functions/definition.js';
import { QueueConsumer } from '../../local/consumer.js';
import { ManualClock } from '../../shared/adapters/clocks.js';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteQueue } from '../../shared/adapters/sqlite-queue.js';
import { silentLogger } from '../../shared/logger.js';

describe('the local host running a queue function', () => {
  it('leaves a message it gives up on in the dead-letter queue, as Service Bus would', async () => {
    const queue = new SqliteQueue(openSqlite(':memory:'), new ManualClock(), {
      lockMs: 30_000,
      maxDeliveryCount: 1,
      duplicateWindowMs: 60_000,
    });
    const definition: QueueFunction = {
      kind: 'serviceBusQueue',
      name: 'outboundWorker',
      queueName: 'sms-outbound',
      connection: 'ServiceBusConnection',
      isSessionsEnabled: true,
      handler: async () => {
        throw new Error('store unavailable');
      },
    };
    const consumer = new QueueConsumer(definition, queue, {
      concurrency: 1,
      lockMs: 30_000,
      logger: silentLogger,
      maxDeliveryCount: 1,
      ready: queue.events,
    });
    await queue.send('sms-outbound', { id: 'm1', sessionId: '+14255550100', body: { id: 'm1' } });
    consumer.start();
    const dead = async () => (await queue.deadLetters('sms-outbound')).map((d) => [d.id, d.reason]);
    for (let i = 0; i < 200 && (await dead()).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await consumer.stop();
    expect(await dead()).toEqual([['m1', 'delivery count reached 1']]);
  });
});

describe('the local host waking its idle consumers', () => {
  const sessionQueue = () => {
    const queue = new SqliteQueue(openSqlite(':memory:'), new ManualClock(), {
      lockMs: 30_000,
      maxDeliveryCount: 10,
      duplicateWindowMs: 60_000,
    });
    let receives = 0;
    const receive = queue.receive.bind(queue);
    queue.receive = (name) => {
      receives += 1;
      return receive(name);
    };
    return { queue, receives: () => receives };
  };
  const outbound = (handler: QueueFunction['handler']): QueueFunction => ({
    kind: 'serviceBusQueue',
    name: 'outboundWorker',
    queueName: 'sms-outbound',
    connection: 'ServiceBusConnection',
    isSessionsEnabled: true,
    handler,
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('wakes one idle consumer per message made ready, not every idle one', async () => {
    // Timers are frozen so idle consumers never poll: only the queue's events wake them.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { queue, receives } = sessionQueue();
      let handled = 0;
      const consumer = new QueueConsumer(
        outbound(async () => {
          handled += 1;
        }),
        queue,
        { concurrency: 8, lockMs: 30_000, logger: silentLogger, maxDeliveryCount: 10, ready: queue.events },
      );
      consumer.start();
      for (let i = 0; i < 5; i++) await settle();
      const idle = receives();
      await queue.send('sms-outbound', { id: 'm1', sessionId: '+12065550142', body: { id: 'm1' } });
      for (let i = 0; i < 20 && handled === 0; i++) await settle();
      for (let i = 0; i < 5; i++) await settle();
      expect(handled).toBe(1);
      // The receive that took it, one by the consumer it woke, one woken by the settle, and the
      // taker's own next look: four, however many consumers sit idle (each woken: eight per event).
      expect(receives() - idle).toBeLessThanOrEqual(4);
      await consumer.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('gets messages of several sessions handled at once, each consumer waking the next', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { queue } = sessionQueue();
      const started: string[] = [];
      let release: () => void = () => {};
      const allStarted = new Promise<void>((resolve) => {
        release = resolve;
      });
      const consumer = new QueueConsumer(
        outbound(async (body) => {
          started.push((body as { id: string }).id);
          if (started.length === 3) release();
          // Each holds its session until all three are in hand: only concurrent consumers get there.
          await allStarted;
        }),
        queue,
        { concurrency: 4, lockMs: 30_000, logger: silentLogger, maxDeliveryCount: 10, ready: queue.events },
      );
      consumer.start();
      for (let i = 0; i < 5; i++) await settle();
      await queue.sendBatch('sms-outbound', [
        { id: 'a1', sessionId: '+12065550101', body: { id: 'a1' } },
        { id: 'b1', sessionId: '+12065550102', body: { id: 'b1' } },
        { id: 'c1', sessionId: '+12065550103', body: { id: 'c1' } },
      ]);
      for (let i = 0; i < 50 && started.length < 3; i++) await settle();
      expect(started.sort()).toEqual(['a1', 'b1', 'c1']);
      await consumer.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
