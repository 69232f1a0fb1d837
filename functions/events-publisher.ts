import type { App } from '../shared/app.js';
import { publishPendingEvents } from '../shared/use-cases/publish-events.js';
import type { TimerFunction } from './definition.js';

/**
 * Drains the outbox into the publisher (Event Grid or the webhook subscribers) and runs the webhook
 * retries that came due. Without a publisher (Azure with no topic yet) the events wait.
 */
export function eventsPublisherFunction(app: App): TimerFunction {
  return {
    kind: 'timer',
    name: 'eventsPublisher',
    schedule: app.config.events.schedule,
    handler: async () => {
      const { publisher } = app.events;
      if (!publisher) {
        app.deps.logger.warn('events.no-publisher', { setting: 'EVENTGRID_TOPIC_ENDPOINT' });
        return;
      }
      await publishPendingEvents({ store: app.deps.store, publisher, logger: app.deps.logger });
    },
  };
}
