import type { App } from '../shared/app.js';
import { ValidationError } from '../shared/errors.js';
import { parseTeleSignCallback } from '../shared/providers/telesign/callback.js';
import { verifyTeleSignCallback } from '../shared/providers/telesign/signing.js';
import { acceptDeliveryReport, acceptInboundSms } from '../shared/use-cases/accept-inbound.js';
import { httpFunction, json } from './http.js';

/**
 * TeleSign's one callback endpoint, for inbound messages (`mo_sms`) and delivery reports: verify
 * the signature over the raw body, parse, queue, answer 200 (anything else is retried).
 */
export function teleSignCallbackFunction(app: App) {
  return httpFunction({
    name: 'teleSignCallback',
    route: 'telesign/callback',
    methods: ['POST'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async (request) => {
      const credentials = app.config.telesign;
      if (!credentials)
        return json(404, { error: { code: 'not-found', message: 'TeleSign is not configured here' } });
      const rawBody = await request.text();
      const verification = verifyTeleSignCallback(credentials, {
        rawBody,
        authorization: request.headers.get('authorization'),
        xTsAuthorization: request.headers.get('x-ts-authorization'),
      });
      if (verification !== 'valid') {
        app.deps.logger.warn('webhook.rejected', {
          provider: 'telesign',
          reason: `${verification} signature`,
        });
        return verification === 'missing'
          ? json(401, { error: { code: 'unauthorized', message: 'the TSA signature is missing' } })
          : json(403, { error: { code: 'forbidden', message: 'the TSA signature does not match' } });
      }
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch (error) {
        throw new ValidationError('request body is not valid JSON', [], { cause: error });
      }
      const callback = parseTeleSignCallback(body, request.query, app.deps.clock.now().toISOString());
      if (callback.kind === 'sms') await acceptInboundSms(app.deps, callback.sms);
      else if (callback.kind === 'report') {
        await acceptDeliveryReport(
          app.deps,
          callback.report,
          `conversation:${callback.report.conversationId}`,
        );
      } else app.deps.logger.info('webhook.ignored', { provider: 'telesign', why: callback.why });
      return json(200, { status: 'ok' });
    },
  });
}
