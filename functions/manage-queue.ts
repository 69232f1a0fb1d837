import type { App } from '../shared/app.js';
import { NotFoundError } from '../shared/errors.js';
import { listAgents } from '../shared/use-cases/admin-agents.js';
import { deleteQueue, putQueue, readConfiguration } from '../shared/use-cases/admin-configuration.js';
import { json, param } from './http.js';
import { adminFunction, noContent, readPutBody } from './manage.js';

/** One queue: its name and distribution (push or pick), with its members; removed when unused. */
export function manageQueueFunction(app: App) {
  return adminFunction(app, {
    name: 'manageQueue',
    route: 'manage/queues/{queueId}',
    handlers: {
      GET: async (request) => {
        const queueId = param(request, 'queueId');
        const queue = (await readConfiguration(app.deps)).value.queues.find((q) => q.id === queueId);
        if (!queue) throw new NotFoundError(`queue ${queueId} does not exist`);
        const members = (await listAgents(app.deps))
          .filter((a) => a.queueIds.includes(queueId))
          .map((a) => a.id);
        return json(200, { queue: { ...queue, members } });
      },
      PUT: async (request) =>
        json(200, {
          queue: await putQueue(app.deps, param(request, 'queueId'), await readPutBody(request, 'queue')),
        }),
      DELETE: async (request) => {
        await deleteQueue(app.deps, param(request, 'queueId'));
        return noContent();
      },
    },
  });
}
