import { z } from 'zod';
import type { App } from '../shared/app.js';
import type { Message } from '../shared/domain/message.js';
import { queueNames } from '../shared/ports.js';
import { deliverOutbound, failDeadLettered } from '../shared/use-cases/deliver.js';
import { type QueueFunction, SERVICE_BUS_CONNECTION } from './definition.js';
import { deadLetterReason, deliveryCount, queueBody } from './queue-message.js';

const outboundMessage = z.looseObject({
  id: z.string().min(1),
  conversationId: z.string().min(1),
  seq: z.number().int(),
  direction: z.literal('outbound'),
  from: z.string().min(1),
  to: z.string().min(1),
  text: z.string().min(1),
  status: z.literal('queued'),
});

/** Sends replies, automated messages and notifications; session = sender number. */
export function outboundWorkerFunction(app: App): QueueFunction {
  return {
    kind: 'serviceBusQueue',
    name: 'outboundWorker',
    queueName: queueNames.outbound,
    connection: SERVICE_BUS_CONNECTION,
    isSessionsEnabled: true,
    handler: async (message, context) => {
      const parsed = outboundMessage.parse(queueBody(message)) as unknown as Message;
      await deliverOutbound(app.deps, parsed, {
        deliveryCount: deliveryCount(context),
        maxDeliveryCount: app.config.queue.maxDeliveryCount,
      });
    },
  };
}

/**
 * Outbound messages Service Bus dead-lettered: marked failed with the reason, so no reply stays
 * "queued" forever. Not session-enabled: a dead-letter queue has no sessions.
 */
export function outboundDeadLetterFunction(app: App): QueueFunction {
  return {
    kind: 'serviceBusQueue',
    name: 'outboundDeadLetters',
    queueName: `${queueNames.outbound}/$DeadLetterQueue`,
    connection: SERVICE_BUS_CONNECTION,
    isSessionsEnabled: false,
    handler: async (message, context) => {
      const parsed = outboundMessage.parse(queueBody(message)) as unknown as Message;
      await failDeadLettered(app.deps, parsed, deadLetterReason(context));
    },
  };
}
