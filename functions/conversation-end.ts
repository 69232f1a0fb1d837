import { z } from 'zod';
import type { App } from '../shared/app.js';
import { endConversation } from '../shared/use-cases/conversations.js';
import { httpFunction, json, param, readJson } from './http.js';

const body = z.object({ agentId: z.string().min(1) });

/** The agent ends the conversation: it moves to wrap-up for their notes. */
export function conversationEndFunction(app: App) {
  return httpFunction({
    name: 'conversationEnd',
    route: 'conversations/{conversationId}/end',
    methods: ['POST'],
    authLevel: 'function',
    logger: app.deps.logger,
    handle: async (request) => {
      const { agentId } = await readJson(request, body);
      const conversation = await endConversation(app.deps, {
        conversationId: param(request, 'conversationId'),
        agentId,
      });
      return json(200, { conversation });
    },
  });
}
