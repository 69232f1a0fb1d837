import type { App } from '../shared/app.js';
import { acceptAcsEvents } from './acs-accept.js';
import type { EventGridFunction } from './definition.js';

/**
 * ACS events through the Functions host's Event Grid trigger (the host answers the handshake).
 * Each event is its own invocation; a throw makes the host answer 500 and Event Grid redeliver,
 * which the queue's duplicate detection absorbs.
 */
export function acsEventGridFunction(app: App): EventGridFunction {
  return {
    kind: 'eventGrid',
    name: 'acsEventGrid',
    handler: async (event) => {
      await acceptAcsEvents(app, [{ id: event.id, type: event.eventType, data: event.data }]);
    },
  };
}
