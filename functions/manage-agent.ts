import type { App } from '../shared/app.js';
import { deleteAgent, getAgent, putAgent } from '../shared/use-cases/admin-agents.js';
import { json, param } from './http.js';
import { adminFunction, noContent, readPutBody } from './manage.js';

/**
 * One agent: name, capacity, queues, skills, and who signs in as them (userId). Their presence and
 * conversations are theirs; an agent holding conversations is not removed.
 */
export function manageAgentFunction(app: App) {
  return adminFunction(app, {
    name: 'manageAgent',
    route: 'manage/agents/{agentId}',
    handlers: {
      GET: async (request) => json(200, { agent: await getAgent(app.deps, param(request, 'agentId')) }),
      PUT: async (request) => {
        const agent = await putAgent(
          app.deps,
          param(request, 'agentId'),
          await readPutBody(request, 'agent'),
        );
        // Who signs in as whom may have changed.
        app.agents.invalidate();
        return json(200, { agent });
      },
      DELETE: async (request) => {
        await deleteAgent(app.deps, param(request, 'agentId'));
        app.agents.invalidate();
        return noContent();
      },
    },
  });
}
