import { z } from 'zod';
import type { App } from '../shared/app.js';
import { queueNames } from '../shared/ports.js';
import { assignQueue } from '../shared/use-cases/assign.js';
import { type QueueFunction, SERVICE_BUS_CONNECTION } from './definition.js';
import { queueBody } from './queue-message.js';

const request = z.object({ queueId: z.string().min(1), reason: z.string().optional() });

/** One assigner per queue at a time: the session id is the queue id. */
export function assignmentWorkerFunction(app: App): QueueFunction {
  return {
    kind: 'serviceBusQueue',
    name: 'assignmentWorker',
    queueName: queueNames.assignment,
    connection: SERVICE_BUS_CONNECTION,
    isSessionsEnabled: true,
    handler: async (message) => {
      await assignQueue(app.deps, request.parse(queueBody(message)).queueId);
    },
  };
}
