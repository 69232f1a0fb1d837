import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { App } from '../shared/app.js';
import type { Channel } from '../shared/domain/channel.js';
import { verifiedWith } from '../shared/providers/accounts.js';
import {
  EMPTY_TWIML,
  readForm,
  signedUrl,
  type TwilioParams,
  verifyTwilioSignature,
} from '../shared/providers/twilio/webhook.js';
import { json } from './http.js';

export const twiml = (): HttpResponseInit => ({
  status: 200,
  headers: { 'content-type': 'text/xml; charset=utf-8' },
  body: EMPTY_TWIML,
});

/**
 * The channel a Twilio request is about: the one owning our number (`To` of an inbound message,
 * `From` of a status callback), or, for a message sent through a Messaging Service from a pool
 * number the channel does not list, the channel sending through that service.
 */
function owningChannel(app: App, params: TwilioParams, ours: 'To' | 'From'): Channel | undefined {
  const number = params[ours];
  const byNumber = number ? app.directory.channelForNumber(number) : undefined;
  if (byNumber) return byNumber;
  const service = params.MessagingServiceSid;
  return service
    ? app.directory.channels().find((channel) => channel.twilio?.messagingServiceSid === service)
    : undefined;
}

/**
 * The part both Twilio webhooks share: the form read, the signature checked against the public URL
 * with the auth token of the account serving the channel that owns our number (its own, else the
 * settings'). A request signed with another account's token is refused. Returns the params, or the
 * refusal to answer with.
 */
export async function verifiedTwilioForm(
  app: App,
  request: HttpRequest,
  ourNumber: 'To' | 'From',
): Promise<{ params: TwilioParams } | { refusal: HttpResponseInit }> {
  const base = app.config.publicBaseUrl;
  const params = readForm(await request.text());
  const channel = owningChannel(app, params, ourNumber);
  const account = app.accounts.twilio(channel);
  if (!account || !base) {
    return { refusal: json(404, { error: { code: 'not-found', message: 'Twilio is not configured here' } }) };
  }
  const signature = request.headers.get('x-twilio-signature');
  const url = signedUrl(base, request.url);
  const verification = await verifiedWith(account.authToken, (authToken) =>
    verifyTwilioSignature({ authToken, signature, url, params }),
  );
  if (verification === 'valid') return { params };
  app.deps.logger.warn('webhook.rejected', {
    provider: 'twilio',
    reason: `${verification} signature`,
    channelId: channel?.id,
  });
  return verification === 'missing'
    ? { refusal: json(401, { error: { code: 'unauthorized', message: 'X-Twilio-Signature is missing' } }) }
    : { refusal: json(403, { error: { code: 'forbidden', message: 'X-Twilio-Signature does not match' } }) };
}
