import type { App } from '../shared/app.js';
import { listAgents } from '../shared/use-cases/admin-agents.js';
import { readConfiguration } from '../shared/use-cases/admin-configuration.js';
import { json } from './http.js';
import { adminFunction } from './manage.js';

/** Every queue with its members (the agents in it). */
export function manageQueuesFunction(app: App) {
  return adminFunction(app, {
    name: 'manageQueues',
    route: 'manage/queues',
    handlers: {
      GET: async () => {
        const agents = await listAgents(app.deps);
        const { queues } = (await readConfiguration(app.deps)).value;
        return json(200, {
          queues: queues.map((queue) => ({
            ...queue,
            members: agents.filter((a) => a.queueIds.includes(queue.id)).map((a) => a.id),
          })),
        });
      },
    },
  });
}
