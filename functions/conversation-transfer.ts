import { z } from 'zod';
import type { App } from '../shared/app.js';
import { transferToAgent, transferToQueue } from '../shared/use-cases/work-distribution.js';
import { httpFunction, json, param, readJson } from './http.js';

const body = z.union([
  z.object({ agentId: z.string().min(1), toQueueId: z.string().min(1) }).strict(),
  z.object({ agentId: z.string().min(1), toAgentId: z.string().min(1) }).strict(),
]);

/** Transfers a conversation to another queue (open there) or straight to another agent. */
export function conversationTransferFunction(app: App) {
  return httpFunction({
    name: 'conversationTransfer',
    route: 'conversations/{conversationId}/transfer',
    methods: ['POST'],
    authLevel: 'function',
    logger: app.deps.logger,
    handle: async (request) => {
      const input = await readJson(request, body);
      const conversationId = param(request, 'conversationId');
      const conversation =
        'toQueueId' in input
          ? await transferToQueue(app.deps, {
              conversationId,
              agentId: input.agentId,
              queueId: input.toQueueId,
            })
          : await transferToAgent(app.deps, {
              conversationId,
              agentId: input.agentId,
              toAgentId: input.toAgentId,
            });
      return json(200, { conversation });
    },
  });
}
