import type { Conversation } from '../domain/conversation.js';

/** What became of a customer's message: stored in a conversation, a repeat, or dropped (and why). */
export type InboundOutcome =
  | { status: 'stored'; conversationId: string; messageId: string; state: Conversation['state'] }
  | { status: 'duplicate'; messageId: string }
  | { status: 'dropped'; messageId: string; reason: string };
