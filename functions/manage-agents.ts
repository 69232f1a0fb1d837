import type { App } from '../shared/app.js';
import { listAgents } from '../shared/use-cases/admin-agents.js';
import { json } from './http.js';
import { adminFunction } from './manage.js';

export function manageAgentsFunction(app: App) {
  return adminFunction(app, {
    name: 'manageAgents',
    route: 'manage/agents',
    handlers: { GET: async () => json(200, { agents: await listAgents(app.deps) }) },
  });
}
