import type { App } from '../shared/app.js';
import { listQueueConversations } from '../shared/use-cases/conversations.js';
import { httpFunction, json, param } from './http.js';

export function queueConversationsFunction(app: App) {
  return httpFunction({
    name: 'queueConversations',
    route: 'queues/{queueId}/conversations',
    methods: ['GET'],
    authLevel: 'function',
    logger: app.deps.logger,
    handle: async (request) => {
      const conversations = await listQueueConversations(app.deps, param(request, 'queueId'));
      return json(200, { conversations });
    },
  });
}
