import type { App } from '../shared/app.js';
import { openConversationView } from '../shared/use-cases/workspace.js';
import { agentRoles, json, param, signedInFunction } from './http.js';

/**
 * A conversation and its messages, with the customer panel and the customer's earlier
 * conversations, for the agent holding it or its queue's members (and overseers, read-only).
 */
export function conversationGetFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationGet',
    route: 'conversations/{conversationId}',
    methods: ['GET'],
    roles: agentRoles,
    handle: async (request, principal) =>
      json(200, await openConversationView(app.deps, principal, param(request, 'conversationId'))),
  });
}
