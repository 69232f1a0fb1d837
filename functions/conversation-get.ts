import type { App } from '../shared/app.js';
import { requireConversationAccess } from '../shared/use-cases/access.js';
import { getConversation } from '../shared/use-cases/conversations.js';
import { agentRoles, json, param, signedInFunction } from './http.js';

/** A conversation and its messages, for the agent holding it or its queue's members. */
export function conversationGetFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationGet',
    route: 'conversations/{conversationId}',
    methods: ['GET'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const found = await getConversation(app.deps, param(request, 'conversationId'));
      await requireConversationAccess(app.deps, principal, found.conversation);
      return json(200, found);
    },
  });
}
