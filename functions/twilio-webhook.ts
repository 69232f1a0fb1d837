import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { App } from '../shared/app.js';
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
 * The part both Twilio webhooks share: Twilio configured, the form read, the signature checked
 * against the public URL. Returns the params, or the refusal to answer with.
 */
export async function verifiedTwilioForm(
  app: App,
  request: HttpRequest,
): Promise<{ params: TwilioParams } | { refusal: HttpResponseInit }> {
  const { twilio } = app.config;
  const base = app.config.publicBaseUrl;
  if (!twilio || !base) {
    return { refusal: json(404, { error: { code: 'not-found', message: 'Twilio is not configured here' } }) };
  }
  const params = readForm(await request.text());
  const verification = await verifyTwilioSignature({
    authToken: twilio.authToken,
    signature: request.headers.get('x-twilio-signature'),
    url: signedUrl(base, request.url),
    params,
  });
  if (verification === 'valid') return { params };
  app.deps.logger.warn('webhook.rejected', { provider: 'twilio', reason: `${verification} signature` });
  return verification === 'missing'
    ? { refusal: json(401, { error: { code: 'unauthorized', message: 'X-Twilio-Signature is missing' } }) }
    : { refusal: json(403, { error: { code: 'forbidden', message: 'X-Twilio-Signature does not match' } }) };
}
