import type { App } from '../shared/app.js';
import { listQueueViews } from '../shared/use-cases/workspace.js';
import { agentRoles, json, signedInFunction } from './http.js';

/** Queues with their waiting count and longest wait: an agent sees their own, overseers all. */
export function queuesFunction(app: App) {
  return signedInFunction(app, {
    name: 'queues',
    route: 'queues',
    methods: ['GET'],
    roles: agentRoles,
    handle: async (_request, principal) => json(200, { queues: await listQueueViews(app.deps, principal) }),
  });
}
