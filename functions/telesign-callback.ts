import type { HttpRequest } from '@azure/functions';
import type { App } from '../shared/app.js';
import type { Channel } from '../shared/domain/channel.js';
import { ValidationError } from '../shared/errors.js';
import { verifiedWith } from '../shared/providers/accounts.js';
import { parseTeleSignCallback, teleSignToE164 } from '../shared/providers/telesign/callback.js';
import { verifyTeleSignCallback } from '../shared/providers/telesign/signing.js';
import { acceptDeliveryReport, acceptInboundSms } from '../shared/use-cases/accept-inbound.js';
import { httpFunction, json } from './http.js';

/**
 * The channel a callback is about, read before the signature is checked only to choose the account
 * to check it with: an inbound message's sender id is our number; a delivery report names the
 * conversation in the callback URL we gave, whose channel sent the message. Whatever the request
 * claims, it must then be signed with that channel's account, so it can only touch that channel.
 */
async function owningChannel(app: App, rawBody: string, request: HttpRequest): Promise<Channel | undefined> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return undefined;
  }
  const senderId = (body as { user_response?: { sender_id?: unknown } } | null)?.user_response?.sender_id;
  if (typeof senderId === 'string') return app.directory.channelForNumber(teleSignToE164(senderId));
  const conversationId = request.query.get('conversationId');
  if (!conversationId) return undefined;
  const conversation = await app.deps.store.getConversation(conversationId);
  return conversation ? app.directory.findChannel(conversation.value.channelId) : undefined;
}

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
      const rawBody = await request.text();
      const channel = await owningChannel(app, rawBody, request);
      const account = app.accounts.telesign(channel);
      if (!account)
        return json(404, { error: { code: 'not-found', message: 'TeleSign is not configured here' } });
      const verification = await verifiedWith(account.apiKey, (apiKey) =>
        verifyTeleSignCallback(
          { customerId: account.customerId, apiKey },
          {
            rawBody,
            authorization: request.headers.get('authorization'),
            xTsAuthorization: request.headers.get('x-ts-authorization'),
          },
        ),
      );
      if (verification !== 'valid') {
        app.deps.logger.warn('webhook.rejected', {
          provider: 'telesign',
          reason: `${verification} signature`,
          channelId: channel?.id,
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
