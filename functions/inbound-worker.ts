import type { App } from '../shared/app.js';
import { inboundSmsSchema } from '../shared/domain/inbound-sms.js';
import { queueNames } from '../shared/ports.js';
import { receiveInbound } from '../shared/use-cases/inbound.js';
import { type QueueFunction, SERVICE_BUS_CONNECTION } from './definition.js';

/** Stores each inbound SMS; session = channel number + customer, so one customer's texts keep order. */
export function inboundWorkerFunction(app: App): QueueFunction {
  return {
    kind: 'serviceBusQueue',
    name: 'inboundWorker',
    queueName: queueNames.inbound,
    connection: SERVICE_BUS_CONNECTION,
    isSessionsEnabled: true,
    handler: async (message) => {
      await receiveInbound(app.deps, inboundSmsSchema.parse(message));
    },
  };
}
