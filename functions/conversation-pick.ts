import { z } from 'zod';
import type { App } from '../shared/app.js';
import { actingAgent } from '../shared/use-cases/access.js';
import { pickFromQueue } from '../shared/use-cases/work-distribution.js';
import { agentRoles, json, param, readJson, signedInFunction } from './http.js';

/** Supervisors and admins name the agent they act for; an agent acts as themselves. */
const body = z.object({ agentId: z.string().min(1).optional() });

/** Pick mode: the agent takes an open conversation from one of their queues. */
export function conversationPickFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationPick',
    route: 'conversations/{conversationId}/pick',
    methods: ['POST'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const input = await readJson(request, body);
      const conversation = await pickFromQueue(app.deps, {
        conversationId: param(request, 'conversationId'),
        agentId: actingAgent(principal, input.agentId),
      });
      return json(200, { conversation });
    },
  });
}
