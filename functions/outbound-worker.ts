import { z } from 'zod';
import type { App } from '../shared/app.js';
import type { Message } from '../shared/domain/message.js';
import { queueNames } from '../shared/ports.js';
import { deliverOutbound, failDeadLettered } from '../shared/use-cases/deliver.js';
import { type QueueFunction, SERVICE_BUS_CONNECTION } from './definition.js';
import { deliveryCount, queueBody } from './queue-message.js';

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

/**
 * Sends replies, automated messages and notifications; session = the sender number's lane for the
 * customer (shared/domain/send-lanes.ts). On the last allowed delivery, a failure that is not the
 * provider's answer (which marks the message failed itself) marks it failed here, so the agent sees
 * it did not go; the queue message is still dead-lettered, and stays there for an operator to look
 * at (docs/decisions.md, "Dead letters").
 */
export function outboundWorkerFunction(app: App): QueueFunction {
  return {
    kind: 'serviceBusQueue',
    name: 'outboundWorker',
    queueName: queueNames.outbound,
    connection: SERVICE_BUS_CONNECTION,
    isSessionsEnabled: true,
    handler: async (message, context) => {
      const parsed = outboundMessage.parse(queueBody(message)) as unknown as Message;
      const attempt = {
        deliveryCount: deliveryCount(context),
        maxDeliveryCount: app.config.queue.maxDeliveryCount,
      };
      try {
        await deliverOutbound(app.deps, parsed, attempt);
      } catch (error) {
        if (attempt.deliveryCount >= attempt.maxDeliveryCount) {
          // Best effort: when the store itself is what fails, the message stays queued, and a
          // replay of its dead letter sends it.
          await failDeadLettered(app.deps, parsed, `${attempt.deliveryCount} attempts failed`).catch(
            (markError: unknown) =>
              app.deps.logger.error('outbound.mark-failed-failed', { messageId: parsed.id }, markError),
          );
        }
        throw error;
      }
    },
  };
}
