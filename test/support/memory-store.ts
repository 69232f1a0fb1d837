import { byAgentId, matchesAgents } from '../../shared/adapters/agent-reads.js';
import {
  compareByCreation,
  cursorOf,
  decodeContinuation,
  encodeContinuation,
  matchesSearch,
  matchesWork,
} from '../../shared/adapters/conversation-reads.js';
import type { Agent } from '../../shared/domain/agent.js';
import type { Configuration } from '../../shared/domain/configuration.js';
import type { Contact } from '../../shared/domain/contact.js';
import { type Conversation, statesTakingMessages } from '../../shared/domain/conversation.js';
import type { CustomerState } from '../../shared/domain/customer.js';
import type { ErasedOptOut } from '../../shared/domain/erasure.js';
import {
  consentEvents,
  conversationEvents,
  type IntegrationEvent,
  messageEvents,
} from '../../shared/domain/integration-event.js';
import type { Message } from '../../shared/domain/message.js';
import type { Notification } from '../../shared/domain/notification.js';
import type { PhoneNumber } from '../../shared/domain/phone.js';
import type { PoisonEvent } from '../../shared/domain/poison-event.js';
import type { ProviderMessageRef } from '../../shared/domain/provider-message.js';
import { type QuickReply, quickReplyOwner } from '../../shared/domain/quick-reply.js';
import type { SenderPace } from '../../shared/domain/sender-pace.js';
import { inPool } from '../../shared/domain/sticky-sender.js';
import type { Template } from '../../shared/domain/template.js';
import { AlreadyExistsError, ConcurrencyError, NotFoundError } from '../../shared/errors.js';
import type {
  AgentQuery,
  ConversationQuery,
  ConversationSearch,
  CustomerConversationsQuery,
  PendingEvent,
  SenderPick,
  Store,
  Stored,
  TranscriptExpiry,
} from '../../shared/ports.js';

interface Row<T> {
  value: T;
  version: number;
}

/**
 * A hand-written in-memory store for use-case tests. It passes the same contract suite as the
 * SQLite store, so a use case that works against it relies only on what the port promises.
 * Values are cloned on the way in and out, as a real store serialises them.
 */
export class MemoryStore implements Store, TranscriptExpiry {
  private readonly customers = new Map<string, Row<CustomerState>>();
  /** Each customer's notification sender per channel, keyed `<channelId>|<customer>`. */
  private readonly notificationSenders = new Map<string, string>();
  private readonly conversations = new Map<string, Row<Conversation>>();
  private readonly messages = new Map<string, Row<Message>>();
  private readonly agents = new Map<string, Row<Agent>>();
  private readonly paces = new Map<string, Row<SenderPace>>();
  private readonly notifications = new Map<string, Row<Notification>>();
  private readonly configurations = new Map<string, Row<Configuration>>();
  private readonly contacts = new Map<string, Row<Contact>>();
  private readonly templates = new Map<string, Row<Template>>();
  private readonly quickReplies = new Map<string, Row<QuickReply>>();
  private readonly providerMessages = new Map<string, ProviderMessageRef>();
  private readonly outbox = new Map<string, IntegrationEvent>();
  private readonly erasedOptOuts = new Map<string, Row<ErasedOptOut>>();
  /** The time the store gives events that carry the time of their write. */
  now: () => Date = () => new Date();
  private readonly poisonEvents = new Map<string, PoisonEvent>();
  /** Lets a test slow every read down, to widen race windows between concurrent callers. */
  beforeRead: () => Promise<void> = async () => {};

  private out<T>(row: Row<T> | undefined): Stored<T> | undefined {
    return row ? { value: structuredClone(row.value), etag: String(row.version) } : undefined;
  }

  private create<T>(map: Map<string, Row<T>>, key: string, value: T, what: string): Stored<T> {
    if (map.has(key)) throw new AlreadyExistsError(`${what} already exists`);
    map.set(key, { value: structuredClone(value), version: 1 });
    return { value, etag: '1' };
  }

  /** Create when etag is null (it must not exist), else replace under the etag. */
  private put<T>(
    map: Map<string, Row<T>>,
    key: string,
    value: T,
    etag: string | null,
    what: string,
  ): Stored<T> {
    if (etag === null) {
      if (map.has(key)) throw new ConcurrencyError(`${what} was created meanwhile`);
      return this.create(map, key, value, what);
    }
    if (!map.has(key)) throw new ConcurrencyError(`${what} vanished`);
    return this.replace(map, key, value, etag, what);
  }

  private remove<T>(map: Map<string, Row<T>>, key: string, etag: string, what: string): boolean {
    const row = map.get(key);
    if (!row) return false;
    if (String(row.version) !== etag) throw new ConcurrencyError(`${what} changed since it was read`);
    map.delete(key);
    return true;
  }

  private replace<T>(map: Map<string, Row<T>>, key: string, value: T, etag: string, what: string): Stored<T> {
    const row = map.get(key);
    if (!row) throw new NotFoundError(`${what} does not exist`);
    if (String(row.version) !== etag) throw new ConcurrencyError(`${what} changed since it was read`);
    map.set(key, { value: structuredClone(value), version: row.version + 1 });
    return { value, etag: String(row.version + 1) };
  }

  async getCustomer(channelId: string, customer: PhoneNumber) {
    await this.beforeRead();
    return this.out(this.customers.get(`${channelId}|${customer}`));
  }

  async putCustomer(state: CustomerState, etag: string | null) {
    const key = `${state.channelId}|${state.customer}`;
    const before = this.customers.get(key)?.value;
    let written: Stored<CustomerState>;
    if (etag === null) {
      if (this.customers.has(key)) throw new ConcurrencyError('customer state was created meanwhile');
      written = this.create(this.customers, key, state, 'customer');
    } else {
      if (!this.customers.has(key)) throw new ConcurrencyError('customer state vanished');
      written = this.replace(this.customers, key, state, etag, 'customer');
    }
    this.record(consentEvents(before, state, this.now().toISOString()));
    return written;
  }

  async getNotificationSenders(channelId: string, customers: readonly PhoneNumber[]) {
    await this.beforeRead();
    const senders = new Map<PhoneNumber, string>();
    for (const customer of customers) {
      const sender = this.notificationSenders.get(`${channelId}|${customer}`);
      if (sender !== undefined) senders.set(customer, sender);
    }
    return senders;
  }

  async rememberNotificationSenders(
    channelId: string,
    pool: readonly string[],
    picks: readonly SenderPick[],
  ) {
    const senders = new Map<PhoneNumber, string>();
    for (const { customer, sender } of picks) {
      const key = `${channelId}|${customer}`;
      const kept = inPool(pool, this.notificationSenders.get(key));
      if (kept !== undefined) {
        senders.set(customer, kept);
        continue;
      }
      this.notificationSenders.set(key, sender);
      senders.set(customer, sender);
    }
    return senders;
  }

  async listNotificationSenders(customer: PhoneNumber) {
    return [...this.notificationSenders]
      .filter(([key]) => key.endsWith(`|${customer}`))
      .map(([key, sender]) => ({ channelId: key.slice(0, key.lastIndexOf('|')), sender }))
      .sort((a, b) => a.channelId.localeCompare(b.channelId));
  }

  async deleteNotificationSenders(customer: PhoneNumber) {
    const remembered = await this.listNotificationSenders(customer);
    for (const { channelId } of remembered) this.notificationSenders.delete(`${channelId}|${customer}`);
    return remembered.map(({ channelId }) => channelId);
  }

  private record(events: IntegrationEvent[]) {
    for (const event of events)
      if (!this.outbox.has(event.id)) this.outbox.set(event.id, structuredClone(event));
  }

  async pendingEvents(limit: number): Promise<PendingEvent[]> {
    return [...this.outbox.values()]
      .slice(0, limit)
      .map((event) => ({ event: structuredClone(event), receipt: event.id }));
  }

  async removeEvents(receipts: string[]) {
    for (const receipt of receipts) this.outbox.delete(receipt);
  }

  async getConversation(id: string) {
    await this.beforeRead();
    return this.out(this.conversations.get(id));
  }

  async createConversation(conversation: Conversation) {
    const written = this.create(
      this.conversations,
      conversation.id,
      conversation,
      `conversation ${conversation.id}`,
    );
    this.record(conversationEvents(undefined, conversation));
    return written;
  }

  async createConversationWithMessage(conversation: Conversation, message: Message) {
    const key = `${message.conversationId}|${message.id}`;
    if (this.conversations.has(conversation.id))
      throw new AlreadyExistsError(`conversation ${conversation.id} already exists`);
    if (this.messages.has(key)) throw new AlreadyExistsError(`message ${message.id} already exists`);
    this.create(this.messages, key, message, `message ${message.id}`);
    const written = this.create(
      this.conversations,
      conversation.id,
      conversation,
      `conversation ${conversation.id}`,
    );
    this.record(conversationEvents(undefined, conversation));
    this.record(messageEvents(undefined, message, this.now().toISOString()));
    return written;
  }

  async replaceConversation(conversation: Conversation, etag: string) {
    const before = this.conversations.get(conversation.id)?.value;
    const written = this.replace(
      this.conversations,
      conversation.id,
      conversation,
      etag,
      `conversation ${conversation.id}`,
    );
    this.record(conversationEvents(before, conversation));
    return written;
  }

  async takeNextSeq(conversationId: string, at: string) {
    const row = this.conversations.get(conversationId);
    if (!row || !statesTakingMessages.includes(row.value.state)) return undefined;
    const next = { ...row.value, lastSeq: row.value.lastSeq + 1, lastActivityAt: at };
    return this.replace(
      this.conversations,
      conversationId,
      next,
      String(row.version),
      `conversation ${conversationId}`,
    );
  }

  private sorted(filter: (conversation: Conversation) => boolean) {
    return [...this.conversations.values()]
      .filter((row) => filter(row.value))
      .sort((a, b) => compareByCreation(a.value, b.value));
  }

  async findConversations(query: ConversationQuery) {
    return this.sorted((c) => matchesWork(c, query))
      .slice(0, query.limit ?? Number.POSITIVE_INFINITY)
      .map((row) => this.out(row) as Stored<Conversation>);
  }

  async findCustomerConversations(query: CustomerConversationsQuery) {
    const { before } = query;
    return this.sorted(
      (c) =>
        c.channelId === query.channelId &&
        c.customer === query.customer &&
        (before === undefined || compareByCreation(c, before) < 0),
    )
      .reverse()
      .slice(0, query.limit)
      .map((row) => this.out(row) as Stored<Conversation>);
  }

  async searchConversations(search: ConversationSearch, page: { limit: number; continuation?: string }) {
    const before = page.continuation === undefined ? undefined : decodeContinuation(page.continuation);
    const matches = this.sorted(
      (c) => matchesSearch(c, search) && (before === undefined || compareByCreation(c, before) < 0),
    ).reverse();
    const conversations = matches.slice(0, page.limit).map((row) => this.out(row) as Stored<Conversation>);
    const last = conversations.at(-1);
    return matches.length > page.limit && last
      ? { conversations, continuation: encodeContinuation(cursorOf(last.value)) }
      : { conversations };
  }

  async getMessage(conversationId: string, id: string) {
    await this.beforeRead();
    return this.out(this.messages.get(`${conversationId}|${id}`));
  }

  async createMessage(message: Message) {
    const written = this.create(
      this.messages,
      `${message.conversationId}|${message.id}`,
      message,
      `message ${message.id}`,
    );
    this.record(messageEvents(undefined, message, this.now().toISOString()));
    return written;
  }

  async replaceMessage(message: Message, etag: string) {
    const key = `${message.conversationId}|${message.id}`;
    const before = this.messages.get(key)?.value;
    const written = this.replace(this.messages, key, message, etag, `message ${message.id}`);
    this.record(messageEvents(before, message, this.now().toISOString()));
    return written;
  }

  async listMessages(conversationId: string) {
    return [...this.messages.values()]
      .map((row) => row.value)
      .filter((message) => message.conversationId === conversationId)
      .sort((a, b) => a.seq - b.seq)
      .map((message) => structuredClone(message));
  }

  async putPoisonEvent(event: PoisonEvent) {
    if (!this.poisonEvents.has(event.id)) this.poisonEvents.set(event.id, structuredClone(event));
  }

  async listPoisonEvents(query: { before?: string; limit: number }) {
    const before = query.before;
    return [...this.poisonEvents.values()]
      .filter((event) => before === undefined || event.id < before)
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, query.limit)
      .map((event) => structuredClone(event));
  }

  async putProviderMessage(ref: ProviderMessageRef) {
    this.providerMessages.set(`${ref.provider}:${ref.providerMessageId}`, structuredClone(ref));
  }

  async getProviderMessage(provider: string, providerMessageId: string) {
    const ref = this.providerMessages.get(`${provider}:${providerMessageId}`);
    return ref ? structuredClone(ref) : undefined;
  }

  async getNotification(id: string) {
    await this.beforeRead();
    return this.out(this.notifications.get(id));
  }

  async createNotification(notification: Notification) {
    return this.create(this.notifications, notification.id, notification, `notification ${notification.id}`);
  }

  async getSenderPace(number: string) {
    await this.beforeRead();
    return this.out(this.paces.get(number));
  }

  async putSenderPace(pace: SenderPace, etag: string | null) {
    if (etag === null) {
      if (this.paces.has(pace.number)) throw new ConcurrencyError('sender pace was created meanwhile');
      return this.create(this.paces, pace.number, pace, 'sender pace');
    }
    if (!this.paces.has(pace.number)) throw new ConcurrencyError('sender pace vanished');
    return this.replace(this.paces, pace.number, pace, etag, 'sender pace');
  }

  async getAgent(id: string) {
    await this.beforeRead();
    return this.out(this.agents.get(id));
  }

  async createAgent(agent: Agent) {
    return this.create(this.agents, agent.id, agent, `agent ${agent.id}`);
  }

  async replaceAgent(agent: Agent, etag: string) {
    return this.replace(this.agents, agent.id, agent, etag, `agent ${agent.id}`);
  }

  async listAgents(query: AgentQuery = {}) {
    return [...this.agents.values()]
      .filter((row) => matchesAgents(row.value, query))
      .sort(byAgentId)
      .map((row) => this.out(row) as Stored<Agent>);
  }

  async deleteAgent(id: string, etag: string) {
    return this.remove(this.agents, id, etag, `agent ${id}`);
  }

  async getConfiguration() {
    await this.beforeRead();
    return this.out(this.configurations.get('configuration'));
  }

  async putConfiguration(configuration: Configuration, etag: string | null) {
    return this.put(this.configurations, 'configuration', configuration, etag, 'the configuration');
  }

  async getContact(number: PhoneNumber) {
    await this.beforeRead();
    return this.out(this.contacts.get(number));
  }

  async putContact(contact: Contact, etag: string | null) {
    return this.put(this.contacts, contact.number, contact, etag, `contact ${contact.number}`);
  }

  async deleteContact(number: PhoneNumber, etag: string) {
    return this.remove(this.contacts, number, etag, `contact ${number}`);
  }

  async listContacts(query: { after?: string; limit: number }) {
    return [...this.contacts.values()]
      .map((row) => row.value)
      .filter((contact) => query.after === undefined || contact.number > query.after)
      .sort((a, b) => (a.number < b.number ? -1 : 1))
      .slice(0, query.limit)
      .map((contact) => structuredClone(contact));
  }

  async getTemplate(id: string) {
    await this.beforeRead();
    return this.out(this.templates.get(id));
  }

  async putTemplate(template: Template, etag: string | null) {
    return this.put(this.templates, template.id, template, etag, `template ${template.id}`);
  }

  async deleteTemplate(id: string, etag: string) {
    return this.remove(this.templates, id, etag, `template ${id}`);
  }

  async getQuickReply(owner: string, id: string) {
    await this.beforeRead();
    return this.out(this.quickReplies.get(`${owner}/${id}`));
  }

  async putQuickReply(reply: QuickReply, etag: string | null) {
    const key = `${quickReplyOwner(reply)}/${reply.id}`;
    return this.put(this.quickReplies, key, reply, etag, `quick reply ${reply.id}`);
  }

  async deleteQuickReply(owner: string, id: string, etag: string) {
    return this.remove(this.quickReplies, `${owner}/${id}`, etag, `quick reply ${id}`);
  }

  async listQuickReplies(owner: string) {
    return [...this.quickReplies.entries()]
      .filter(([key]) => key.startsWith(`${owner}/`))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, row]) => this.out(row) as Stored<QuickReply>);
  }

  async listTemplates() {
    return [...this.templates.values()]
      .sort((a, b) => a.value.id.localeCompare(b.value.id))
      .map((row) => this.out(row) as Stored<Template>);
  }

  async listCustomerStates(customer: PhoneNumber) {
    return [...this.customers.values()]
      .filter((row) => row.value.customer === customer)
      .sort((a, b) => a.value.channelId.localeCompare(b.value.channelId))
      .map((row) => this.out(row) as Stored<CustomerState>);
  }

  async deleteCustomer(channelId: string, customer: PhoneNumber) {
    return this.customers.delete(`${channelId}|${customer}`);
  }

  async deleteMessage(conversationId: string, id: string) {
    return this.messages.delete(`${conversationId}|${id}`);
  }

  async deleteProviderMessage(provider: string, providerMessageId: string) {
    this.providerMessages.delete(`${provider}:${providerMessageId}`);
  }

  async findNotificationsTo(number: PhoneNumber, page: { limit: number; continuation?: string }) {
    const after = page.continuation ?? '';
    const found = [...this.notifications.values()]
      .filter((row) => row.value.id > after && row.value.recipients.some((r) => r.to === number))
      .sort((a, b) => (a.value.id < b.value.id ? -1 : 1));
    const notifications = found.slice(0, page.limit).map((row) => this.out(row) as Stored<Notification>);
    const last = notifications.at(-1);
    return found.length > page.limit && last
      ? { notifications, continuation: last.value.id }
      : { notifications };
  }

  async replaceNotification(notification: Notification, etag: string) {
    return this.replace(
      this.notifications,
      notification.id,
      notification,
      etag,
      `notification ${notification.id}`,
    );
  }

  async getErasedOptOut(key: string) {
    return this.out(this.erasedOptOuts.get(key));
  }

  async putErasedOptOut(record: ErasedOptOut, etag: string | null) {
    return this.put(this.erasedOptOuts, record.key, record, etag, "an erased customer's opt-outs");
  }

  async expireMessages(query: { channelId: string; createdBefore: string; limit: number }) {
    const channelOf = (conversationId: string) =>
      conversationId.startsWith('notification:')
        ? this.notifications.get(conversationId.slice('notification:'.length))?.value.channelId
        : this.conversations.get(conversationId)?.value.channelId;
    let removed = 0;
    for (const [key, row] of [...this.messages.entries()]) {
      if (removed >= query.limit) break;
      const message = row.value;
      if (message.createdAt < query.createdBefore && channelOf(message.conversationId) === query.channelId) {
        this.messages.delete(key);
        removed += 1;
      }
    }
    return removed;
  }
}
