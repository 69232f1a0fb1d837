import { z } from 'zod';
import { mediaSchema, validateReceivedText } from './message.js';
import { parseInboundSender, parseSenderNumber } from './phone.js';

/**
 * One inbound SMS as every provider's edge hands it to the core. Provider field names stop at the
 * edge; this is what travels on the inbound queue.
 */
export const inboundSmsSchema = z
  .object({
    /** provider + provider message id: the same text redelivered has the same id. */
    id: z.string().min(1),
    provider: z.string().min(1),
    providerMessageId: z.string().min(1),
    /** A number libphonenumber doubts (or a short code) is kept, marked `fromValidated: false`. */
    from: z.string().transform((value) => parseInboundSender(value, 'from')),
    to: z.string().transform((value) => parseSenderNumber(value, 'to')),
    text: z.string(),
    /** MMS attachments, as the provider hosts them. */
    media: z.array(mediaSchema).max(10).default([]),
    receivedAt: z.iso.datetime({ offset: true }),
  })
  .transform(({ from, ...sms }) => ({
    ...sms,
    from: from.number,
    ...(from.validated ? {} : { fromValidated: false as const }),
    text: validateInboundText(sms.text, sms.media.length > 0),
  }));

/** A picture may come without words; otherwise the text rules apply. */
export function validateInboundText(text: string, hasMedia: boolean): string {
  return hasMedia && text.trim() === '' ? text : validateReceivedText(text);
}
export type InboundSms = z.output<typeof inboundSmsSchema>;

export function inboundMessageId(provider: string, providerMessageId: string): string {
  return `${provider}:${providerMessageId}`;
}
