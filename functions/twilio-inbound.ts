import type { App } from '../shared/app.js';
import { parseTwilioInbound } from '../shared/providers/twilio/webhook.js';
import { acceptInboundSms } from '../shared/use-cases/accept-inbound.js';
import { httpFunction } from './http.js';
import { twiml, verifiedTwilioForm } from './twilio-webhook.js';

/**
 * Twilio's inbound message webhook: verify, parse, put on the inbound queue, answer empty TwiML.
 * A message to a number no channel has is acknowledged and dropped (logged): refusing it would only
 * make Twilio retry and fall back.
 */
export function twilioInboundFunction(app: App) {
  return httpFunction({
    name: 'twilioInbound',
    route: 'twilio/inbound',
    methods: ['POST'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async (request) => {
      const verified = await verifiedTwilioForm(app, request, 'To');
      if ('refusal' in verified) return verified.refusal;
      const sms = parseTwilioInbound(verified.params, app.deps.clock.now().toISOString());
      await acceptInboundSms(app.deps, sms);
      return twiml();
    },
  });
}
