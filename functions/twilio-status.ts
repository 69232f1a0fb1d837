import type { App } from '../shared/app.js';
import { parseTwilioStatus } from '../shared/providers/twilio/webhook.js';
import { acceptDeliveryReport, customerSession } from '../shared/use-cases/accept-inbound.js';
import { httpFunction } from './http.js';
import { twiml, verifiedTwilioForm } from './twilio-webhook.js';

/** Twilio's status callback for the messages we send: verify, parse, queue, acknowledge. */
export function twilioStatusFunction(app: App) {
  return httpFunction({
    name: 'twilioStatus',
    route: 'twilio/status',
    methods: ['POST'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async (request) => {
      const verified = await verifiedTwilioForm(app, request, 'From');
      if ('refusal' in verified) return verified.refusal;
      const status = parseTwilioStatus(verified.params, request.query, app.deps.clock.now().toISOString());
      if (status) {
        await acceptDeliveryReport(
          app.deps,
          status.report,
          customerSession(status.ourNumber, status.customer),
        );
      }
      return twiml();
    },
  });
}
