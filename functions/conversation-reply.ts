import { z } from 'zod';
import type { App } from '../shared/app.js';
import { replyToCustomer } from '../shared/use-cases/conversations.js';
import { httpFunction, json, param, readJson } from './http.js';

const body = z.object({ agentId: z.string().min(1), text: z.string() });

/** An agent's reply: accepted onto the outbound queue (202); its status follows on the message. */
export function conversationReplyFunction(app: App) {
  return httpFunction({
    name: 'conversationReply',
    route: 'conversations/{conversationId}/messages',
    methods: ['POST'],
    authLevel: 'function',
    logger: app.deps.logger,
    handle: async (request) => {
      const { agentId, text } = await readJson(request, body);
      const message = await replyToCustomer(app.deps, {
        conversationId: param(request, 'conversationId'),
        agentId,
        text,
      });
      return json(202, { message });
    },
  });
}
