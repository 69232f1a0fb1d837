import { z } from 'zod';
import type { App } from '../shared/app.js';
import { actingAgent } from '../shared/use-cases/access.js';
import { endConversation } from '../shared/use-cases/conversations.js';
import { agentRoles, json, param, readJson, signedInFunction } from './http.js';

/** Supervisors and admins name the agent they act for; an agent acts as themselves. */
const body = z.object({
  agentId: z.string().min(1).optional(),
  /** One of the queue's wrap-up codes (required when the queue says so). */
  wrapUpCode: z.string().optional(),
  note: z.string().optional(),
});

/** The agent ends the conversation: it moves to wrap-up, with the wrap-up code and note they give. */
export function conversationEndFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationEnd',
    route: 'conversations/{conversationId}/end',
    methods: ['POST'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const input = await readJson(request, body);
      const conversation = await endConversation(app.deps, {
        conversationId: param(request, 'conversationId'),
        agentId: actingAgent(principal, input.agentId),
        ...(input.wrapUpCode === undefined ? {} : { wrapUpCode: input.wrapUpCode }),
        ...(input.note === undefined ? {} : { note: input.note }),
      });
      return json(200, { conversation });
    },
  });
}
