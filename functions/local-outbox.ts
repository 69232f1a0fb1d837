import type { EmbeddedAdapters } from '../shared/adapters/embedded.js';
import type { App } from '../shared/app.js';
import { httpFunction, json, queryPhone } from './http.js';

/** What the local provider "sent": the developer's view of the customer's phone. */
export function localOutboxFunction(app: App, embedded: EmbeddedAdapters) {
  return httpFunction({
    name: 'localOutbox',
    route: 'local/outbox',
    methods: ['GET'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async (request) => {
      const to = queryPhone(request, 'to');
      const filter = to ? { to } : {};
      return json(200, { messages: embedded.localProvider.outbox(filter) });
    },
  });
}
