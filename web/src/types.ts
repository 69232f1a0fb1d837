import type { QueueWrapUpView } from './logic/wrap-up.js';

/** The shapes of the public HTTP API the pages read (see WORKSPACE-CONTRACT / README). */
export type Presence = 'available' | 'busy' | 'away' | 'offline';
export const presences: Presence[] = ['available', 'busy', 'away', 'offline'];

export type ConversationState = 'open' | 'active' | 'waiting' | 'wrap-up' | 'closed';

export interface AgentView {
  id: string;
  name: string;
  presence: Presence;
  capacity: number;
  load: number;
  queueIds: string[];
  skills: string[];
}

export interface Me {
  user: string;
  roles: string[];
  agent?: AgentView;
  devSignIn: boolean;
  embedded: boolean;
}

export interface Person {
  user: string;
  name: string;
  roles: string[];
}

export interface QueueView {
  id: string;
  name: string;
  distribution: 'push' | 'pick';
  waiting: number;
  longestWaitSeconds: number;
  serviceLevelSeconds?: number;
  /** The codes the End dialog offers, and whether one is needed to end. */
  wrapUp?: QueueWrapUpView;
}

/** A channel an agent may text a customer first on (`GET channels`). */
export interface StartChannel {
  id: string;
  name: string;
  numbers: string[];
  queueId: string;
  onlyWhenOpen: boolean;
  openNow: boolean;
}

export type AuthorKind = 'customer' | 'agent' | 'automated';

export interface ConversationSummary {
  id: string;
  caseNumber?: string;
  channelId: string;
  customer: string;
  customerName?: string;
  state: ConversationState;
  queueId?: string;
  agentId?: string | null;
  createdAt: string;
  lastActivityAt: string;
  waitingSince?: string;
  /** The last time an agent was given it: handle time runs from here. */
  assignedAt?: string;
  firstAgentReplyAt?: string;
  lastMessage?: { text: string; direction: 'inbound' | 'outbound'; author: AuthorKind; at: string };
  unread: number;
}

export interface Media {
  url: string;
  contentType: string;
  /** Bytes, when the sender declared it. */
  size?: number;
}

export interface Message {
  id: string;
  seq: number;
  direction: 'inbound' | 'outbound';
  /** Stored as customer / agent / system; the contract also allows `automated`. */
  author: { kind: 'customer' | 'agent' | 'system' | 'automated'; agentId?: string };
  text: string;
  media?: Media[];
  createdAt: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed' | 'received';
  failureReason: string | null;
  purpose?: string;
}

export interface Conversation {
  id: string;
  channelId: string;
  channelNumber: string;
  customer: string;
  customerName?: string;
  caseNumber?: string;
  queueId: string;
  state: ConversationState;
  agentId: string | null;
  createdAt: string;
  lastActivityAt: string;
  closedAt: string | null;
  /** What the agent gave on ending it. */
  wrapUp?: { code?: string; label?: string; note?: string; at: string; by: string };
}

/** One of a customer's conversations with its transcript (`GET customers/{number}/conversations`). */
export interface HistoryEntry {
  conversation: Conversation;
  messages: Message[];
}

export interface HistoryPage {
  conversations: HistoryEntry[];
  /** Pass back as `before` for the next (older) page; absent on the last. */
  next?: string;
}

export interface CustomerPanel {
  number: string;
  name?: string;
  language?: string;
  optedOut: boolean;
  consentChangedAt?: string;
  consentChangedVia?: string;
  crm?: { id: string; url?: string };
}

export interface ConversationDetail {
  conversation: Conversation;
  messages: Message[];
  customer?: CustomerPanel;
  /** Whether the channel's provider sends media (MMS); older answers leave it out. */
  channel?: { id: string; name: string; sendsMedia: boolean };
  history?: {
    id: string;
    caseNumber?: string;
    state: ConversationState;
    createdAt: string;
    closedAt?: string;
  }[];
}

export interface Figures {
  received: number;
  answered: number;
  autoClosedUnanswered: number;
  averageWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  averageHandleSeconds: number | null;
  serviceLevel: { targetSeconds: number; share: number | null };
}

export interface FiguresAnswer {
  date: string;
  queues: (Figures & { queueId: string })[];
  channels: (Figures & { channelId: string })[];
}

export interface OutboxEntry {
  providerMessageId: string;
  from: string;
  to: string;
  text: string;
  sentAt: string;
}

export type LiveHint = {
  type:
    | 'conversation.changed'
    | 'message.added'
    | 'message.status'
    | 'agent.changed'
    | 'queue.changed'
    | 'outbox.changed';
  conversationId?: string;
  agentId?: string;
  queueId?: string;
  at: string;
};
