import type { App } from '../shared/app.js';
import { inboundWorkSchema } from '../shared/domain/inbound-work.js';
import { queueNames } from '../shared/ports.js';
import { applyDeliveryReport, applyProviderReport } from '../shared/use-cases/delivery-report.js';
import { receiveInbound } from '../shared/use-cases/inbound.js';
import { type QueueFunction, SERVICE_BUS_CONNECTION } from './definition.js';
import { queueBody } from './queue-message.js';

/**
 * Stores each inbound SMS and applies each delivery report; session = our number + the customer,
 * so one customer's texts keep their order.
 */
export function inboundWorkerFunction(app: App): QueueFunction {
  return {
    kind: 'serviceBusQueue',
    name: 'inboundWorker',
    queueName: queueNames.inbound,
    connection: SERVICE_BUS_CONNECTION,
    isSessionsEnabled: true,
    handler: async (message) => {
      const work = inboundWorkSchema.parse(queueBody(message));
      if (work.kind === 'sms') await receiveInbound(app.deps, work.sms);
      else if (work.kind === 'delivery-report') await applyDeliveryReport(app.deps, work.report);
      else await applyProviderReport(app.deps, work.report);
    },
  };
}
