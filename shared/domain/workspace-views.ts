import type { Agent, Presence } from './agent.js';
import type { Conversation, ConversationState } from './conversation.js';
import type { Message } from './message.js';

/** An agent as the workspace shows them: load is what counts against their capacity. */
export interface AgentView {
  id: string;
  name: string;
  presence: Presence;
  capacity: number;
  load: number;
  queueIds: string[];
  skills: string[];
}

export function agentView(agent: Agent): AgentView {
  return {
    id: agent.id,
    name: agent.name,
    presence: agent.presence,
    capacity: agent.capacity,
    load: agent.assignments.length,
    queueIds: agent.queueIds,
    skills: agent.skills ?? [],
  };
}

/** Who wrote a message, as an agent tells them apart: automated messages are the system's. */
export type AuthorKind = 'customer' | 'agent' | 'automated';

export function authorKind(message: Message): AuthorKind {
  return message.author.kind === 'system' ? 'automated' : message.author.kind;
}

/** One line of a conversation list: enough to choose which to open, without reading it. */
export interface ConversationSummary {
  id: string;
  caseNumber?: string;
  channelId: string;
  customer: string;
  customerName?: string;
  state: ConversationState;
  queueId: string;
  agentId: string | null;
  createdAt: string;
  lastActivityAt: string;
  /** While open: since when it has waited in its queue (the last time it became open). */
  waitingSince?: string;
  /** The last time an agent was given it (handle time runs from here). */
  assignedAt?: string;
  firstAgentReplyAt?: string;
  lastMessage?: { text: string; direction: Message['direction']; author: AuthorKind; at: string };
  /** Customer messages after the reader's (or, for a supervisor, the holding agent's) last read. */
  unread: number;
}

function lastTransitionTo(conversation: Conversation, state: ConversationState): string | undefined {
  return conversation.history.findLast((t) => t.to === state)?.at;
}

/**
 * A conversation as a list shows it. `reader` is the agent whose unread count it is (the signed-in
 * agent, or the agent holding it); messages are the conversation's, in order.
 */
export function summarize(
  conversation: Conversation,
  messages: Message[],
  reader: string | null,
): ConversationSummary {
  const readUpTo = (reader !== null ? conversation.readUpTo?.[reader] : undefined) ?? 0;
  const last = messages.at(-1);
  const waitingSince = conversation.state === 'open' ? lastTransitionTo(conversation, 'open') : undefined;
  const assignedAt = conversation.agentId !== null ? lastTransitionTo(conversation, 'active') : undefined;
  return {
    id: conversation.id,
    ...(conversation.caseNumber ? { caseNumber: conversation.caseNumber } : {}),
    channelId: conversation.channelId,
    customer: conversation.customer,
    ...(conversation.customerName ? { customerName: conversation.customerName } : {}),
    state: conversation.state,
    queueId: conversation.queueId,
    agentId: conversation.agentId,
    createdAt: conversation.createdAt,
    lastActivityAt: conversation.lastActivityAt,
    ...(waitingSince ? { waitingSince } : {}),
    ...(assignedAt ? { assignedAt } : {}),
    ...(conversation.firstAgentReplyAt ? { firstAgentReplyAt: conversation.firstAgentReplyAt } : {}),
    ...(last
      ? {
          lastMessage: {
            text: last.text,
            direction: last.direction,
            author: authorKind(last),
            at: last.createdAt,
          },
        }
      : {}),
    unread: messages.filter((m) => m.direction === 'inbound' && m.seq > readUpTo).length,
  };
}

/** When the queue's oldest open conversation started waiting (the longest wait). */
export function waitingSinceOf(conversation: Conversation): string {
  return lastTransitionTo(conversation, 'open') ?? conversation.createdAt;
}
