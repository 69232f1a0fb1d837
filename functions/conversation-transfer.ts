import { z } from 'zod';
import type { App } from '../shared/app.js';
import { actingAgent } from '../shared/use-cases/access.js';
import { transferToAgent, transferToQueue } from '../shared/use-cases/work-distribution.js';
import { agentRoles, json, param, readJson, signedInFunction } from './http.js';

const agentId = z.string().min(1).optional();
const body = z.union([
  z.object({ agentId, toQueueId: z.string().min(1) }).strict(),
  z.object({ agentId, toAgentId: z.string().min(1) }).strict(),
]);

/** Transfers a conversation to another queue (open there) or straight to another agent. */
export function conversationTransferFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationTransfer',
    route: 'conversations/{conversationId}/transfer',
    methods: ['POST'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const input = await readJson(request, body);
      const conversationId = param(request, 'conversationId');
      const from = actingAgent(principal, input.agentId);
      const conversation =
        'toQueueId' in input
          ? await transferToQueue(app.deps, { conversationId, agentId: from, queueId: input.toQueueId })
          : await transferToAgent(app.deps, { conversationId, agentId: from, toAgentId: input.toAgentId });
      return json(200, { conversation });
    },
  });
}
