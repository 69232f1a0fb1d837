import type { App } from '../shared/app.js';
import { acceptAcsEvents } from './acs-accept.js';
import type { EventGridFunction } from './definition.js';

/**
 * ACS events through the Functions host's Event Grid trigger (the host answers the handshake).
 * Each event is its own invocation. One that cannot be processed is kept as a poison record and
 * acknowledged, as on the webhook; a failure to queue or keep it throws, the host answers 500 and
 * Event Grid redelivers, which the queue's duplicate detection absorbs.
 */
export function acsEventGridFunction(app: App): EventGridFunction {
  return {
    kind: 'eventGrid',
    name: 'acsEventGrid',
    handler: async (event) => {
      await acceptAcsEvents(app, [
        { event: { id: event.id, type: event.eventType, data: event.data, time: event.eventTime } },
      ]);
    },
  };
}
