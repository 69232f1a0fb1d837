import type { HttpResponseInit } from '@azure/functions';
import type { App } from '../shared/app.js';
import { queueNames } from '../shared/ports.js';
import { httpFunction, json } from './http.js';
import type { StartupState } from './startup.js';

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

/**
 * Health on the Functions host before the app has started: 503, saying whether it is still
 * starting (and what it waits for) or a setting keeps it from starting (which one). The words come
 * from `describeStartupFailure` and the configuration loader, which name settings, never values.
 */
export function startingHealth(state: Exclude<StartupState, { status: 'ready' }>): HttpResponseInit {
  const body =
    state.status === 'starting'
      ? {
          status: 'starting',
          mode: 'azure',
          attempts: state.attempts,
          // The first attempt loads the SDKs before it connects: it can take a while on a cold instance.
          waitingFor: state.waitingFor ?? 'Cosmos DB and Service Bus (first attempt)',
        }
      : { status: 'misconfigured', mode: 'azure', problem: state.problem };
  return { ...json(503, body), headers: { 'retry-after': state.status === 'starting' ? '10' : '300' } };
}
