import type { App } from '../shared/app.js';
import { queueNames } from '../shared/ports.js';
import { httpFunction, json } from './http.js';

export function healthFunction(app: App) {
  return httpFunction({
    name: 'health',
    route: 'health',
    methods: ['GET'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async () => {
      const depths = Object.fromEntries(
        await Promise.all(Object.values(queueNames).map(async (name) => [name, await app.queue.depth(name)])),
      );
      return json(200, { status: 'ok', queues: depths });
    },
  });
}
