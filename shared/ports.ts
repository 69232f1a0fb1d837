/**
 * The ports the use cases need, in domain words. Adapters (SQLite, Cosmos DB, Service Bus, the SMS
 * providers) implement them; the use cases never see which one they got.
 */
import type { Agent, Presence } from './domain/agent.js';
import type { Channel } from './domain/channel.js';
import type { Configuration } from './domain/configuration.js';
import type { Contact } from './domain/contact.js';
import type { Conversation, ConversationState, UnclosedState } from './domain/conversation.js';
import type { CustomerState } from './domain/customer.js';
import type { ErasedOptOut } from './domain/erasure.js';
import type { EventType, IntegrationEvent } from './domain/integration-event.js';
import type { LiveMessage } from './domain/live.js';
import type { Media, Message } from './domain/message.js';
import type { Notification } from './domain/notification.js';
import type { PhoneNumber, SenderNumber } from './domain/phone.js';
import type { PoisonEvent } from './domain/poison-event.js';
import type { ProviderMessageRef } from './domain/provider-message.js';
import type { QuickReply } from './domain/quick-reply.js';
import type { SenderPace } from './domain/sender-pace.js';
import type { Template } from './domain/template.js';

/** A stored record with its ETag; writes that carry a stale ETag fail with ConcurrencyError. */
export interface Stored<T> {
  value: T;
  etag: string;
}

/** A place in the order (createdAt, id) conversations are read in: where the next page starts. */
export interface ConversationCursor {
  createdAt: string;
  id: string;
}

/**
 * A read of the work under way: unclosed conversations only, never the history. Every recurring
 * path reads this way (a queue's line, an agent's work, a channel's timers, the supervisor's
 * floor), so its cost follows the work under way and not the years of conversations kept: in
 * Cosmos DB it is a query of one partition (docs/cosmos.md).
 */
export interface ConversationQuery {
  channelId?: string;
  queueId?: string;
  agentId?: string;
  /** Some of the unclosed states; all four when absent. */
  states?: UnclosedState[];
  /** Only conversations whose last activity is strictly before this instant. */
  idleBefore?: string;
  /** Only conversations after this one, oldest first: the next page. */
  after?: ConversationCursor;
  limit?: number;
}

/**
 * A read of agents: one queue's members (the assigner's read, and an agent's team), or all of them
 * (an admin's list, the sign-in index). In Cosmos DB each is a query of one roster partition plus a
 * point read of each agent found, so the assigner's cost follows its queue's members, never the
 * agents of other queues (docs/cosmos.md).
 */
export interface AgentQuery {
  /** Only members of this queue. */
  queueId?: string;
  /** Only agents with this presence. */
  presence?: Presence;
}

/** One customer's conversations on one channel, newest first, closed ones too: their history. */
export interface CustomerConversationsQuery {
  channelId: string;
  customer: PhoneNumber;
  /** Only conversations before this one, newest first: the next page. */
  before?: ConversationCursor;
  limit: number;
}

/**
 * A search a person starts (a report, a search across customers): it may read every partition, so
 * it is always paged. Never on a recurring path.
 */
export interface ConversationSearch {
  channelId?: string;
  queueId?: string;
  agentId?: string;
  states?: ConversationState[];
  /** Created at or after this instant. */
  createdFrom?: string;
  /** Created strictly before this instant. */
  createdBefore?: string;
  /** The customer's number, exactly. */
  customer?: PhoneNumber;
  /** The case number, exactly. */
  caseNumber?: string;
  /**
   * A prefix of the customer's name as the conversation recorded it, folded (foldName: case and
   * accents ignored). Already folded by the caller.
   */
  customerNamePrefix?: string;
  /** Only what an agent may see: conversations in these queues, or last held by this agent. */
  visibleTo?: { queueIds: string[]; agentId: string };
}

export interface ConversationPage {
  conversations: Stored<Conversation>[];
  /** Opaque: pass it back for the next page; absent on the last. */
  continuation?: string;
}

/** An event waiting in the outbox, with the receipt that removes it once it is published. */
export interface PendingEvent {
  event: IntegrationEvent;
  /** Opaque to the caller: where the store keeps it. */
  receipt: string;
}

/** The pool number chosen for a customer, to be remembered (Store.rememberNotificationSenders). */
export interface SenderPick {
  customer: PhoneNumber;
  sender: string;
}

export interface Store {
  getCustomer(channelId: string, customer: PhoneNumber): Promise<Stored<CustomerState> | undefined>;
  /** Creates (etag null: must not exist) or replaces (etag must match) a customer state. */
  putCustomer(state: CustomerState, etag: string | null): Promise<Stored<CustomerState>>;
  /**
   * The pool number each of these customers hears notifications from on the channel, where one is
   * remembered. A record of its own, not part of the customer's state: a customer only ever
   * notified has no customer state (what the outbound worker reads as "never wrote since an
   * erasure", deliver.ts).
   */
  getNotificationSenders(
    channelId: string,
    customers: readonly PhoneNumber[],
  ): Promise<Map<PhoneNumber, string>>;
  /**
   * Remembers each customer's notification sender on the channel, unless one of `pool` is
   * remembered for them already (a notification accepted meanwhile chose first). Answers the
   * sender each customer has now. In one write where the store can (the embedded store: one
   * transaction; Cosmos DB: one per customer, each in their own partition).
   */
  rememberNotificationSenders(
    channelId: string,
    pool: readonly string[],
    picks: readonly SenderPick[],
  ): Promise<Map<PhoneNumber, string>>;
  /** The customer's remembered notification senders, every channel's (their export), by channel. */
  listNotificationSenders(customer: PhoneNumber): Promise<{ channelId: string; sender: string }[]>;
  /** Forgets the customer's notification senders on every channel (their erasure); answers the channels. */
  deleteNotificationSenders(customer: PhoneNumber): Promise<string[]>;

  getConversation(id: string): Promise<Stored<Conversation> | undefined>;
  createConversation(conversation: Conversation): Promise<Stored<Conversation>>;
  /**
   * Creates a conversation and its first message together, atomically (they share a partition):
   * a redelivery finds both or neither. AlreadyExistsError when the conversation exists; nothing
   * is written then.
   */
  createConversationWithMessage(conversation: Conversation, message: Message): Promise<Stored<Conversation>>;
  replaceConversation(conversation: Conversation, etag: string): Promise<Stored<Conversation>>;
  /**
   * In one write: takes the conversation's next message sequence number and records activity,
   * only while it is open, active or in wrap-up. Undefined when it is waiting, closed or absent:
   * the caller reads it and decides. This keeps a customer's message on a conversation already
   * under way to one point read (the customer) and two writes (this, and the message).
   */
  takeNextSeq(conversationId: string, at: string): Promise<Stored<Conversation> | undefined>;
  /** Unclosed conversations matching every given filter, oldest first (createdAt, id). */
  findConversations(query: ConversationQuery): Promise<Stored<Conversation>[]>;
  /** A customer's conversations on a channel, newest first: one partition (the customer's). */
  findCustomerConversations(query: CustomerConversationsQuery): Promise<Stored<Conversation>[]>;
  /**
   * Conversations of any state matching every given filter, newest first (createdAt, id), a page
   * at a time. It may read every partition: only for what a person starts (reports, searches),
   * never a timer or queue.
   */
  searchConversations(
    search: ConversationSearch,
    page: { limit: number; continuation?: string },
  ): Promise<ConversationPage>;

  getMessage(conversationId: string, id: string): Promise<Stored<Message> | undefined>;
  createMessage(message: Message): Promise<Stored<Message>>;
  replaceMessage(message: Message, etag: string): Promise<Stored<Message>>;
  /** The conversation's messages by sequence number. */
  listMessages(conversationId: string): Promise<Message[]>;

  /** Records which message a provider's message id is; writing the same again changes nothing. */
  putProviderMessage(ref: ProviderMessageRef): Promise<void>;
  /** Which message a provider's message id is: one point read. */
  getProviderMessage(provider: string, providerMessageId: string): Promise<ProviderMessageRef | undefined>;

  /** Keeps a provider event that could not be processed; the same id again changes nothing. */
  putPoisonEvent(event: PoisonEvent): Promise<void>;
  /** Poison events newest first (by id), before the given id: an admin's list, a page at a time. */
  listPoisonEvents(query: { before?: string; limit: number }): Promise<PoisonEvent[]>;

  getNotification(id: string): Promise<Stored<Notification> | undefined>;
  /** Creates a notification once; a second create with the same id fails with AlreadyExistsError. */
  createNotification(notification: Notification): Promise<Stored<Notification>>;

  getSenderPace(number: string): Promise<Stored<SenderPace> | undefined>;
  /** Creates (etag null: must not exist) or replaces (etag must match) a sender's pace. */
  putSenderPace(pace: SenderPace, etag: string | null): Promise<Stored<SenderPace>>;

  getAgent(id: string): Promise<Stored<Agent> | undefined>;
  createAgent(agent: Agent): Promise<Stored<Agent>>;
  replaceAgent(agent: Agent, etag: string): Promise<Stored<Agent>>;
  /** Agents matching every given filter (all of them when none), by id. */
  listAgents(query?: AgentQuery): Promise<Stored<Agent>[]>;
  /** Removes an agent if the etag still matches; false when there was none. */
  deleteAgent(id: string, etag: string): Promise<boolean>;

  /** The one configuration document (channels and queues); absent until imported or saved. */
  getConfiguration(): Promise<Stored<Configuration> | undefined>;
  /** Creates (etag null: must not exist) or replaces (etag must match) the configuration. */
  putConfiguration(configuration: Configuration, etag: string | null): Promise<Stored<Configuration>>;

  getContact(number: PhoneNumber): Promise<Stored<Contact> | undefined>;
  /** Creates (etag null: must not exist) or replaces (etag must match) a contact. */
  putContact(contact: Contact, etag: string | null): Promise<Stored<Contact>>;
  deleteContact(number: PhoneNumber, etag: string): Promise<boolean>;
  /** Contacts in number order, after the given number: an admin's list, a page at a time. */
  listContacts(query: { after?: string; limit: number }): Promise<Contact[]>;

  getTemplate(id: string): Promise<Stored<Template> | undefined>;
  /** Creates (etag null: must not exist) or replaces (etag must match) a template. */
  putTemplate(template: Template, etag: string | null): Promise<Stored<Template>>;
  deleteTemplate(id: string, etag: string): Promise<boolean>;
  listTemplates(): Promise<Stored<Template>[]>;

  /**
   * Quick replies, kept per owner (`organization`, or `agent:<id>` for an agent's own: see
   * quickReplyOwner), so the composer's list is two reads of one partition each.
   */
  getQuickReply(owner: string, id: string): Promise<Stored<QuickReply> | undefined>;
  /** Creates (etag null: must not exist) or replaces (etag must match) a quick reply. */
  putQuickReply(reply: QuickReply, etag: string | null): Promise<Stored<QuickReply>>;
  deleteQuickReply(owner: string, id: string, etag: string): Promise<boolean>;
  /** An owner's quick replies, by id. */
  listQuickReplies(owner: string): Promise<Stored<QuickReply>[]>;

  /**
   * The outbox. Every write of a conversation, a message or a customer record writes the
   * integration events that change makes (shared/domain/integration-event.ts) together with it,
   * so an event exists exactly when its change does. The oldest waiting events, up to `limit`.
   */
  pendingEvents(limit: number): Promise<PendingEvent[]>;
  /** Forgets published events by their receipts; an unknown receipt is ignored. */
  removeEvents(receipts: string[]): Promise<void>;

  // The data's life (issue 14): what erasing and exporting a customer read and remove. Only an
  // admin's request reaches these; none is on a recurring path.

  /** The customer's record on every channel they have one on: one partition (theirs). */
  listCustomerStates(customer: PhoneNumber): Promise<Stored<CustomerState>[]>;
  /** Removes the customer's record on a channel and the history entries kept with it; false when none. */
  deleteCustomer(channelId: string, customer: PhoneNumber): Promise<boolean>;
  /** Removes one message; false when there was none. */
  deleteMessage(conversationId: string, id: string): Promise<boolean>;
  /** Forgets which message a provider's message id is; an unknown one is ignored. */
  deleteProviderMessage(provider: string, providerMessageId: string): Promise<void>;
  /**
   * Notifications that had this number among their recipients, oldest first, a page at a time. It
   * may read every partition: only for what an admin starts (an erasure, an export).
   */
  findNotificationsTo(
    number: PhoneNumber,
    page: { limit: number; continuation?: string },
  ): Promise<{ notifications: Stored<Notification>[]; continuation?: string }>;
  replaceNotification(notification: Notification, etag: string): Promise<Stored<Notification>>;
  /** The opt-outs an erased customer left, by the keyed hash of their number (domain/erasure.ts). */
  getErasedOptOut(key: string): Promise<Stored<ErasedOptOut> | undefined>;
  /** Creates (etag null: must not exist) or replaces (etag must match) an erased customer's opt-outs. */
  putErasedOptOut(record: ErasedOptOut, etag: string | null): Promise<Stored<ErasedOptOut>>;
}

/**
 * The embedded default's retention timer: removes the messages (the transcripts) of a channel older
 * than its retention. Cosmos DB needs none: each message is written with a time to live.
 */
export interface TranscriptExpiry {
  /** Removes up to `limit` messages of the channel created before the instant; how many it removed. */
  expireMessages(query: { channelId: string; createdBefore: string; limit: number }): Promise<number>;
}

/**
 * Where integration events go: an Event Grid topic on Azure, an admin's webhook subscribers on the
 * embedded default. At least once: a publish repeated after a crash carries the same ids, and
 * subscribers recognise a repeat by the CloudEvents `id`.
 */
export interface EventPublisher {
  /** Resolves once every event was accepted; throws (and nothing may be assumed sent) otherwise. */
  publish(events: IntegrationEvent[]): Promise<void>;
  /** Runs the retries the publisher keeps itself (webhook deliveries that failed) whose time came. */
  retryDue(): Promise<void>;
}

/** A webhook subscriber an admin configured (the embedded default); its secret is never read back. */
export interface EventSubscription {
  id: string;
  url: string;
  /** The event types it gets; empty: all of them. */
  types: EventType[];
  /** Whether message events carry the message's text (read when delivered). */
  includeText: boolean;
  createdAt: string;
}

export interface EventSubscriptionInput {
  url: string;
  types: EventType[];
  secret: string;
  includeText: boolean;
}

/** One event's delivery to one subscriber, as an admin reads it. */
export interface EventDelivery {
  eventId: string;
  type: EventType;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastAttemptAt: string | null;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  /** What the last attempt got: `HTTP 204`, `HTTP 500`, `no answer: ...`. */
  lastResult: string | null;
}

export interface EventSubscriptions {
  list(): Promise<EventSubscription[]>;
  get(id: string): Promise<EventSubscription | undefined>;
  /** Creates or replaces a subscription. */
  put(id: string, input: EventSubscriptionInput): Promise<EventSubscription>;
  /** The secret a subscription signs with (kept when an admin replaces it without a new one). */
  secretOf?(id: string): Promise<string | undefined>;
  remove(id: string): Promise<boolean>;
  /** The subscription's latest deliveries, newest first. */
  deliveries(id: string, limit: number): Promise<EventDelivery[]>;
  /**
   * Forgets the logged deliveries of events about these subjects (a subject, or anything under it:
   * `conversations/<id>` takes its messages' too), for every subscriber; how many it forgot. An
   * erasure's: the log held the customer's masked number and their consent events' number hash.
   */
  forgetDeliveries?(subjects: string[]): Promise<number>;
}

export const queueNames = {
  inbound: 'sms-inbound',
  assignment: 'sms-assignment',
  outbound: 'sms-outbound',
} as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) as a queue message carries it in its
 * application properties, so the work it starts joins the trace of the work that sent it.
 */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

export interface OutgoingMessage {
  /** Duplicate detection key: a second send with the same id inside the window is dropped. */
  id: string;
  /** Messages of one session are delivered in order, to one consumer at a time. */
  sessionId: string;
  body: unknown;
  /** Not delivered before this instant. */
  scheduledAt?: Date;
  /** The trace the message belongs to; the sending span's when absent (shared/telemetry). */
  traceContext?: TraceContext;
}

export interface QueueSender {
  send(queue: QueueName, message: OutgoingMessage): Promise<void>;
  /**
   * Sends many messages at once: the embedded queue in one transaction, Service Bus in as few
   * batches as fit (one per session at least, so a partitioned entity takes them). When it throws,
   * some of them may have gone: a retry with the same message ids sends the rest, and duplicate
   * detection drops the ones that went. An empty list sends nothing.
   */
  sendBatch(queue: QueueName, messages: readonly OutgoingMessage[]): Promise<void>;
}

/** A message taken from a queue under a lock; settle it with complete, abandon or deadLetter. */
export interface ReceivedMessage {
  id: string;
  sessionId: string;
  body: unknown;
  deliveryCount: number;
  enqueuedAt: Date;
  lockToken: string;
  lockedUntil: Date;
  /** The trace context the message was sent with, if tracing was on at the sender. */
  traceContext?: TraceContext;
}

/** A message its queue gave up on, kept for an operator to look at, replay or discard. */
export interface DeadLetter {
  /**
   * Its place among its queue's dead letters (Service Bus' sequence number, a decimal string: it
   * is 64-bit): the handle an operator replays or discards it by, unique where the message id
   * need not be (the same id may be dead-lettered twice, once per duplicate window).
   */
  sequence: string;
  id: string;
  sessionId: string;
  body: unknown;
  deliveryCount: number;
  reason: string;
  /** The words kept with the reason (Service Bus' DeadLetterErrorDescription), when they differ. */
  description?: string;
  /** When the message was first enqueued. */
  enqueuedAt: Date;
  traceContext?: TraceContext;
}

/** A page of dead letters, oldest first: those after this sequence, at most `limit`. */
export interface DeadLetterPage {
  after?: string;
  limit?: number;
}

/**
 * The message id a dead letter is replayed under. Not its own id: the duplicate window may still
 * remember that one and drop the replay. Derived from the dead letter, so a replay repeated after a
 * crash (sent, not yet removed) is dropped by duplicate detection and the work runs once.
 */
export function replayMessageId(id: string, sequence: string): string {
  return `${id}:replay-${sequence}`;
}

/** What a host does with a queue: the Functions host does this itself for Service Bus triggers. */
export interface QueueReceiver {
  receive(queue: QueueName): Promise<ReceivedMessage | undefined>;
  complete(queue: QueueName, message: ReceivedMessage): Promise<void>;
  /** Returns the message to the queue; its session waits `retryAfterMs` so order is kept. */
  abandon(queue: QueueName, message: ReceivedMessage, retryAfterMs?: number): Promise<void>;
  deadLetter(queue: QueueName, message: ReceivedMessage, reason: string): Promise<void>;
  renewLock(queue: QueueName, message: ReceivedMessage): Promise<ReceivedMessage>;
  /** The queue's dead letters, oldest first; all of them without a page. */
  deadLetters(queue: QueueName, page?: DeadLetterPage): Promise<DeadLetter[]>;
  /**
   * Sends a dead letter back to its queue as new work (same session, body and trace context, at
   * the end of its session's line, a first delivery; id replayMessageId) and then removes it.
   * False, and nothing changes, when the queue has no dead letter with that sequence.
   */
  replayDeadLetter(queue: QueueName, sequence: string): Promise<boolean>;
  /** Removes a dead letter for good; false, and nothing changes, when there is none. */
  discardDeadLetter(queue: QueueName, sequence: string): Promise<boolean>;
  /** Messages waiting (not dead-lettered), for health and tests. */
  depth(queue: QueueName): Promise<number>;
}

export interface SendRequest {
  /** The channel sending, with any provider settings of its own (a Twilio Messaging Service). */
  channel: Channel;
  /** Stable across retries of the same message, so a provider retry never sends twice. */
  idempotencyKey: string;
  from: SenderNumber;
  to: PhoneNumber;
  text: string;
  /** MMS attachments; only a provider that sends media (Twilio) is ever given some. */
  media?: Media[];
  /** With the idempotency key (the message id), what a delivery report must bring back. */
  conversationId: string;
  /** When the first attempt to send this message started (the same on every retry). */
  firstAttemptAt: string;
}

export interface SendResult {
  providerMessageId: string;
}

/** An SMS provider's send side. Failures throw SendError with a kind. */
export interface SmsSender {
  readonly provider: string;
  /**
   * Whether a repeated send with the same idempotency key is recognised by the provider. When it
   * is not, a send interrupted without an answer is never retried blindly.
   */
  readonly idempotent: boolean;
  send(request: SendRequest): Promise<SendResult>;
  /** Whether the configured credentials work, checked against the provider, and why not. */
  checkCredentials(): Promise<CredentialCheck>;
}

export interface CredentialCheck {
  ok: boolean;
  /** What the provider said, in words an admin can act on (no secrets). */
  detail: string;
  /** The provider refused the credentials themselves (not merely unreachable). */
  refused?: boolean;
}

/**
 * Secrets held by name: a provider account's auth token or API key, in Key Vault on Azure or in a
 * settings map locally. Never logged, never shown.
 */
export interface SecretSource {
  /** The secret's value (cached while fresh). ConfigurationError when it does not exist or cannot be read. */
  get(name: string): Promise<string>;
  /**
   * Reads the secret again now, because a provider refused the value in hand (it may have been
   * rotated). Reads at most once in a short while, so a flood of refusals cannot flood the vault.
   */
  refresh(name: string): Promise<string>;
  /**
   * The value the latest rotation replaced, for a while after the app first read the new one:
   * a provider may go on signing with it until its own switch (Twilio signs webhooks with the
   * primary token until the secondary is promoted). Undefined when nothing was replaced lately.
   */
  previous(name: string): string | undefined;
}

/**
 * The figures operations watch (docs/operations.md), by name, with the attributes each carries.
 * Attributes are ids and bounded words only: never a phone number or a message's text.
 */
export interface CounterAttributes {
  'sms.messages.received': { channel: string; provider: string };
  'sms.messages.sent': { channel: string; provider: string };
  'sms.delivery.failures': { channel: string; provider: string; reason: DeliveryFailureReason };
  'sms.consent.changes': { channel: string; change: 'opt-out' | 'opt-in' };
  'sms.assignments': { queue: string };
  'sms.auto_closes': { channel: string; reason: string };
}

/** Durations in milliseconds. */
export interface HistogramAttributes {
  'sms.accept_to_stored': Record<string, never>;
  'sms.accept_to_assigned': { queue: string };
  'sms.first_reply_wait': { queue: string; channel: string };
}

/** Levels measured now and then (the metrics timer): the last value stands. */
export interface GaugeAttributes {
  'sms.queue.depth': { queue: string };
  /** Seconds. */
  'sms.queue.oldest_wait': { queue: string };
  /** A work queue's name (sms-inbound, sms-outbound, sms-assignment). */
  'sms.work.dead_letters': { queue: string };
}

/**
 * Why a message did not reach the customer, in a few words that keep the attribute's values few:
 * the provider's own words stay in the message's failure reason, where only agents read them.
 */
export type DeliveryFailureReason =
  | 'rejected'
  | 'opted-out'
  | 'unavailable'
  | 'interrupted'
  | 'no-channel'
  /** It carries media and the channel's provider sends SMS only. */
  | 'media-unsupported'
  /** A provider's delivery report said it failed. */
  | 'undelivered'
  | 'dead-lettered';

export type CounterName = keyof CounterAttributes;
export type HistogramName = keyof HistogramAttributes;
export type GaugeName = keyof GaugeAttributes;

/** Where the use cases count what happens. Recording never throws and never waits. */
export interface Metrics {
  add<N extends CounterName>(name: N, attributes: CounterAttributes[N], value?: number): void;
  record<N extends HistogramName>(name: N, value: number, attributes: HistogramAttributes[N]): void;
  gauge<N extends GaugeName>(name: N, value: number, attributes: GaugeAttributes[N]): void;
}

export interface Clock {
  now(): Date;
  /** Waits this long (a manual clock just moves on). */
  sleep(ms: number): Promise<void>;
}

/**
 * Real time for pacing sends, finer than a millisecond: a number allowed 1000 texts a second has a
 * slot every millisecond, and a wait counted in whole milliseconds loses part of every slot.
 */
export interface PacingClock extends Clock {
  /** Milliseconds since the epoch with their fraction, in step with `now()`'s wall clock. */
  nowMs(): number;
}

export interface IdGenerator {
  next(): string;
}

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields, error?: unknown): void;
}

/** Tells connected pages that something changed, by group. */
export interface LiveUpdates {
  /** Sends the message to every connection in any of these groups, once each. */
  publish(groups: string[], message: LiveMessage): Promise<void>;
}

/** Hands a signed-in person a WebSocket URL whose token joins them to their groups only. */
export interface LiveAccess {
  /** `origin` is the request's own origin (scheme, host), for a stream served by this app. */
  clientUrl(request: { userId: string; groups: string[]; origin: string }): Promise<string>;
}
