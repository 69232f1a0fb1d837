import type { AuthorKind, ConversationSummary, Message } from '../types.js';

/** Who wrote a message, as the thread tells them apart (the store says `system` for automated). */
export function authorOf(message: Pick<Message, 'author' | 'direction'>): AuthorKind {
  const kind = message.author?.kind;
  if (kind === 'customer' || kind === 'agent') return kind;
  if (kind === 'system' || kind === 'automated') return 'automated';
  return message.direction === 'inbound' ? 'customer' : 'automated';
}

/** The name a thread shows for a message's author: the agent's name when the directory has it. */
export function authorName(
  message: Pick<Message, 'author' | 'direction'>,
  agents: readonly { id: string; name: string }[],
): string {
  const author = authorOf(message);
  if (author === 'customer') return 'Customer';
  if (author === 'automated') return 'Automated';
  const agentId = message.author?.agentId;
  return agents.find((agent) => agent.id === agentId)?.name ?? agentId ?? 'Agent';
}

export function statusText(message: Pick<Message, 'direction' | 'status' | 'failureReason'>): string {
  if (message.direction === 'inbound') return '';
  switch (message.status) {
    case 'queued':
      return 'Queued';
    case 'sent':
      return 'Sent';
    case 'delivered':
      return 'Delivered';
    case 'failed':
      return message.failureReason ? `Failed: ${message.failureReason}` : 'Failed';
    default:
      return '';
  }
}

/** Messages in conversation order (the server's sequence, then time). */
export function inOrder(messages: Message[]): Message[] {
  return [...messages].sort((a, b) => a.seq - b.seq || a.createdAt.localeCompare(b.createdAt));
}

/**
 * What is new for the agent since the last read of their list: conversations they did not have,
 * and customer messages that raised an unread count. Drives the visible and audible cue.
 */
export function arrivals(
  before: ConversationSummary[] | null,
  after: ConversationSummary[],
): { newConversations: string[]; newMessages: string[] } {
  if (before === null) return { newConversations: [], newMessages: [] };
  const known = new Map(before.map((summary) => [summary.id, summary]));
  const newConversations: string[] = [];
  const newMessages: string[] = [];
  for (const summary of after) {
    const earlier = known.get(summary.id);
    if (!earlier) newConversations.push(summary.id);
    else if (summary.unread > earlier.unread) newMessages.push(summary.id);
  }
  return { newConversations, newMessages };
}
