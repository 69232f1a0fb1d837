import { z } from 'zod';
import { mediaSchema, validateReceivedText } from './message.js';
import {
  isParsedSenderForm,
  type PhoneNumber,
  parseInboundSender,
  parseSenderNumber,
  type SenderNumber,
} from './phone.js';

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

const parsedNumber = z.string().refine(isParsedSenderForm, 'must be an E.164 number or a short code');

/**
 * An inbound SMS as it comes off the inbound queue, which only the edges write, each after parsing
 * it with `inboundSmsSchema`: its numbers are taken in the form the edge wrote (E.164 or a short
 * code) without validating them against libphonenumber's metadata again (the costliest step of
 * reading it, paid once per message at the edge), and `fromValidated: false` carries the edge's
 * doubt about the sender. The text is checked again, which is cheap.
 */
export const queuedInboundSmsSchema = z
  .object({
    id: z.string().min(1),
    provider: z.string().min(1),
    providerMessageId: z.string().min(1),
    from: parsedNumber,
    fromValidated: z.literal(false).optional(),
    to: parsedNumber,
    text: z.string(),
    media: z.array(mediaSchema).max(10).default([]),
    receivedAt: z.iso.datetime({ offset: true }),
  })
  .transform(
    ({ fromValidated, from, to, ...sms }): InboundSms => ({
      ...sms,
      from: from as PhoneNumber,
      to: to as SenderNumber,
      ...(fromValidated === false ? { fromValidated } : {}),
      text: validateInboundText(sms.text, sms.media.length > 0),
    }),
  );

export function inboundMessageId(provider: string, providerMessageId: string): string {
  return `${provider}:${providerMessageId}`;
}
