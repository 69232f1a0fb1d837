import { z } from 'zod';
import type { DeliveryReport } from '../../domain/delivery-report.js';
import { type InboundSms, inboundMessageId, inboundSmsSchema } from '../../domain/inbound-sms.js';
import type { OutboundStatus } from '../../domain/message.js';
import { issuesFrom, ValidationError } from '../../errors.js';

/** TeleSign writes numbers as digits with the country code: E.164 without its `+`. */
export function teleSignToE164(digits: string): string {
  const trimmed = digits.trim().replace(/^\+/, '');
  return /^\d{7,15}$/.test(trimmed) ? `+${trimmed}` : trimmed;
}

const instant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'not a timestamp')
  .transform((value) => new Date(value).toISOString());

const callbackSchema = z.looseObject({
  reference_id: z.string().min(1),
  sub_resource: z.string().min(1),
  status: z.looseObject({
    code: z.coerce.number().int(),
    description: z.string().default(''),
    updated_on: instant.optional(),
  }),
  user_response: z
    .looseObject({ phone_number: z.string().min(1), sender_id: z.string().min(1), mo_message: z.string() })
    .optional(),
});

export type TeleSignCallback =
  | { kind: 'sms'; sms: InboundSms }
  | { kind: 'report'; report: DeliveryReport }
  | { kind: 'ignored'; why: string };

/**
 * Delivery codes: 200 delivered, 203 at the gateway, 290 in progress; the other 2xx codes (207
 * error, 210 temporary failure, 211 permanent, 221 expired, 230 blocked, ...) are failures.
 */
function statusFor(code: number): OutboundStatus | undefined {
  if (code === 200) return 'delivered';
  if (code === 203 || code === 290) return 'sent';
  if (code >= 207 && code < 300) return 'failed';
  return undefined;
}

function invalid(error: z.ZodError): never {
  throw new ValidationError('TeleSign callback is invalid', issuesFrom(error.issues));
}

/**
 * One TeleSign callback, parsed once: an inbound message (`mo_sms`) or a delivery report (`sms`),
 * whose conversation and message come from the callback URL we gave when sending.
 */
export function parseTeleSignCallback(body: unknown, query: URLSearchParams, now: string): TeleSignCallback {
  const parsed = callbackSchema.safeParse(body);
  if (!parsed.success) invalid(parsed.error);
  const callback = parsed.data;
  if (callback.sub_resource === 'mo_sms') {
    const mo = callback.user_response;
    if (!mo) throw new ValidationError('TeleSign mo_sms callback has no user_response');
    const sms = inboundSmsSchema.safeParse({
      id: inboundMessageId('telesign', callback.reference_id),
      provider: 'telesign',
      providerMessageId: callback.reference_id,
      from: teleSignToE164(mo.phone_number),
      to: teleSignToE164(mo.sender_id),
      text: mo.mo_message,
      media: [],
      receivedAt: callback.status.updated_on ?? now,
    });
    if (!sms.success) invalid(sms.error);
    return { kind: 'sms', sms: sms.data };
  }
  if (callback.sub_resource !== 'sms')
    return { kind: 'ignored', why: `sub_resource ${callback.sub_resource}` };
  const conversationId = query.get('conversationId');
  const messageId = query.get('messageId');
  if (!conversationId || !messageId) return { kind: 'ignored', why: 'not a message this app sent' };
  const status = statusFor(callback.status.code);
  if (!status) return { kind: 'ignored', why: `status ${callback.status.code}` };
  return {
    kind: 'report',
    report: {
      provider: 'telesign',
      providerMessageId: callback.reference_id,
      conversationId,
      messageId,
      status,
      reason: status === 'failed' ? `TeleSign ${callback.status.code}: ${callback.status.description}` : null,
      recipientOptedOut: false,
      reportedAt: callback.status.updated_on ?? now,
    },
  };
}
