import { type Conversation, unclosedStates } from '../domain/conversation.js';
import { foldName } from '../domain/name-fold.js';
import { ValidationError } from '../errors.js';
import type { ConversationCursor, ConversationQuery, ConversationSearch } from '../ports.js';

/**
 * The rules every store applies to the conversation reads of the port, written once: which
 * conversations a read matches, and the order pages follow. The Cosmos DB store also uses them to
 * re-check an index entry against its conversation (the conversation being the truth).
 */

/** Whether a conversation is work under way that a read of the work (findConversations) matches. */
export function matchesWork(conversation: Conversation, query: ConversationQuery): boolean {
  const states: readonly string[] = query.states ?? unclosedStates;
  return (
    conversation.state !== 'closed' &&
    states.includes(conversation.state) &&
    (query.channelId === undefined || conversation.channelId === query.channelId) &&
    (query.queueId === undefined || conversation.queueId === query.queueId) &&
    (query.agentId === undefined || conversation.agentId === query.agentId) &&
    (query.idleBefore === undefined || conversation.lastActivityAt < query.idleBefore) &&
    (query.after === undefined || compareByCreation(conversation, query.after) > 0)
  );
}

/** Whether a conversation matches a search a person started. */
export function matchesSearch(conversation: Conversation, search: ConversationSearch): boolean {
  const visible = search.visibleTo;
  const prefix = search.customerNamePrefix;
  return (
    (search.customer === undefined || conversation.customer === search.customer) &&
    (search.caseNumber === undefined || conversation.caseNumber === search.caseNumber) &&
    (prefix === undefined ||
      (conversation.customerName !== undefined && foldName(conversation.customerName).startsWith(prefix))) &&
    (visible === undefined ||
      visible.queueIds.includes(conversation.queueId) ||
      conversation.agentId === visible.agentId) &&
    (search.states === undefined || search.states.includes(conversation.state)) &&
    (search.channelId === undefined || conversation.channelId === search.channelId) &&
    (search.queueId === undefined || conversation.queueId === search.queueId) &&
    (search.agentId === undefined || conversation.agentId === search.agentId) &&
    (search.createdFrom === undefined || conversation.createdAt >= search.createdFrom) &&
    (search.createdBefore === undefined || conversation.createdAt < search.createdBefore)
  );
}

/** Oldest first: by creation, then id (two conversations may open in the same millisecond). */
export function compareByCreation(a: ConversationCursor, b: ConversationCursor): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

export const cursorOf = (conversation: Conversation): ConversationCursor => ({
  createdAt: conversation.createdAt,
  id: conversation.id,
});

/** An embedded store's continuation: where the last page ended, opaque to the caller. */
export function encodeContinuation(cursor: ConversationCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeContinuation(continuation: string): ConversationCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(continuation, 'base64url').toString()) as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string') return { createdAt, id };
  } catch {
    // Falls through to the error below: the caller sent something no page of ours ends with.
  }
  throw new ValidationError('the continuation is not one this store handed out', [
    { path: 'continuation', message: 'not a continuation of this search' },
  ]);
}
