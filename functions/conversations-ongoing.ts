import type { App } from '../shared/app.js';
import { listOngoing, parseStates } from '../shared/use-cases/workspace.js';
import { agentRoles, json, signedInFunction } from './http.js';

/** Ongoing conversations (`?state=open,active&queueId=&agentId=`), as far as the caller may see. */
export function conversationsOngoingFunction(app: App) {
  return signedInFunction(app, {
    name: 'conversationsOngoing',
    route: 'conversations',
    methods: ['GET'],
    roles: agentRoles,
    handle: async (request, principal) => {
      const conversations = await listOngoing(app.deps, principal, {
        states: parseStates(request.query.get('state')),
        queueId: request.query.get('queueId') || undefined,
        agentId: request.query.get('agentId') || undefined,
      });
      return json(200, { conversations });
    },
  });
}
