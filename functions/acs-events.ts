import { timingSafeEqual } from 'node:crypto';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { App } from '../shared/app.js';
import { ValidationError } from '../shared/errors.js';
import { readEachEvent, readEvents, SUBSCRIPTION_VALIDATION } from '../shared/providers/acs/events.js';
import { acceptAcsEvents } from './acs-accept.js';
import { httpFunction, json } from './http.js';

const SECRET_HEADER = 'x-sms-webhook-secret';

function secretMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** CloudEvents' abuse protection: the sender asks first whether we take its events. */
function answerOptions(request: HttpRequest): HttpResponseInit {
  const origin = request.headers.get('webhook-request-origin');
  if (!origin)
    return json(400, { error: { code: 'validation', message: 'WebHook-Request-Origin is missing' } });
  return {
    status: 200,
    headers: { 'webhook-allowed-origin': origin, 'webhook-allowed-rate': '*', allow: 'POST, OPTIONS' },
  };
}

/**
 * ACS events over HTTP, for deployments that point an Event Grid subscription at a URL (and for
 * the local host, which has no Event Grid): both handshakes, both schemas, single or batched, and
 * an optional shared secret in a static delivery header.
 */
export function acsEventsFunction(app: App) {
  return httpFunction({
    name: 'acsEvents',
    route: 'acs/events',
    methods: ['POST', 'OPTIONS'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async (request) => {
      if (request.method === 'OPTIONS') return answerOptions(request);
      let body: unknown;
      try {
        body = JSON.parse(await request.text());
      } catch (error) {
        throw new ValidationError('request body is not valid JSON', [], { cause: error });
      }
      if (request.headers.get('aeg-event-type') === 'SubscriptionValidation') {
        const [event] = await readEvents(body);
        const code = (event?.data as { validationCode?: unknown } | undefined)?.validationCode;
        if (event?.type !== SUBSCRIPTION_VALIDATION || typeof code !== 'string') {
          throw new ValidationError('subscription validation without a validation code');
        }
        app.deps.logger.info('webhook.validated', { provider: 'acs' });
        return json(200, { validationResponse: code });
      }
      const secret = app.config.acsWebhookSecret;
      if (secret) {
        const given = request.headers.get(SECRET_HEADER);
        if (!given || !secretMatches(secret, given)) {
          app.deps.logger.warn('webhook.rejected', {
            provider: 'acs',
            reason: given ? 'wrong secret' : 'no secret',
          });
          return given
            ? json(403, { error: { code: 'forbidden', message: `${SECRET_HEADER} does not match` } })
            : json(401, { error: { code: 'unauthorized', message: `${SECRET_HEADER} is missing` } });
        }
      }
      return json(200, await acceptAcsEvents(app, await readEachEvent(body)));
    },
  });
}
