import { createHmac } from 'node:crypto';
import type { Conversation } from './conversation.js';
import type { PhoneNumber } from './phone.js';

/**
 * What outlives an erased customer: the channels they had opted out of, found by a keyed hash of
 * their number (HMAC-SHA256 with the deployment's erasure key), so erasing them never lets a message
 * reach them again while the number itself is gone. Without the key the hash cannot be reversed by
 * trying every number (docs/decisions.md).
 */
export interface ErasedOptOut {
  /** optOutKey(secret, number): 64 hex digits. */
  key: string;
  channelIds: string[];
  erasedAt: string;
}

/** The shortest erasure key accepted: 32 characters. */
export const MIN_ERASURE_KEY_LENGTH = 32;

export function optOutKey(secret: string, number: PhoneNumber): string {
  return createHmac('sha256', secret).update(number).digest('hex');
}

/** What an anonymised conversation names as its customer, in place of their number. */
export const ERASED_CUSTOMER = 'erased' as PhoneNumber;

/**
 * A conversation with the customer taken out: no number, no name, no survey text, no wrap-up
 * note. Its times, transitions, queue, agent, survey score and wrap-up code stay, so the
 * supervisor's figures stay what they were.
 */
export function anonymisedConversation(conversation: Conversation, at: string): Conversation {
  const { customerName: _name, survey, wrapUp, traceContext: _trace, ...rest } = conversation;
  const kept: Conversation = { ...rest, customer: ERASED_CUSTOMER, erasedAt: at };
  if (survey) {
    const { text: _text, ...score } = survey;
    kept.survey = score;
  }
  // The agent's note may say anything about the customer; the code is what the figures count.
  if (wrapUp) {
    const { note: _note, ...code } = wrapUp;
    kept.wrapUp = code;
  }
  return kept;
}
