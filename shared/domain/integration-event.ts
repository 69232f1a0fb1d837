import { hash } from 'node:crypto';
import { type Conversation, type ConversationState, caseNumberOf, type Transition } from './conversation.js';
import type { CustomerState } from './customer.js';
import { maskPhone } from './mask.js';
import type { Message } from './message.js';
import type { WrapUp } from './wrap-up.js';

/**
 * Integration events: the changes other systems (flows, CRMs, reports) react to. Each is derived
 * from the change itself by the functions below, which the store calls inside the write that makes
 * the change (the outbox): nobody has to remember to record one, and none exists without its change.
 */
export const eventTypes = [
  'conversation.opened',
  'conversation.queued',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.set-aside',
  'conversation.resumed',
  'conversation.ended',
  'conversation.closed',
  'message.received',
  'message.sent',
  'message.delivered',
  'message.failed',
  'consent.changed',
  'survey.answered',
] as const;
export type EventType = (typeof eventTypes)[number];

/** The CloudEvents `type` of each event: the product's reverse-DNS prefix and the event's name. */
export const EVENT_TYPE_PREFIX = 'com.omnichannel-sms.';
export const cloudEventType = (type: EventType) => `${EVENT_TYPE_PREFIX}${type}`;

/** Why a conversation closed, as a flow branches on it. */
/** The reason a conversation under way is closed with when its customer is erased. */
export const ERASURE_CLOSE_REASON = 'customer erased';

export type CloseReason = 'agent' | 'auto-close' | 'stop' | 'erased';

/**
 * What an event says. Ids, times, channel, queue, agent and case number; the customer's number only
 * masked; never a message's text (a webhook subscriber that asks for it gets it added when it is
 * delivered, read from the message then, so the outbox itself holds no personal data).
 */
export interface EventData {
  conversationId?: string;
  caseNumber?: string;
  channelId?: string;
  channelNumber?: string;
  /** Masked (+4*******67). */
  customer?: string;
  queueId?: string;
  agentId?: string | null;
  state?: ConversationState;
  /** Who made the change: customer, system or agent:<id>. */
  by?: string;
  /** The transition's reason in words. */
  reason?: string;
  closeReason?: CloseReason;
  messageId?: string;
  direction?: Message['direction'];
  status?: Message['status'];
  failureReason?: string | null;
  purpose?: string;
  optedOut?: boolean;
  score?: number | null;
  /** conversation.ended: the wrap-up code the agent chose (one of the queue's list) and its label. */
  wrapUpCode?: string;
  wrapUpLabel?: string;
  /** conversation.ended: the agent's wrap-up note (the agent's words, never the customer's). */
  wrapUpNote?: string;
  /** How many files a message carries (MMS), when it carries any. */
  mediaCount?: number;
  /**
   * An agent's attachments (outbound MMS): the center's own files. A customer's are counted, not
   * linked, as their text is never carried.
   */
  media?: { url: string; contentType: string }[];
}

/** An event as the outbox holds it; the publisher wraps it in a CloudEvents envelope. */
export interface IntegrationEvent {
  /** Stable: the same change always gives the same id, and a retried publish carries it again. */
  id: string;
  type: EventType;
  time: string;
  /** What it is about, as a path: conversations/<id>, conversations/<id>/messages/<id>. */
  subject: string;
  data: EventData;
}

function closeReasonOf(step: Transition): CloseReason {
  // A person closed it: the agent, or a supervisor acting for one.
  if (step.by.startsWith('agent:') || step.by.startsWith('supervisor:')) return 'agent';
  // A customer closes a conversation only by opting out.
  if (step.by === 'customer') return 'stop';
  if (step.reason === ERASURE_CLOSE_REASON) return 'erased';
  return 'auto-close';
}

function typesOf(step: Transition): EventType[] {
  if (step.from === null) return step.to === 'open' ? ['conversation.opened', 'conversation.queued'] : [];
  if (step.reason.startsWith('transferred to')) {
    return step.to === 'open'
      ? ['conversation.transferred', 'conversation.queued']
      : ['conversation.transferred'];
  }
  switch (step.to) {
    case 'active':
      return step.from === 'open' ? ['conversation.assigned'] : ['conversation.resumed'];
    case 'open':
      return ['conversation.queued'];
    case 'waiting':
      return ['conversation.set-aside'];
    case 'wrap-up':
      return ['conversation.ended'];
    case 'closed':
      return ['conversation.closed'];
  }
}

function conversationData(conversation: Conversation): EventData {
  return {
    conversationId: conversation.id,
    caseNumber: conversation.caseNumber ?? caseNumberOf(conversation.id),
    channelId: conversation.channelId,
    channelNumber: conversation.channelNumber,
    customer: maskPhone(conversation.customer),
    queueId: conversation.queueId,
    agentId: conversation.agentId,
  };
}

/**
 * The events of a conversation's change: one per step its history gained (a step's place in the
 * history makes its id), plus the survey's answer when it arrived with this change.
 */
export function conversationEvents(
  before: Conversation | undefined,
  after: Conversation,
): IntegrationEvent[] {
  const known = before?.history.length ?? 0;
  const base = conversationData(after);
  const subject = `conversations/${after.id}`;
  const events: IntegrationEvent[] = [];
  after.history.forEach((step, index) => {
    if (index < known) return;
    for (const type of typesOf(step)) {
      const data: EventData = { ...base, state: step.to, by: step.by, reason: step.reason };
      if (type === 'conversation.closed') data.closeReason = closeReasonOf(step);
      if (type === 'conversation.queued') data.agentId = null;
      if (type === 'conversation.ended' && after.wrapUp) Object.assign(data, wrapUpData(after.wrapUp));
      events.push({ id: `${after.id}:${index}:${type}`, type, time: step.at, subject, data });
    }
  });
  const answer = surveyAnswerOf(after);
  if (answer && !surveyAnswerOf(before)) {
    events.push({
      id: `${after.id}:survey.answered`,
      type: 'survey.answered',
      time: answer.at,
      subject,
      data: {
        ...base,
        state: after.state,
        score: answer.score,
        ...(answer.messageId ? { messageId: answer.messageId } : {}),
      },
    });
  }
  return events;
}

function wrapUpData(wrapUp: WrapUp): EventData {
  return {
    ...(wrapUp.code === undefined ? {} : { wrapUpCode: wrapUp.code }),
    ...(wrapUp.label === undefined ? {} : { wrapUpLabel: wrapUp.label }),
    ...(wrapUp.note === undefined ? {} : { wrapUpNote: wrapUp.note }),
  };
}

/** The survey's answer, once the customer gave one (its text stays with the conversation). */
function surveyAnswerOf(
  conversation: Conversation | undefined,
): { at: string; score: number | null; messageId?: string } | undefined {
  const survey = conversation?.survey;
  if (!survey?.answeredAt) return undefined;
  return {
    at: survey.answeredAt,
    score: survey.score ?? null,
    ...(survey.messageId ? { messageId: survey.messageId } : {}),
  };
}

const messageTypes: Partial<Record<Message['status'], EventType>> = {
  received: 'message.received',
  sent: 'message.sent',
  delivered: 'message.delivered',
  failed: 'message.failed',
};

/**
 * A message's events: received when an inbound message is stored; sent, delivered, failed when an
 * outbound one reaches that status (each once: the status only moves forward). `at` is the time of
 * the write (a message keeps no time per status). Channel, queue and agent are added when it is
 * published, from its conversation.
 */
export function messageEvents(before: Message | undefined, after: Message, at: string): IntegrationEvent[] {
  if (before?.status === after.status) return [];
  const type = messageTypes[after.status];
  if (!type) return [];
  const customerNumber = after.direction === 'inbound' ? after.from : after.to;
  const channelNumber = after.direction === 'inbound' ? after.to : after.from;
  const data: EventData = {
    conversationId: after.conversationId,
    caseNumber: caseNumberOf(after.conversationId),
    channelNumber,
    customer: maskPhone(customerNumber),
    messageId: after.id,
    direction: after.direction,
    status: after.status,
    ...(after.author.kind === 'agent' ? { agentId: after.author.agentId } : {}),
    ...(after.status === 'failed' ? { failureReason: after.failureReason } : {}),
    ...(after.purpose ? { purpose: after.purpose } : {}),
    ...(after.media?.length ? { mediaCount: after.media.length } : {}),
    ...(after.media?.length && after.direction === 'outbound'
      ? { media: after.media.map(({ url, contentType }) => ({ url, contentType })) }
      : {}),
  };
  return [
    {
      id: `${after.conversationId}:${after.id}:${type}`,
      type,
      time: type === 'message.received' ? after.createdAt : at,
      subject: `conversations/${after.conversationId}/messages/${after.id}`,
      data,
    },
  ];
}

/** A number's stand-in in ids: a hash, so an event id never carries the number itself. */
const numberKey = (number: string) => hash('sha256', number).slice(0, 16);

/** The subject of a customer's consent events on a channel (an erasure forgets what was logged of it). */
export const customerSubject = (channelId: string, number: string) =>
  `channels/${channelId}/customers/${numberKey(number)}`;

/** A customer opted out of or back into a channel. */
export function consentEvents(
  before: CustomerState | undefined,
  after: CustomerState,
  at: string,
): IntegrationEvent[] {
  if ((before?.optedOut ?? false) === after.optedOut) return [];
  const key = numberKey(after.customer);
  return [
    {
      id: `consent:${after.channelId}:${key}:${at}`,
      type: 'consent.changed',
      time: at,
      subject: customerSubject(after.channelId, after.customer),
      data: { channelId: after.channelId, customer: maskPhone(after.customer), optedOut: after.optedOut },
    },
  ];
}

/** A CloudEvents 1.0 event in its JSON form (structured mode), as subscribers receive it. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: EventData & { text?: string };
}

/** The envelope: `source` names the deployment, `type` the change, `id` stays the outbox's. */
export function toCloudEvent(event: IntegrationEvent, source: string): CloudEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source,
    type: cloudEventType(event.type),
    subject: event.subject,
    time: event.time,
    datacontenttype: 'application/json',
    data: event.data,
  };
}
