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
      // On Azure, queue depths are Service Bus metrics; counting them here would read whole queues.
      const queue = app.embedded?.queue;
      if (!queue) return json(200, { status: 'ok', mode: app.config.mode });
      const depths = Object.fromEntries(
        await Promise.all(Object.values(queueNames).map(async (name) => [name, await queue.depth(name)])),
      );
      return json(200, { status: 'ok', mode: app.config.mode, queues: depths });
    },
  });
}
