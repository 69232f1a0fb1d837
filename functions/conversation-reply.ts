import { z } from 'zod';
import type { App } from '../shared/app.js';
import { actingAgent } from '../shared/use-cases/access.js';
import { replyToCustomer } from '../shared/use-cases/conversations.js';
import { agentRoles, json, param, readJson, signedInFunction } from './http.js';

const body = z.object({
  agentId: z.string().min(1).optional(),
  text: z.string(),
  /** MMS attachments [{url, contentType, size?}]: checked by the use case against the channel. */
  media: z.unknown().optional(),
});

/** An agent's reply: accepted onto the outbound queue (202); its status follows on the message. */
export function conversationReplyFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationReply',
    route: 'conversations/{conversationId}/messages',
    methods: ['POST'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const input = await readJson(request, body);
      const message = await replyToCustomer(app.deps, {
        conversationId: param(request, 'conversationId'),
        agentId: actingAgent(principal, input.agentId),
        text: input.text,
        media: input.media,
      });
      return json(202, { message });
    },
  });
}
