import { z } from 'zod';
import type { App } from '../shared/app.js';
import { actingAgent } from '../shared/use-cases/access.js';
import { startConversation } from '../shared/use-cases/start-conversation.js';
import { agentRoles, json, readJson, signedInFunction } from './http.js';

const body = z.object({
  agentId: z.string().min(1).optional(),
  channelId: z.string().min(1),
  to: z.string().min(1),
  text: z.string(),
  /** MMS attachments [{url, contentType, size?}]: checked by the use case against the channel. */
  media: z.unknown().optional(),
  queueId: z.string().min(1).optional(),
});

/** An agent starts an SMS conversation with a customer (201, active with them, the text on its way). */
export function conversationStartFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationStart',
    route: 'conversations',
    methods: ['POST'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const input = await readJson(request, body);
      const started = await startConversation(app.deps, {
        ...input,
        agentId: actingAgent(principal, input.agentId),
      });
      return json(201, started);
    },
  });
}
