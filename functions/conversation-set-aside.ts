import { z } from 'zod';
import type { App } from '../shared/app.js';
import { setAside } from '../shared/use-cases/work-distribution.js';
import { httpFunction, json, param, readJson } from './http.js';

const body = z.object({ agentId: z.string().min(1) });

/** The agent sets the conversation aside (`waiting`), freeing capacity until the customer writes. */
export function conversationSetAsideFunction(app: App) {
  return httpFunction({
    name: 'conversationSetAside',
    route: 'conversations/{conversationId}/set-aside',
    methods: ['POST'],
    authLevel: 'function',
    logger: app.deps.logger,
    handle: async (request) => {
      const { agentId } = await readJson(request, body);
      const conversation = await setAside(app.deps, {
        conversationId: param(request, 'conversationId'),
        agentId,
      });
      return json(200, { conversation });
    },
  });
}
