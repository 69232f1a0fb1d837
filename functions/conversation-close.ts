import { z } from 'zod';
import type { App } from '../shared/app.js';
import { closeByAgent } from '../shared/use-cases/conversations.js';
import { httpFunction, json, param, readJson } from './http.js';

const body = z.object({ agentId: z.string().min(1) });

/** The agent closes the conversation, freeing their capacity. */
export function conversationCloseFunction(app: App) {
  return httpFunction({
    name: 'conversationClose',
    route: 'conversations/{conversationId}/close',
    methods: ['POST'],
    authLevel: 'function',
    logger: app.deps.logger,
    handle: async (request) => {
      const { agentId } = await readJson(request, body);
      const conversation = await closeByAgent(app.deps, {
        conversationId: param(request, 'conversationId'),
        agentId,
      });
      return json(200, { conversation });
    },
  });
}
