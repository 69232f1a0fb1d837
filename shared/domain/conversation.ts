import { hash } from 'node:crypto';
import { InvalidTransitionError } from '../errors.js';
import type { PhoneNumber, SenderNumber } from './phone.js';
import type { WrapUp } from './wrap-up.js';

/** The states Dynamics 365 users know, plus `waiting` (set aside by the agent). */
export const conversationStates = ['open', 'active', 'waiting', 'wrap-up', 'closed'] as const;
export type ConversationState = (typeof conversationStates)[number];
/** Every state but closed: the work under way. */
export type UnclosedState = Exclude<ConversationState, 'closed'>;
export const unclosedStates: UnclosedState[] = ['open', 'active', 'waiting', 'wrap-up'];
/**
 * The states in which a customer's message takes the next place in one write. Waiting is not
 * one (the message brings the conversation back to its queue, a transition), nor is closed.
 * Every store builds its condition from this list.
 */
export const statesTakingMessages: readonly ConversationState[] = ['open', 'active', 'wrap-up'];

/** `'a', 'b'`: a list of states for a SQL or Cosmos DB `IN (...)`; the names are fixed literals. */
export const statesInList = (states: readonly ConversationState[]): string =>
  states.map((state) => `'${state}'`).join(', ');

export type Actor =
  | { kind: 'customer' }
  | { kind: 'agent'; agentId: string }
  /** A supervisor or admin moving work on (a reassignment), by their sign-in's user id. */
  | { kind: 'supervisor'; userId: string }
  | { kind: 'system' };

export interface Transition {
  from: ConversationState | null;
  to: ConversationState;
  at: string;
  by: string;
  reason: string;
}

/**
 * The survey of a conversation: when it went out and, once the customer replied within the
 * channel's window, their answer: a 1 to 5 score when the reply starts with one, and the reply
 * itself by id. The reply's text is not copied here: it stays in the transcript, so the channel's
 * retention and an erasure remove it with the other messages, and the score outlives both.
 */
export interface SurveyRecord {
  sentAt: string;
  answeredAt?: string;
  score?: number;
  /** Only on conversations answered before the text stopped being copied here (see above). */
  text?: string;
  /** The reply that answered it (kept in the conversation's messages). */
  messageId?: string;
}

export interface Conversation {
  id: string;
  channelId: string;
  channelNumber: SenderNumber;
  customer: PhoneNumber;
  queueId: string;
  /** Skills an agent needs to be given it (from the routing rule that chose the queue). */
  requiredSkills?: string[];
  /** The last place in the queue the customer was told. */
  toldPosition?: number;
  /** A short reference the customer can quote (automated messages carry it). */
  caseNumber?: string;
  /** The customer's name, from their contact record, when there is one. */
  customerName?: string;
  /** The customer's language: their contact's, else the channel's. Automated messages use it. */
  language?: string;
  state: ConversationState;
  /** The agent who has it, or last had it while `waiting`/`closed`. */
  agentId: string | null;
  createdAt: string;
  lastActivityAt: string;
  /** Highest message sequence number handed out. */
  lastSeq: number;
  closedAt: string | null;
  history: Transition[];
  /** The satisfaction survey, once sent: when, and the customer's answer when they gave one. */
  survey?: SurveyRecord;
  /**
   * When the customer's message that opened it was accepted at the webhook: accept-to-assigned is
   * measured from it (sms.accept_to_assigned).
   */
  acceptedAt?: string;
  /** When an agent first replied (the end of the customer's wait, for the figures). */
  firstAgentReplyAt?: string;
  /** Per agent, the sequence number they have read up to (their unread count starts after it). */
  readUpTo?: Record<string, number>;
  /**
   * The W3C trace context of the customer's message that opened it, when tracing was on: agents'
   * replies are sent in that trace, so a customer's message and its answer are one transaction.
   */
  traceContext?: { traceparent: string; tracestate?: string };
  /** The wrap-up code and note the agent gave on ending it. */
  wrapUp?: WrapUp;
  /** When the customer was erased: the number, name and texts are gone, the figures stay. */
  erasedAt?: string;
}

export type ConversationEvent =
  | { type: 'assign'; agentId: string }
  | { type: 'set-aside' }
  | { type: 'customer-returned'; agentAvailable: boolean }
  | { type: 'end' }
  | { type: 'close'; reason: string }
  | { type: 'transfer-to-queue'; queueId: string }
  | { type: 'transfer-to-agent'; agentId: string };

/** A case number a person can read out: C and eight characters from the conversation id's hash. */
export function caseNumberOf(conversationId: string): string {
  return `C${hash('sha256', conversationId).slice(0, 8).toUpperCase()}`;
}

export function actorName(actor: Actor): string {
  if (actor.kind === 'agent') return `agent:${actor.agentId}`;
  if (actor.kind === 'supervisor') return `supervisor:${actor.userId}`;
  return actor.kind;
}

export function openConversation(input: {
  id: string;
  channelId: string;
  channelNumber: SenderNumber;
  customer: PhoneNumber;
  queueId: string;
  requiredSkills?: string[];
  customerName?: string;
  language?: string;
  at: string;
}): Conversation {
  const { at, ...identity } = input;
  return {
    ...identity,
    caseNumber: caseNumberOf(input.id),
    state: 'open',
    agentId: null,
    createdAt: at,
    lastActivityAt: at,
    lastSeq: 0,
    closedAt: null,
    history: [{ from: null, to: 'open', at, by: 'customer', reason: 'first message' }],
  };
}

function refuse(conversation: Conversation, event: ConversationEvent): never {
  throw new InvalidTransitionError(
    `conversation ${conversation.id} is ${conversation.state}; cannot ${event.type.replace(/-/g, ' ')}`,
  );
}

/**
 * The conversation state machine, as a pure function: the same input always gives the same output
 * and nothing is written. Every transition appends who, when and why to the history.
 */
export function transition(
  conversation: Conversation,
  event: ConversationEvent,
  actor: Actor,
  at: string,
): Conversation {
  const to = (
    state: ConversationState,
    reason: string,
    changes: Partial<Conversation> = {},
  ): Conversation => ({
    ...conversation,
    ...changes,
    state,
    history: [
      ...conversation.history,
      { from: conversation.state, to: state, at, by: actorName(actor), reason },
    ],
  });
  const { state } = conversation;

  switch (event.type) {
    case 'assign':
      if (state !== 'open') refuse(conversation, event);
      return to('active', 'assigned', { agentId: event.agentId });
    case 'set-aside':
      if (state !== 'active') refuse(conversation, event);
      return to('waiting', 'set aside by agent');
    case 'customer-returned':
      if (state !== 'waiting') refuse(conversation, event);
      return event.agentAvailable
        ? to('active', 'customer replied')
        : to('open', 'customer replied; agent unavailable', { agentId: null, toldPosition: undefined });
    case 'end':
      if (state !== 'active' && state !== 'waiting') refuse(conversation, event);
      return to('wrap-up', 'ended by agent');
    case 'close':
      if (state === 'closed') refuse(conversation, event);
      return to('closed', event.reason, { closedAt: at });
    case 'transfer-to-queue':
      if (state !== 'open' && state !== 'active' && state !== 'waiting') refuse(conversation, event);
      return to('open', `transferred to queue ${event.queueId}`, {
        queueId: event.queueId,
        agentId: null,
        toldPosition: undefined,
      });
    case 'transfer-to-agent':
      if (state !== 'open' && state !== 'active' && state !== 'waiting') refuse(conversation, event);
      return to('active', `transferred to agent ${event.agentId}`, { agentId: event.agentId });
  }
}

/** Whether the agent still holds capacity for this conversation (waiting frees it). */
export function holdsCapacity(state: ConversationState): boolean {
  return state === 'active' || state === 'wrap-up';
}
