import type { App } from '../shared/app.js';
import { getConversation } from '../shared/use-cases/conversations.js';
import { httpFunction, json, param } from './http.js';

export function conversationGetFunction(app: App) {
  return httpFunction({
    name: 'conversationGet',
    route: 'conversations/{conversationId}',
    methods: ['GET'],
    authLevel: 'function',
    logger: app.deps.logger,
    handle: async (request) => json(200, await getConversation(app.deps, param(request, 'conversationId'))),
  });
}
