import type { App } from '../shared/app.js';
import { listAgentConversations } from '../shared/use-cases/conversations.js';
import { httpFunction, json, param } from './http.js';

export function agentConversationsFunction(app: App) {
  return httpFunction({
    name: 'agentConversations',
    route: 'agents/{agentId}/conversations',
    methods: ['GET'],
    authLevel: 'function',
    logger: app.deps.logger,
    handle: async (request) => {
      const conversations = await listAgentConversations(app.deps, param(request, 'agentId'));
      return json(200, { conversations });
    },
  });
}
