import type { Agent } from '../domain/agent.js';
import type { Configuration } from '../domain/configuration.js';
import type { Contact } from '../domain/contact.js';
import { type Conversation, statesInList, statesTakingMessages } from '../domain/conversation.js';
import type { CustomerState } from '../domain/customer.js';
import type { ErasedOptOut } from '../domain/erasure.js';
import {
  consentEvents,
  conversationEvents,
  type IntegrationEvent,
  messageEvents,
} from '../domain/integration-event.js';
import type { Message } from '../domain/message.js';
import { foldName } from '../domain/name-fold.js';
import type { Notification } from '../domain/notification.js';
import type { PhoneNumber } from '../domain/phone.js';
import type { PoisonEvent } from '../domain/poison-event.js';
import type { ProviderMessageRef } from '../domain/provider-message.js';
import { type QuickReply, quickReplyOwner } from '../domain/quick-reply.js';
import type { SenderPace } from '../domain/sender-pace.js';
import { inPool } from '../domain/sticky-sender.js';
import type { Template } from '../domain/template.js';
import { AlreadyExistsError, ConcurrencyError, NotFoundError } from '../errors.js';
import type {
  AgentQuery,
  Clock,
  ConversationCursor,
  ConversationQuery,
  ConversationSearch,
  CustomerConversationsQuery,
  PendingEvent,
  SenderPick,
  Store,
  Stored,
  TranscriptExpiry,
} from '../ports.js';
import { cursorOf, decodeContinuation, encodeContinuation } from './conversation-reads.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { prepareStoreSchema } from './sqlite-store-schema.js';

/** Documents an admin writes (configuration, contacts, templates): read by key, listed by kind. */
type RecordKind =
  | 'configuration'
  | 'contact'
  | 'template'
  | 'quick-reply'
  | 'provider-message'
  | 'poison-event'
  | 'erased-opt-out';

interface Row {
  etag: number;
  doc: string;
}

const stored = <T>(row: Row): Stored<T> => ({ value: JSON.parse(row.doc) as T, etag: String(row.etag) });

/**
 * The embedded store: one table per Cosmos DB document kind, the document kept whole as JSON and
 * the queried fields copied into columns. ETags are per-row version numbers, so the optimistic
 * concurrency the use cases rely on behaves as it does in Cosmos DB. Each write of a conversation,
 * message or customer record writes the integration events it makes into the outbox in the same
 * SQLite transaction: both, or neither.
 */
export class SqliteStore implements Store, TranscriptExpiry {
  private readonly statements;
  /**
   * One transaction wrapper, built once (as the queue's): better-sqlite3 builds four wrappers per
   * `db.transaction()`, which cost each write several times the statement it ran. IMMEDIATE: most
   * writes read the row first (its ETag, the events it makes), and a transaction begun as a read
   * cannot take the write lock once another connection (the local host's other thread) has
   * committed since: SQLite answers "database is locked" at once instead of waiting its busy
   * timeout. Begun IMMEDIATE, it waits for the lock and then reads the latest rows.
   */
  private readonly atomic: <T>(work: () => T) => T;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Pick<Clock, 'now'> = { now: () => new Date() },
  ) {
    prepareStoreSchema(db);
    const transaction = db.transaction((work: () => unknown) => work());
    this.atomic = <T>(work: () => T) => transaction.immediate(work) as T;
    // A search by name compares names folded as every store folds them (case and accents ignored).
    db.function('sms_fold_name', { deterministic: true }, (name: unknown) =>
      typeof name === 'string' ? foldName(name) : null,
    );
    this.statements = {
      insertEvent: db.prepare('INSERT OR IGNORE INTO outbox (id, doc) VALUES (?, ?)'),
      pendingEvents: db.prepare<[number], { seq: number; doc: string }>(
        'SELECT seq, doc FROM outbox ORDER BY seq LIMIT ?',
      ),
      removeEvent: db.prepare('DELETE FROM outbox WHERE seq = ?'),
      getCustomer: db.prepare<[string, string], Row>(
        'SELECT etag, doc FROM customers WHERE channel_id = ? AND customer = ?',
      ),
      insertCustomer: db.prepare(
        'INSERT OR IGNORE INTO customers (channel_id, customer, etag, doc) VALUES (?, ?, 1, ?)',
      ),
      updateCustomer: db.prepare(
        'UPDATE customers SET etag = etag + 1, doc = ? WHERE channel_id = ? AND customer = ? AND etag = ?',
      ),
      getNotificationSender: db.prepare<[string, string], { sender: string }>(
        'SELECT sender FROM notification_senders WHERE channel_id = ? AND customer = ?',
      ),
      putNotificationSender: db.prepare(
        'INSERT OR REPLACE INTO notification_senders (channel_id, customer, sender) VALUES (?, ?, ?)',
      ),
      listNotificationSenders: db.prepare<[string], { channel_id: string; sender: string }>(
        'SELECT channel_id, sender FROM notification_senders WHERE customer = ? ORDER BY channel_id',
      ),
      deleteNotificationSenders: db.prepare('DELETE FROM notification_senders WHERE customer = ?'),
      getConversation: db.prepare<[string], Row>('SELECT etag, doc FROM conversations WHERE id = ?'),
      insertConversation: db.prepare(
        `INSERT OR IGNORE INTO conversations
           (id, channel_id, queue_id, agent_id, state, created_at, last_activity_at, etag, doc, customer, case_number)
         VALUES (@id, @channelId, @queueId, @agentId, @state, @createdAt, @lastActivityAt, 1, @doc, @customer, @caseNumber)`,
      ),
      // Apart from updateConversation, so only a change of customer (an erasure) rewrites its indexes.
      updateConversationKeys: db.prepare(
        'UPDATE conversations SET customer = @customer, case_number = @caseNumber WHERE id = @id',
      ),
      updateConversation: db.prepare(
        `UPDATE conversations SET channel_id = @channelId, queue_id = @queueId, agent_id = @agentId, state = @state,
           last_activity_at = @lastActivityAt, etag = etag + 1, doc = @doc WHERE id = @id AND etag = @etag`,
      ),
      takeNextSeq: db.prepare<[string, string, string], Row>(
        `UPDATE conversations SET etag = etag + 1, last_activity_at = ?,
           doc = json_set(doc, '$.lastSeq', json_extract(doc, '$.lastSeq') + 1, '$.lastActivityAt', ?)
         WHERE id = ? AND state IN (${statesInList(statesTakingMessages)}) RETURNING etag, doc`,
      ),
      getMessage: db.prepare<[string, string], Row>(
        'SELECT etag, doc FROM messages WHERE conversation_id = ? AND id = ?',
      ),
      insertMessage: db.prepare(
        'INSERT OR IGNORE INTO messages (conversation_id, id, seq, etag, doc) VALUES (?, ?, ?, 1, ?)',
      ),
      updateMessage: db.prepare(
        'UPDATE messages SET etag = etag + 1, doc = ? WHERE conversation_id = ? AND id = ? AND etag = ?',
      ),
      listMessages: db.prepare<[string], { doc: string }>(
        'SELECT doc FROM messages WHERE conversation_id = ? ORDER BY seq, rowid',
      ),
      getNotification: db.prepare<[string], Row>('SELECT etag, doc FROM notifications WHERE id = ?'),
      insertNotification: db.prepare('INSERT OR IGNORE INTO notifications (id, etag, doc) VALUES (?, 1, ?)'),
      getPace: db.prepare<[string], Row>('SELECT etag, doc FROM sender_paces WHERE number = ?'),
      insertPace: db.prepare('INSERT OR IGNORE INTO sender_paces (number, etag, doc) VALUES (?, 1, ?)'),
      updatePace: db.prepare(
        'UPDATE sender_paces SET etag = etag + 1, doc = ? WHERE number = ? AND etag = ?',
      ),
      getAgent: db.prepare<[string], Row>('SELECT etag, doc FROM agents WHERE id = ?'),
      insertAgent: db.prepare('INSERT OR IGNORE INTO agents (id, etag, doc) VALUES (?, 1, ?)'),
      updateAgent: db.prepare('UPDATE agents SET etag = etag + 1, doc = ? WHERE id = ? AND etag = ?'),
      listAgents: db.prepare<{ presence: string | null }, Row>(
        `SELECT etag, doc FROM agents
         WHERE @presence IS NULL OR json_extract(doc, '$.presence') = @presence ORDER BY id`,
      ),
      // A queue's roster: only its members' rows are read, as in Cosmos DB.
      listQueueAgents: db.prepare<{ queueId: string; presence: string | null }, Row>(
        `SELECT a.etag, a.doc FROM agent_queues q JOIN agents a ON a.id = q.agent_id
         WHERE q.queue_id = @queueId AND (@presence IS NULL OR json_extract(a.doc, '$.presence') = @presence)
         ORDER BY a.id`,
      ),
      deleteAgent: db.prepare('DELETE FROM agents WHERE id = ? AND etag = ?'),
      insertAgentQueue: db.prepare('INSERT OR IGNORE INTO agent_queues (queue_id, agent_id) VALUES (?, ?)'),
      deleteAgentQueues: db.prepare('DELETE FROM agent_queues WHERE agent_id = ?'),
      getRecord: db.prepare<[RecordKind, string], Row>(
        'SELECT etag, doc FROM records WHERE kind = ? AND id = ?',
      ),
      insertRecord: db.prepare('INSERT OR IGNORE INTO records (kind, id, etag, doc) VALUES (?, ?, 1, ?)'),
      listRecordsBefore: db.prepare<[RecordKind, string, number], Row>(
        'SELECT etag, doc FROM records WHERE kind = ? AND id < ? ORDER BY id DESC LIMIT ?',
      ),
      upsertRecord: db.prepare(
        `INSERT INTO records (kind, id, etag, doc) VALUES (?, ?, 1, ?)
         ON CONFLICT (kind, id) DO UPDATE SET etag = etag + 1, doc = excluded.doc`,
      ),
      updateRecord: db.prepare(
        'UPDATE records SET etag = etag + 1, doc = ? WHERE kind = ? AND id = ? AND etag = ?',
      ),
      deleteRecord: db.prepare('DELETE FROM records WHERE kind = ? AND id = ? AND etag = ?'),
      listRecords: db.prepare<[RecordKind, string, number], Row>(
        'SELECT etag, doc FROM records WHERE kind = ? AND id > ? ORDER BY id LIMIT ?',
      ),
      customerStates: db.prepare<[string], Row>(
        'SELECT etag, doc FROM customers WHERE customer = ? ORDER BY channel_id',
      ),
      deleteCustomer: db.prepare('DELETE FROM customers WHERE channel_id = ? AND customer = ?'),
      deleteMessage: db.prepare('DELETE FROM messages WHERE conversation_id = ? AND id = ?'),
      deleteAnyRecord: db.prepare('DELETE FROM records WHERE kind = ? AND id = ?'),
      notificationsTo: db.prepare<{ to: string; after: string; limit: number }, Row>(
        `SELECT etag, doc FROM notifications WHERE id > @after AND EXISTS
           (SELECT 1 FROM json_each(doc, '$.recipients') r WHERE json_extract(r.value, '$.to') = @to)
         ORDER BY id LIMIT @limit`,
      ),
      updateNotification: db.prepare(
        'UPDATE notifications SET etag = etag + 1, doc = ? WHERE id = ? AND etag = ?',
      ),
      // A channel's messages: its conversations' and its notifications' (which have a partition of
      // their own, notification:<id>). A daily sweep of the embedded default, so a scan is fine.
      expireMessages: db.prepare<{ channelId: string; before: string; limit: number }>(
        `DELETE FROM messages WHERE rowid IN (
           SELECT m.rowid FROM messages m WHERE json_extract(m.doc, '$.createdAt') < @before AND (
             m.conversation_id IN (SELECT id FROM conversations WHERE channel_id = @channelId)
             OR m.conversation_id IN (SELECT 'notification:' || id FROM notifications
                                      WHERE json_extract(doc, '$.channelId') = @channelId))
           LIMIT @limit)`,
      ),
    };
  }

  async getCustomer(channelId: string, customer: PhoneNumber) {
    const row = this.statements.getCustomer.get(channelId, customer);
    return row ? stored<CustomerState>(row) : undefined;
  }

  async putCustomer(state: CustomerState, etag: string | null) {
    const doc = JSON.stringify(state);
    this.atomic(() => {
      const before = this.statements.getCustomer.get(state.channelId, state.customer);
      const changes =
        etag === null
          ? this.statements.insertCustomer.run(state.channelId, state.customer, doc).changes
          : this.statements.updateCustomer.run(doc, state.channelId, state.customer, Number(etag)).changes;
      if (changes === 0)
        throw new ConcurrencyError(`customer state changed since it was read (${state.channelId})`);
      const previous = before ? (JSON.parse(before.doc) as CustomerState) : undefined;
      this.record(consentEvents(previous, state, this.now()));
    });
    return { value: state, etag: String(etag === null ? 1 : Number(etag) + 1) };
  }

  async getNotificationSenders(channelId: string, customers: readonly PhoneNumber[]) {
    const senders = new Map<PhoneNumber, string>();
    for (const customer of customers) {
      const row = this.statements.getNotificationSender.get(channelId, customer);
      if (row) senders.set(customer, row.sender);
    }
    return senders;
  }

  async rememberNotificationSenders(
    channelId: string,
    pool: readonly string[],
    picks: readonly SenderPick[],
  ) {
    const senders = new Map<PhoneNumber, string>();
    if (picks.length === 0) return senders;
    this.atomic(() => {
      for (const { customer, sender } of picks) {
        const kept = inPool(pool, this.statements.getNotificationSender.get(channelId, customer)?.sender);
        if (kept !== undefined) {
          senders.set(customer, kept);
          continue;
        }
        this.statements.putNotificationSender.run(channelId, customer, sender);
        senders.set(customer, sender);
      }
    });
    return senders;
  }

  async listNotificationSenders(customer: PhoneNumber) {
    return this.statements.listNotificationSenders
      .all(customer)
      .map((row) => ({ channelId: row.channel_id, sender: row.sender }));
  }

  async deleteNotificationSenders(customer: PhoneNumber) {
    return this.atomic(() => {
      const channels = this.statements.listNotificationSenders.all(customer).map((row) => row.channel_id);
      this.statements.deleteNotificationSenders.run(customer);
      return channels;
    });
  }

  private now() {
    return this.clock.now().toISOString();
  }

  /** Into the outbox, inside the caller's transaction; an id already there is the same event. */
  private record(events: IntegrationEvent[]) {
    for (const event of events) this.statements.insertEvent.run(event.id, JSON.stringify(event));
  }

  async pendingEvents(limit: number): Promise<PendingEvent[]> {
    return this.statements.pendingEvents
      .all(Math.trunc(limit))
      .map((row) => ({ event: JSON.parse(row.doc) as IntegrationEvent, receipt: String(row.seq) }));
  }

  async removeEvents(receipts: string[]) {
    this.atomic(() => {
      for (const receipt of receipts) this.statements.removeEvent.run(Number(receipt));
    });
  }

  async getConversation(id: string) {
    const row = this.statements.getConversation.get(id);
    return row ? stored<Conversation>(row) : undefined;
  }

  private conversationParams(conversation: Conversation) {
    return {
      id: conversation.id,
      channelId: conversation.channelId,
      queueId: conversation.queueId,
      agentId: conversation.agentId,
      state: conversation.state,
      createdAt: conversation.createdAt,
      lastActivityAt: conversation.lastActivityAt,
      doc: JSON.stringify(conversation),
    };
  }

  private static conversationKeys(conversation: Conversation) {
    return {
      id: conversation.id,
      customer: conversation.customer,
      caseNumber: conversation.caseNumber ?? null,
    };
  }

  private insertConversation(conversation: Conversation) {
    return this.statements.insertConversation.run({
      ...this.conversationParams(conversation),
      ...SqliteStore.conversationKeys(conversation),
    }).changes;
  }

  async createConversation(conversation: Conversation) {
    this.atomic(() => {
      if (this.insertConversation(conversation) === 0) {
        throw new AlreadyExistsError(`conversation ${conversation.id} already exists`);
      }
      this.record(conversationEvents(undefined, conversation));
    });
    return { value: conversation, etag: '1' };
  }

  async createConversationWithMessage(conversation: Conversation, message: Message) {
    this.atomic(() => {
      if (this.insertConversation(conversation) === 0) {
        throw new AlreadyExistsError(`conversation ${conversation.id} already exists`);
      }
      const doc = JSON.stringify(message);
      if (
        this.statements.insertMessage.run(message.conversationId, message.id, message.seq, doc).changes === 0
      ) {
        throw new AlreadyExistsError(`message ${message.id} already exists`);
      }
      this.record(conversationEvents(undefined, conversation));
      this.record(messageEvents(undefined, message, this.now()));
    });
    return { value: conversation, etag: '1' };
  }

  async replaceConversation(conversation: Conversation, etag: string) {
    const params = { ...this.conversationParams(conversation), etag: Number(etag) };
    this.atomic(() => {
      const before = this.statements.getConversation.get(conversation.id);
      if (!before) throw new NotFoundError(`conversation ${conversation.id} does not exist`);
      if (this.statements.updateConversation.run(params).changes === 0) {
        throw new ConcurrencyError(`conversation ${conversation.id} changed since it was read`);
      }
      const previous = JSON.parse(before.doc) as Conversation;
      if (previous.customer !== conversation.customer || previous.caseNumber !== conversation.caseNumber)
        this.statements.updateConversationKeys.run(SqliteStore.conversationKeys(conversation));
      this.record(conversationEvents(previous, conversation));
    });
    return { value: conversation, etag: String(Number(etag) + 1) };
  }

  async takeNextSeq(conversationId: string, at: string) {
    const row = this.statements.takeNextSeq.get(at, at, conversationId);
    return row ? stored<Conversation>(row) : undefined;
  }

  /** The filters the two conversation reads share, as SQL. */
  private conversationFilters(query: ConversationSearch, after?: ConversationCursor) {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    const equal = (column: string, name: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = @${name}`);
      params[name] = value;
    };
    equal('channel_id', 'channelId', query.channelId);
    equal('queue_id', 'queueId', query.queueId);
    equal('agent_id', 'agentId', query.agentId);
    if (query.states !== undefined) {
      const names = query.states.map((state, index) => {
        params[`state${index}`] = state;
        return `@state${index}`;
      });
      where.push(names.length > 0 ? `state IN (${names.join(', ')})` : '0');
    }
    if (query.createdFrom !== undefined) {
      where.push('created_at >= @createdFrom');
      params.createdFrom = query.createdFrom;
    }
    if (query.createdBefore !== undefined) {
      where.push('created_at < @createdBefore');
      params.createdBefore = query.createdBefore;
    }
    if (after !== undefined) {
      where.push('(created_at > @afterCreatedAt OR (created_at = @afterCreatedAt AND id > @afterId))');
      params.afterCreatedAt = after.createdAt;
      params.afterId = after.id;
    }
    return { where, params };
  }

  private selectConversations(where: string[], params: Record<string, string | number>, tail: string) {
    const sql = `SELECT etag, doc FROM conversations ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ${tail}`;
    return this.db
      .prepare<Record<string, string | number>, Row>(sql)
      .all(params)
      .map((row) => stored<Conversation>(row));
  }

  async findConversations(query: ConversationQuery) {
    const { where, params } = this.conversationFilters(query, query.after);
    // Written as the partial index conversations_work is, so the floor reads only work under way.
    where.push("state <> 'closed'");
    if (query.idleBefore !== undefined) {
      where.push('last_activity_at < @idleBefore');
      params.idleBefore = query.idleBefore;
    }
    const limit = query.limit !== undefined ? `LIMIT ${Math.trunc(query.limit)}` : '';
    return this.selectConversations(where, params, `ORDER BY created_at, id ${limit}`);
  }

  async findCustomerConversations(query: CustomerConversationsQuery) {
    const where = ['channel_id = @channelId', 'customer = @customer'];
    const params: Record<string, string | number> = {
      channelId: query.channelId,
      customer: query.customer,
    };
    if (query.before !== undefined) {
      where.push('(created_at < @beforeCreatedAt OR (created_at = @beforeCreatedAt AND id < @beforeId))');
      params.beforeCreatedAt = query.before.createdAt;
      params.beforeId = query.before.id;
    }
    return this.selectConversations(
      where,
      params,
      `ORDER BY created_at DESC, id DESC LIMIT ${Math.trunc(query.limit)}`,
    );
  }

  async searchConversations(search: ConversationSearch, page: { limit: number; continuation?: string }) {
    const before = page.continuation === undefined ? undefined : decodeContinuation(page.continuation);
    const { where, params } = this.conversationFilters(search);
    if (search.customer !== undefined) {
      where.push('customer = @customer');
      params.customer = search.customer;
    }
    if (search.caseNumber !== undefined) {
      where.push('case_number = @caseNumber');
      params.caseNumber = search.caseNumber;
    }
    if (search.customerNamePrefix !== undefined) {
      // substr, not LIKE: a name's % or _ is a letter here, not a wildcard.
      where.push(
        "substr(sms_fold_name(json_extract(doc, '$.customerName')), 1, length(@namePrefix)) = @namePrefix",
      );
      params.namePrefix = search.customerNamePrefix;
    }
    if (search.visibleTo !== undefined) {
      const queues = search.visibleTo.queueIds.map((queueId, index) => {
        params[`visibleQueue${index}`] = queueId;
        return `@visibleQueue${index}`;
      });
      where.push(
        `(${queues.length > 0 ? `queue_id IN (${queues.join(', ')}) OR ` : ''}agent_id = @visibleAgent)`,
      );
      params.visibleAgent = search.visibleTo.agentId;
    }
    if (before !== undefined) {
      where.push('(created_at < @beforeCreatedAt OR (created_at = @beforeCreatedAt AND id < @beforeId))');
      params.beforeCreatedAt = before.createdAt;
      params.beforeId = before.id;
    }
    const limit = Math.trunc(page.limit);
    const found = this.selectConversations(
      where,
      params,
      `ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
    );
    const conversations = found.slice(0, limit);
    const last = conversations.at(-1);
    return found.length > limit && last
      ? { conversations, continuation: encodeContinuation(cursorOf(last.value)) }
      : { conversations };
  }

  async getMessage(conversationId: string, id: string) {
    const row = this.statements.getMessage.get(conversationId, id);
    return row ? stored<Message>(row) : undefined;
  }

  async createMessage(message: Message) {
    const doc = JSON.stringify(message);
    this.atomic(() => {
      if (
        this.statements.insertMessage.run(message.conversationId, message.id, message.seq, doc).changes === 0
      ) {
        throw new AlreadyExistsError(`message ${message.id} already exists`);
      }
      this.record(messageEvents(undefined, message, this.now()));
    });
    return { value: message, etag: '1' };
  }

  async replaceMessage(message: Message, etag: string) {
    this.atomic(() => {
      const before = this.statements.getMessage.get(message.conversationId, message.id);
      if (!before) throw new NotFoundError(`message ${message.id} does not exist`);
      const changes = this.statements.updateMessage.run(
        JSON.stringify(message),
        message.conversationId,
        message.id,
        Number(etag),
      ).changes;
      if (changes === 0) throw new ConcurrencyError(`message ${message.id} changed since it was read`);
      this.record(messageEvents(JSON.parse(before.doc) as Message, message, this.now()));
    });
    return { value: message, etag: String(Number(etag) + 1) };
  }

  async listMessages(conversationId: string) {
    return this.statements.listMessages.all(conversationId).map((row) => JSON.parse(row.doc) as Message);
  }

  async getNotification(id: string) {
    const row = this.statements.getNotification.get(id);
    return row ? stored<Notification>(row) : undefined;
  }

  async createNotification(notification: Notification) {
    if (this.statements.insertNotification.run(notification.id, JSON.stringify(notification)).changes === 0) {
      throw new AlreadyExistsError(`notification ${notification.id} already exists`);
    }
    return { value: notification, etag: '1' };
  }

  async getSenderPace(number: string) {
    const row = this.statements.getPace.get(number);
    return row ? stored<SenderPace>(row) : undefined;
  }

  async putSenderPace(pace: SenderPace, etag: string | null) {
    const doc = JSON.stringify(pace);
    const changes =
      etag === null
        ? this.statements.insertPace.run(pace.number, doc).changes
        : this.statements.updatePace.run(doc, pace.number, Number(etag)).changes;
    if (changes === 0) throw new ConcurrencyError(`the pace of a sender number changed since it was read`);
    return { value: pace, etag: String(etag === null ? 1 : Number(etag) + 1) };
  }

  async getAgent(id: string) {
    const row = this.statements.getAgent.get(id);
    return row ? stored<Agent>(row) : undefined;
  }

  /** The agent's rows in the queues' rosters, in the caller's transaction. */
  private writeAgentQueues(agentId: string, queueIds: readonly string[]) {
    this.statements.deleteAgentQueues.run(agentId);
    for (const queueId of queueIds) this.statements.insertAgentQueue.run(queueId, agentId);
  }

  async createAgent(agent: Agent) {
    this.atomic(() => {
      if (this.statements.insertAgent.run(agent.id, JSON.stringify(agent)).changes === 0) {
        throw new AlreadyExistsError(`agent ${agent.id} already exists`);
      }
      this.writeAgentQueues(agent.id, agent.queueIds);
    });
    return { value: agent, etag: '1' };
  }

  async replaceAgent(agent: Agent, etag: string) {
    this.atomic(() => {
      if (this.statements.updateAgent.run(JSON.stringify(agent), agent.id, Number(etag)).changes === 0) {
        if (!this.statements.getAgent.get(agent.id))
          throw new NotFoundError(`agent ${agent.id} does not exist`);
        throw new ConcurrencyError(`agent ${agent.id} changed since it was read`);
      }
      this.writeAgentQueues(agent.id, agent.queueIds);
    });
    return { value: agent, etag: String(Number(etag) + 1) };
  }

  async listAgents(query: AgentQuery = {}) {
    const presence = query.presence ?? null;
    const rows =
      query.queueId === undefined
        ? this.statements.listAgents.all({ presence })
        : this.statements.listQueueAgents.all({ queueId: query.queueId, presence });
    return rows.map((row) => stored<Agent>(row));
  }

  async deleteAgent(id: string, etag: string) {
    const removed = this.atomic(() => {
      if (this.statements.deleteAgent.run(id, Number(etag)).changes === 0) return false;
      this.writeAgentQueues(id, []);
      return true;
    });
    if (removed) return true;
    if (this.statements.getAgent.get(id)) throw new ConcurrencyError(`agent ${id} changed since it was read`);
    return false;
  }

  private getRecord<T>(kind: RecordKind, id: string): Stored<T> | undefined {
    const row = this.statements.getRecord.get(kind, id);
    return row ? stored<T>(row) : undefined;
  }

  private putRecord<T>(kind: RecordKind, id: string, value: T, etag: string | null, what: string): Stored<T> {
    const doc = JSON.stringify(value);
    const changes =
      etag === null
        ? this.statements.insertRecord.run(kind, id, doc).changes
        : this.statements.updateRecord.run(doc, kind, id, Number(etag)).changes;
    if (changes === 0) throw new ConcurrencyError(`${what} changed since it was read`);
    return { value, etag: String(etag === null ? 1 : Number(etag) + 1) };
  }

  private deleteRecord(kind: RecordKind, id: string, etag: string, what: string): boolean {
    if (this.statements.deleteRecord.run(kind, id, Number(etag)).changes > 0) return true;
    if (this.statements.getRecord.get(kind, id))
      throw new ConcurrencyError(`${what} changed since it was read`);
    return false;
  }

  async putProviderMessage(ref: ProviderMessageRef) {
    this.statements.upsertRecord.run(
      'provider-message',
      `${ref.provider}:${ref.providerMessageId}`,
      JSON.stringify(ref),
    );
  }

  async getProviderMessage(provider: string, providerMessageId: string) {
    return this.getRecord<ProviderMessageRef>('provider-message', `${provider}:${providerMessageId}`)?.value;
  }

  async putPoisonEvent(event: PoisonEvent) {
    this.statements.insertRecord.run('poison-event', event.id, JSON.stringify(event));
  }

  async listPoisonEvents(query: { before?: string; limit: number }) {
    // Every id sorts before U+FFFF: no cursor means from the newest.
    return this.statements.listRecordsBefore
      .all('poison-event', query.before ?? '\uffff', Math.trunc(query.limit))
      .map((row) => JSON.parse(row.doc) as PoisonEvent);
  }

  async getConfiguration() {
    return this.getRecord<Configuration>('configuration', 'configuration');
  }

  async putConfiguration(configuration: Configuration, etag: string | null) {
    return this.putRecord('configuration', 'configuration', configuration, etag, 'the configuration');
  }

  async getContact(number: PhoneNumber) {
    return this.getRecord<Contact>('contact', number);
  }

  async putContact(contact: Contact, etag: string | null) {
    return this.putRecord('contact', contact.number, contact, etag, `contact ${contact.number}`);
  }

  async deleteContact(number: PhoneNumber, etag: string) {
    return this.deleteRecord('contact', number, etag, `contact ${number}`);
  }

  async listContacts(query: { after?: string; limit: number }) {
    return this.statements.listRecords
      .all('contact', query.after ?? '', Math.trunc(query.limit))
      .map((row) => JSON.parse(row.doc) as Contact);
  }

  async getTemplate(id: string) {
    return this.getRecord<Template>('template', id);
  }

  async putTemplate(template: Template, etag: string | null) {
    return this.putRecord('template', template.id, template, etag, `template ${template.id}`);
  }

  async deleteTemplate(id: string, etag: string) {
    return this.deleteRecord('template', id, etag, `template ${id}`);
  }

  // Keyed <owner>/<id>: an owner's replies are one range of the primary key.
  async getQuickReply(owner: string, id: string) {
    return this.getRecord<QuickReply>('quick-reply', `${owner}/${id}`);
  }

  async putQuickReply(reply: QuickReply, etag: string | null) {
    const key = `${quickReplyOwner(reply)}/${reply.id}`;
    return this.putRecord('quick-reply', key, reply, etag, `quick reply ${reply.id}`);
  }

  async deleteQuickReply(owner: string, id: string, etag: string) {
    return this.deleteRecord('quick-reply', `${owner}/${id}`, etag, `quick reply ${id}`);
  }

  async listQuickReplies(owner: string) {
    const found: Stored<QuickReply>[] = [];
    for (const row of this.statements.listRecords.iterate('quick-reply', `${owner}/`, -1)) {
      const reply = stored<QuickReply>(row);
      if (quickReplyOwner(reply.value) !== owner) break;
      found.push(reply);
    }
    return found;
  }

  async listTemplates() {
    return this.statements.listRecords.all('template', '', -1).map((row) => stored<Template>(row));
  }

  async listCustomerStates(customer: PhoneNumber) {
    return this.statements.customerStates.all(customer).map((row) => stored<CustomerState>(row));
  }

  async deleteCustomer(channelId: string, customer: PhoneNumber) {
    return this.statements.deleteCustomer.run(channelId, customer).changes > 0;
  }

  async deleteMessage(conversationId: string, id: string) {
    return this.statements.deleteMessage.run(conversationId, id).changes > 0;
  }

  async deleteProviderMessage(provider: string, providerMessageId: string) {
    this.statements.deleteAnyRecord.run('provider-message', `${provider}:${providerMessageId}`);
  }

  async findNotificationsTo(number: PhoneNumber, page: { limit: number; continuation?: string }) {
    const limit = Math.trunc(page.limit);
    const rows = this.statements.notificationsTo.all({
      to: number,
      after: page.continuation ?? '',
      limit: limit + 1,
    });
    const notifications = rows.slice(0, limit).map((row) => stored<Notification>(row));
    const last = notifications.at(-1);
    return rows.length > limit && last ? { notifications, continuation: last.value.id } : { notifications };
  }

  async replaceNotification(notification: Notification, etag: string) {
    const changes = this.statements.updateNotification.run(
      JSON.stringify(notification),
      notification.id,
      Number(etag),
    ).changes;
    if (changes === 0) {
      if (!this.statements.getNotification.get(notification.id))
        throw new NotFoundError(`notification ${notification.id} does not exist`);
      throw new ConcurrencyError(`notification ${notification.id} changed since it was read`);
    }
    return { value: notification, etag: String(Number(etag) + 1) };
  }

  async getErasedOptOut(key: string) {
    return this.getRecord<ErasedOptOut>('erased-opt-out', key);
  }

  async putErasedOptOut(record: ErasedOptOut, etag: string | null) {
    return this.putRecord('erased-opt-out', record.key, record, etag, "an erased customer's opt-outs");
  }

  async expireMessages(query: { channelId: string; createdBefore: string; limit: number }) {
    return this.statements.expireMessages.run({
      channelId: query.channelId,
      before: query.createdBefore,
      limit: Math.trunc(query.limit),
    }).changes;
  }
}
