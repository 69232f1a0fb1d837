import type { App } from '../shared/app.js';
import { listAgentViews } from '../shared/use-cases/workspace.js';
import { agentRoles, json, signedInFunction } from './http.js';

/** Agents with presence and load: an agent sees their queues' members, overseers everyone. */
export function agentsFunction(app: App) {
  return signedInFunction(app, {
    name: 'agents',
    route: 'agents',
    methods: ['GET'],
    roles: agentRoles,
    handle: async (_request, principal) => json(200, { agents: await listAgentViews(app.deps, principal) }),
  });
}
