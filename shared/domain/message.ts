import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { fieldProblem } from './fields.js';
import type { PhoneNumber, SenderNumber } from './phone.js';
import { countSegments, MAX_MESSAGE_LENGTH, type SegmentCount } from './segments.js';

export type MessageDirection = 'inbound' | 'outbound';

/** Outbound status only moves forward along this order; `failed` is final. */
export const outboundStatuses = ['queued', 'sent', 'delivered', 'failed'] as const;
export type OutboundStatus = (typeof outboundStatuses)[number];

export const mediaSchema = z.object({
  url: z.url(),
  contentType: z.string().min(1),
  /** Bytes, when known (an agent's attachment may declare it; Twilio's inbound webhook does not). */
  size: z.number().int().positive().optional(),
});
export type Media = z.output<typeof mediaSchema>;

/** Why the system sent a message; only an opt-out confirmation may reach an opted-out number. */
export type MessagePurpose = 'opt-out-confirmation' | 'keyword-reply' | 'automated' | 'notification';

export type Author = { kind: 'customer' } | { kind: 'agent'; agentId: string } | { kind: 'system' };

export interface Message {
  id: string;
  conversationId: string;
  /** Position in the conversation; messages are listed by it (gaps are allowed, order is not). */
  seq: number;
  direction: MessageDirection;
  author: Author;
  from: SenderNumber | PhoneNumber;
  to: SenderNumber | PhoneNumber;
  text: string;
  /** MMS attachments: a customer's (inbound) or an agent's (outbound, Twilio only); absent when none. */
  media?: Media[];
  segments: SegmentCount;
  createdAt: string;
  provider: string;
  /** The provider's id for this message (inbound: as received; outbound: once sent). */
  providerMessageId: string | null;
  status: OutboundStatus | 'received';
  /** Why a message failed, in words the agent can act on. */
  failureReason: string | null;
  /** Set while a send to a provider without idempotency keys is in flight (outbound only). */
  sendStartedAt?: string | null;
  /** When the first send attempt started (outbound only); repeats of the send carry it. */
  firstAttemptAt?: string | null;
  purpose?: MessagePurpose;
  /** Inbound: the provider's sender number was taken as given; libphonenumber did not vouch for it. */
  fromValidated?: false;
}

/**
 * Checks a text we send (an agent's reply, a notification, an automated message) against the
 * channel limit, and that it shows something: a text of only blanks, zero-width or control
 * characters reaches the customer as an empty message. Returns it unchanged when valid.
 */
export function validateMessageText(text: string, field = 'text'): string {
  validateReceivedText(text, field);
  const problem = fieldProblem(text, 'text', MAX_MESSAGE_LENGTH);
  if (problem) throw new ValidationError(`${field} ${problem}`, [{ path: field, message: problem }]);
  return text;
}

/**
 * Checks a customer's text as received: not empty, within the limit. Nothing more is asked of a
 * customer: refusing what their phone sent would make the provider retry a message nobody can fix.
 */
export function validateReceivedText(text: string, field = 'text'): string {
  if (text.trim().length === 0) {
    throw new ValidationError(`${field} must not be empty`, [{ path: field, message: 'empty' }]);
  }
  const length = Array.from(text).length;
  if (length > MAX_MESSAGE_LENGTH) {
    throw new ValidationError(`${field} has ${length} characters; the limit is ${MAX_MESSAGE_LENGTH}`, [
      { path: field, message: `longer than ${MAX_MESSAGE_LENGTH} characters` },
    ]);
  }
  return text;
}

export function messageSegments(text: string): SegmentCount {
  return countSegments(text);
}

const statusRank: Record<Message['status'], number> = {
  received: 0,
  queued: 0,
  sent: 1,
  delivered: 2,
  failed: 2,
};

/**
 * Moves an outbound message's status forward only. Providers report out of order (a `sent` after
 * `delivered` is common), and a late report must never undo a later truth.
 */
export function advanceStatus(
  message: Message,
  status: OutboundStatus,
  failureReason: string | null = null,
): Message {
  if (statusRank[status] <= statusRank[message.status]) return message;
  return { ...message, status, failureReason: status === 'failed' ? failureReason : message.failureReason };
}
