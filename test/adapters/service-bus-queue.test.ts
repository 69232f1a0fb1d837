import { ServiceBusClient } from '@azure/service-bus';
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
async function serviceBusHarness(): Promise<QueueHarness> {
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
