import { z } from 'zod';
import type { App } from '../shared/app.js';
import { pickFromQueue } from '../shared/use-cases/work-distribution.js';
import { httpFunction, json, param, readJson } from './http.js';

const body = z.object({ agentId: z.string().min(1) });

/** Pick mode: the agent takes an open conversation from one of their queues. */
export function conversationPickFunction(app: App) {
  return httpFunction({
    name: 'conversationPick',
    route: 'conversations/{conversationId}/pick',
    methods: ['POST'],
    authLevel: 'function',
    logger: app.deps.logger,
    handle: async (request) => {
      const { agentId } = await readJson(request, body);
      const conversation = await pickFromQueue(app.deps, {
        conversationId: param(request, 'conversationId'),
        agentId,
      });
      return json(200, { conversation });
    },
  });
}
