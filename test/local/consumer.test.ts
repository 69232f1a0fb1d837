import { describe, expect, it } from 'vitest';
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
