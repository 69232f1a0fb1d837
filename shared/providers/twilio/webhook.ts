import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { DeliveryReport, ProviderReport } from '../../domain/delivery-report.js';
import { type InboundSms, inboundMessageId, inboundSmsSchema } from '../../domain/inbound-sms.js';
import type { OutboundStatus } from '../../domain/message.js';
import { issuesFrom, ValidationError } from '../../errors.js';
import { lazily } from '../../lazy.js';

export type TwilioParams = Record<string, string>;

/**
 * The URL Twilio signed: the configured public base, then the path and query exactly as they
 * reached us. Rebuilding it from Host or X-Forwarded-* headers breaks behind proxies; a function
 * key (`?code=`) is part of the query Twilio called, so it is kept.
 */
export function signedUrl(publicBaseUrl: string, requestUrl: string): string {
  const { pathname, search } = new URL(requestUrl);
  return `${publicBaseUrl}${pathname}${search}`;
}

export type Verification = 'valid' | 'missing' | 'invalid';

const twilioSdk = lazily(async () => (await import('twilio')).default);

/** Twilio's algorithm: HMAC-SHA1 with the auth token over the URL, then each key and value by key. */
function expectedSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) data += key + params[key];
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** The URL with its port taken out, and with the scheme's default port put in when it has none. */
function withAndWithoutPort(url: string): string[] {
  const match = /^(https?:\/\/)([^/?#@]*@)?([^/?#:]+|\[[^\]]*\])(:\d+)?(.*)$/i.exec(url);
  if (!match) return [url];
  const [, scheme = '', user = '', host = '', port, rest = ''] = match;
  const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return [scheme + user + host + rest, scheme + user + host + (port ?? defaultPort) + rest];
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Checks X-Twilio-Signature with Twilio's own algorithm (HMAC-SHA1 over the URL and sorted params).
 * Twilio signs the URL as it called it, with or without the port: those two are checked here,
 * without the Twilio SDK, which a cold instance would otherwise load for its first webhook. A
 * signature matching neither goes to the SDK's `validateRequest`, which also tries the URL as
 * `new URL()` and the legacy query string re-encode it, so what it accepts is still accepted.
 */
export async function verifyTwilioSignature(input: {
  authToken: string;
  signature: string | null;
  url: string;
  params: TwilioParams;
}): Promise<Verification> {
  if (!input.signature) return 'missing';
  const signature = input.signature;
  if (
    withAndWithoutPort(input.url).some((url) =>
      same(signature, expectedSignature(input.authToken, url, input.params)),
    )
  )
    return 'valid';
  const twilio = await twilioSdk();
  return twilio.validateRequest(input.authToken, signature, input.url, input.params) ? 'valid' : 'invalid';
}

/** Twilio posts form fields; a key given twice would be ambiguous, so it is refused. */
export function readForm(body: string): TwilioParams {
  const params: TwilioParams = {};
  for (const [key, value] of new URLSearchParams(body)) {
    if (key in params) throw new ValidationError(`form field ${key} appears twice`);
    params[key] = value;
  }
  return params;
}

const inboundFields = z.looseObject({
  MessageSid: z.string().min(1).optional(),
  SmsMessageSid: z.string().min(1).optional(),
  SmsSid: z.string().min(1).optional(),
  From: z.string().min(1),
  To: z.string().min(1),
  Body: z.string().default(''),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
});

function fail(what: string, error: z.ZodError): never {
  throw new ValidationError(`${what} is invalid`, issuesFrom(error.issues));
}

/** Twilio's inbound message fields, parsed once into the domain's InboundSms. */
export function parseTwilioInbound(params: TwilioParams, receivedAt: string): InboundSms {
  const parsed = inboundFields.safeParse(params);
  if (!parsed.success) fail('Twilio inbound message', parsed.error);
  const fields = parsed.data;
  const sid = fields.MessageSid ?? fields.SmsMessageSid ?? fields.SmsSid;
  if (!sid)
    throw new ValidationError('Twilio inbound message has no MessageSid', [
      { path: 'MessageSid', message: 'missing' },
    ]);
  const media = Array.from({ length: fields.NumMedia }, (_, index) => ({
    url: params[`MediaUrl${index}`] ?? '',
    contentType: params[`MediaContentType${index}`] ?? '',
  }));
  const sms = inboundSmsSchema.safeParse({
    id: inboundMessageId('twilio', sid),
    provider: 'twilio',
    providerMessageId: sid,
    from: fields.From,
    to: fields.To,
    text: fields.Body,
    media,
    receivedAt,
  });
  if (!sms.success) fail('Twilio inbound message', sms.error);
  return sms.data;
}

/** Twilio's message statuses, in our forward-only order; the rest say nothing we track. */
const statuses: Record<string, OutboundStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

/** Common delivery error codes, in words an agent can act on. */
const errorWords: Record<string, string> = {
  '21610': 'the recipient replied STOP to this number',
  '30003': 'the phone is switched off or out of reach',
  '30004': 'the message was blocked',
  '30005': 'the number does not exist',
  '30006': 'the number is a landline or its carrier cannot take SMS',
  '30007': 'the carrier filtered the message',
  '30008': 'an unknown carrier error',
};

const statusFields = z.looseObject({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  From: z.string().min(1),
  To: z.string().min(1),
  ErrorCode: z.string().optional(),
});

export interface TwilioStatus {
  /** Names our message when the callback URL was ours; only Twilio's MessageSid otherwise. */
  report: DeliveryReport | ProviderReport;
  ourNumber: string;
  customer: string;
}

/**
 * A status callback: the conversation and message come from the callback URL we gave Twilio when
 * sending. A callback URL set on a Messaging Service carries neither (or only part): the report
 * then names Twilio's MessageSid alone, and the message is found by it. Returns undefined for
 * statuses we do not track (Twilio adds new ones).
 */
export function parseTwilioStatus(
  params: TwilioParams,
  query: URLSearchParams,
  reportedAt: string,
): TwilioStatus | undefined {
  const parsed = statusFields.safeParse(params);
  if (!parsed.success) fail('Twilio status callback', parsed.error);
  const conversationId = query.get('conversationId');
  const messageId = query.get('messageId');
  const ours = conversationId && messageId ? { conversationId, messageId } : {};
  const fields = parsed.data;
  const status = statuses[fields.MessageStatus];
  if (!status) return undefined;
  const code = fields.ErrorCode;
  const reason =
    status === 'failed'
      ? `Twilio ${fields.MessageStatus}${code ? ` (error ${code}: ${errorWords[code] ?? 'see Twilio error codes'})` : ''}`
      : null;
  return {
    report: {
      provider: 'twilio',
      providerMessageId: fields.MessageSid,
      ...ours,
      status,
      reason,
      recipientOptedOut: code === '21610',
      reportedAt,
    },
    ourNumber: fields.From,
    customer: fields.To,
  };
}

/** The empty TwiML answer: no automatic reply (an empty body has been seen to raise error 11200). */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
