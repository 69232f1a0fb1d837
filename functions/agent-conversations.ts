import type { App } from '../shared/app.js';
import { actingAgent } from '../shared/use-cases/access.js';
import { listAgentWork } from '../shared/use-cases/workspace.js';
import { agentRoles, json, param, signedInFunction } from './http.js';

/**
 * An agent's own work (supervisors and admins may look at anyone's): each conversation with its
 * last message and unread count.
 */
export function agentConversationsFunction(app: App) {
  return signedInFunction(app, {
    name: 'agentConversations',
    route: 'agents/{agentId}/conversations',
    methods: ['GET'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const agentId = actingAgent(principal, param(request, 'agentId'));
      return json(200, { conversations: await listAgentWork(app.deps, principal, agentId) });
    },
  });
}
