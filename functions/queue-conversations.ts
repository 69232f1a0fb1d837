import type { App } from '../shared/app.js';
import { requireQueueAccess } from '../shared/use-cases/access.js';
import { listQueueConversations } from '../shared/use-cases/conversations.js';
import { agentRoles, json, param, signedInFunction } from './http.js';

/** A queue's waiting line, for its members (and supervisors and admins). */
export function queueConversationsFunction(app: App) {
  return signedInFunction(app, {
    name: 'queueConversations',
    route: 'queues/{queueId}/conversations',
    methods: ['GET'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const queueId = param(request, 'queueId');
      await requireQueueAccess(app.deps, principal, queueId);
      return json(200, { conversations: await listQueueConversations(app.deps, queueId) });
    },
  });
}
