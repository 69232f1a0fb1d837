import { randomUUID } from 'node:crypto';
import type {
  Container,
  ContainerDefinition,
  IndexingPolicy,
  ItemDefinition,
  JSONObject,
  JSONValue,
  OperationInput,
  SqlParameter,
} from '@azure/cosmos';
import indexingPolicy from '../../infra/cosmos-indexing-policy.json' with { type: 'json' };
import type { Agent } from '../domain/agent.js';
import type { Configuration } from '../domain/configuration.js';
import type { Contact } from '../domain/contact.js';
import {
  type Conversation,
  statesInList,
  statesTakingMessages,
  unclosedStates,
} from '../domain/conversation.js';
import type { CustomerState } from '../domain/customer.js';
import type { ErasedOptOut } from '../domain/erasure.js';
import {
  consentEvents,
  conversationEvents,
  type IntegrationEvent,
  messageEvents,
} from '../domain/integration-event.js';
import type { Message } from '../domain/message.js';
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
  ConversationQuery,
  ConversationSearch,
  CustomerConversationsQuery,
  PendingEvent,
  SenderPick,
  Store,
  Stored,
} from '../ports.js';
import { byAgentId, matchesAgents } from './agent-reads.js';
import { cursorOf, decodeContinuation, encodeContinuation, matchesWork } from './conversation-reads.js';
import { type AgentTruth, CosmosRoster, changedRosters, nextVersion } from './cosmos-roster.js';
import { NAME_KEY, searchableConversation, searchQuery } from './cosmos-search.js';

/**
 * The container's indexing policy, shared with the Bicep deployment (loadJsonContent) so the two
 * cannot drift. Message texts, media, histories and processed ids are never filtered on, so they
 * are left out of the index to keep writes cheap. The composite indexes serve the conversation
 * queries the app makes: the equality filters, then the order (createdAt, id); each query sorts by
 * exactly these paths (see conversationQuery).
 */
export const conversationIndexes = indexingPolicy.compositeIndexes as {
  path: string;
  order: 'ascending' | 'descending';
}[][];

/** The container the store expects (the Bicep deployment creates the same), partitioned on `/pk`. */
export function stateContainerDefinition(id = 'state'): ContainerDefinition {
  // defaultTtl -1: time to live is on, and only an item that carries its own ttl expires.
  return {
    id,
    partitionKey: { paths: ['/pk'] },
    indexingPolicy: indexingPolicy as IndexingPolicy,
    defaultTtl: -1,
  };
}

/** The partition of the work under way: one entry per unclosed conversation, nothing else. */
export const WORK_PARTITION = 'work';

/**
 * The partition the events publisher reads: one pointer per write that made events, naming the
 * partition and ids of those events. The events themselves live with their change (one batch).
 */
export const OUTBOX_PARTITION = 'outbox';

/** A pointer to the events of one write, as the outbox partition keeps it. */
interface OutboxPointer {
  id: string;
  /** The partition of the write, where its events are. */
  at: string;
  eventIds: string[];
  createdAt: string;
  _ts: number;
}

/** Where a pending event is and which pointer led to it: what removing it needs. */
interface OutboxReceipt {
  /** The event document's id and partition. */
  doc: [string, string];
  pointer: string;
  /** The ids of the pointer's events still there when read; the pointer goes once all are removed. */
  present: string[];
}

/** The id of a conversation's settled entry in the work partition (its intents add `~nonce`). */
const workEntryId = (conversationId: string) => `work:${conversationId}`;

/**
 * A read of the work under way as Cosmos SQL over the work partition's entries, with the fields it
 * filters by equality and sorts by. The caller passes the partition key: it is one partition.
 */
export function conversationQuery(query: ConversationQuery) {
  const equality = ['kind'];
  const where = ['c.pk = @pk', "c.kind = 'work'"];
  const parameters: SqlParameter[] = [{ name: '@pk', value: WORK_PARTITION }];
  const filter = (field: string, value: string) => {
    equality.push(field);
    where.push(`c.${field} = @${field}`);
    parameters.push({ name: `@${field}`, value });
  };
  if (query.channelId !== undefined) filter('channelId', query.channelId);
  if (query.queueId !== undefined) filter('queueId', query.queueId);
  if (query.agentId !== undefined) filter('agentId', query.agentId);
  {
    const states = query.states ?? unclosedStates;
    const [only] = states;
    if (states.length === 1 && only) filter('state', only);
    else {
      where.push('ARRAY_CONTAINS(@states, c.state)');
      parameters.push({ name: '@states', value: states });
    }
  }
  if (query.idleBefore !== undefined) {
    // An entry's last activity is never later than its conversation's (the hot path does not
    // touch entries), so this finds every idle conversation and maybe some that are not: the
    // conversation read after decides.
    where.push('c.lastActivityAt < @idleBefore');
    parameters.push({ name: '@idleBefore', value: query.idleBefore });
  }
  if (query.after !== undefined) {
    where.push('(c.createdAt > @afterCreatedAt OR (c.createdAt = @afterCreatedAt AND c.id > @afterId))');
    parameters.push(
      { name: '@afterCreatedAt', value: query.after.createdAt },
      { name: '@afterId', value: workEntryId(query.after.id) },
    );
  }
  // The fields pinned by equality lead the ORDER BY (which leaves the order as it is), so the sort
  // matches a composite index path for path, as Cosmos DB requires of a multi-field ORDER BY.
  // Another combination of filters (an admin's check) sorts by the index every query can use.
  const exact = [...equality, 'createdAt', 'id'];
  const indexed = conversationIndexes.some(
    (index) =>
      index.every((p) => p.order === 'ascending') &&
      index.map((p) => p.path.slice(1)).join() === exact.join(),
  );
  const orderBy = indexed ? exact : ['kind', 'createdAt', 'id'];
  return {
    sql: `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY ${orderBy.map((f) => `c.${f}`).join(', ')}`,
    parameters,
    orderBy,
    /** Whether the equality filters are served by the index as well as the sort. */
    indexed,
  };
}

/** What the work partition keeps of an unclosed conversation: what its reads filter and sort by. */
interface WorkEntry {
  conversationId: string;
  channelId: string;
  queueId: string;
  agentId: string | null;
  state: string;
  createdAt: string;
  lastActivityAt: string;
  /**
   * The conversation's number of transitions when this was written. Every change of state, queue
   * or agent is a transition (the state machine records each), so a larger version is a later
   * truth, and an entry is never set back to an earlier one.
   */
  version: number;
}

const workEntryOf = (conversation: Conversation): WorkEntry => ({
  conversationId: conversation.id,
  channelId: conversation.channelId,
  queueId: conversation.queueId,
  agentId: conversation.agentId,
  state: conversation.state,
  createdAt: conversation.createdAt,
  lastActivityAt: conversation.lastActivityAt,
  version: conversation.history.length,
});

type StoredWorkEntry = WorkEntry & { id: string; _etag: string; _ts: number };

const sameWork = (entry: WorkEntry, truth: WorkEntry) =>
  entry.channelId === truth.channelId &&
  entry.queueId === truth.queueId &&
  entry.agentId === truth.agentId &&
  entry.state === truth.state;

export interface CosmosStoreOptions {
  /**
   * How old an intent (or an entry whose conversation does not exist) must be before a reader
   * treats it as left by a crash and removes it: far longer than any write takes, so a reader never
   * removes the entry of a write still under way.
   */
  staleAfterMs?: number;
  /** The time of events that carry the time of their write (a message's status, consent). */
  clock?: Pick<Clock, 'now'>;
}

type Kind =
  | 'conversation'
  | 'message'
  | 'customer'
  | 'agent'
  | 'pace'
  | 'notification'
  | 'configuration'
  | 'contact'
  | 'template'
  | 'quick-reply'
  | 'history'
  | 'provider-message'
  | 'work'
  | 'event'
  | 'outbox'
  | 'poison-event'
  | 'erased-opt-out'
  | 'notification-sender';

/** Where each document lives: a conversation and its messages share a partition; the rest are alone. */
const keys = {
  conversation: (id: string) => ({ id, pk: id }),
  message: (conversationId: string, id: string) => ({ id, pk: conversationId }),
  customer: (channelId: string, customer: string) => ({ id: channelId, pk: `customer|${customer}` }),
  // The sender a customer hears notifications from lives with their record, alone of its kind.
  notificationSender: (channelId: string, customer: string) => ({
    id: `notification-sender:${channelId}`,
    pk: `customer|${customer}`,
  }),
  // A customer's history lives with their record: one entry per conversation they had, so their
  // history on a channel is a query of their own partition.
  history: (customer: string, conversationId: string) => ({
    id: `history:${conversationId}`,
    pk: `customer|${customer}`,
  }),
  // Each agent alone: the capacity written at every assignment is spread over the agents. They are
  // found through the rosters (shared/adapters/cosmos-roster.ts).
  agent: (id: string) => ({ id, pk: `agent|${id}` }),
  pace: (number: string) => ({ id: 'pace', pk: `pace|${number}` }),
  notification: (id: string) => ({ id, pk: `notification|${id}` }),
  configuration: () => ({ id: 'configuration', pk: 'configuration' }),
  contact: (number: string) => ({ id: number, pk: `contact|${number}` }),
  template: (id: string) => ({ id, pk: `template|${id}` }),
  // An owner's quick replies share a partition (the organization's, or one agent's): the composer's
  // list is a query of one partition each, and no owner's list reads another's.
  quickReply: (owner: string, id: string) => ({ id, pk: `quick-replies|${owner}` }),
  // An event lives in the partition of the document whose change it reports, so the two are
  // written in one transactional batch.
  event: (pk: string, id: string) => ({ id: `event:${encodeURIComponent(id)}`, pk }),
  // Alone in its partition: found by a point read. Provider ids are the providers' own strings, so
  // they are encoded for the id (which may not hold / \ ? #).
  // Poison events share one partition: rare by nature, and an admin's list is then a query of one
  // partition. Their ids start with the time they arrived, so the id orders them.
  poisonEvent: (id: string) => ({ id, pk: 'poison-events' }),
  // Alone in its partition, found by the keyed hash of a number: one point read.
  erasedOptOut: (key: string) => ({ id: key, pk: `erased|${key}` }),
  providerMessage: (provider: string, providerMessageId: string) => {
    const key = encodeURIComponent(`${provider}:${providerMessageId}`);
    return { id: key, pk: `provider-message|${key}` };
  },
};

/** A value as stored: its placement and kind added (the batch API wants plain JSON objects). */
/** What a document holds besides the value: a conversation also its folded name (cosmos-search.ts). */
const stored = (value: object, kind: Kind): object =>
  kind === 'conversation' ? searchableConversation(value as Conversation) : value;

const document = (value: object, place: { id: string; pk: string }, kind: Kind) =>
  JSON.parse(JSON.stringify({ ...stored(value, kind), ...place, kind })) as JSONObject;

/** Customers' senders read or remembered side by side, and tries of one that raced another notification. */
const SENDERS_AT_ONCE = 10;
const REMEMBER_ATTEMPTS = 5;

/** A customer's notification sender on a channel, as stored. */
interface RememberedSender {
  channelId: string;
  customer: PhoneNumber;
  sender: string;
}

async function inGroups<T>(items: readonly T[], work: (item: T) => Promise<void>) {
  for (let start = 0; start < items.length; start += SENDERS_AT_ONCE) {
    await Promise.all(items.slice(start, start + SENDERS_AT_ONCE).map(work));
  }
}

const SYSTEM_FIELDS = ['pk', 'kind', '_rid', '_self', '_etag', '_attachments', '_ts'];

function statusOf(error: unknown): number | undefined {
  const code =
    (error as { code?: unknown; statusCode?: unknown }).code ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The Cosmos DB store: one container partitioned on `/pk`. A conversation and its messages share
 * the conversation's partition, so the inbound path is point reads and single-partition writes; a
 * customer's record (and their history entries) is alone in its partition, and so is each agent.
 * The work under way (one entry per unclosed conversation) has a partition of its own, so the
 * queue, agent, floor and timer reads are single-partition queries whose cost follows the work, not
 * the history; each queue's roster of agents has one too, so the assigner reads only its queue's. ETags carry the optimistic concurrency the use cases rely on. docs/cosmos.md counts what
 * each flow costs and how a reader repairs what a crash leaves.
 */
export class CosmosStore implements Store {
  private readonly staleAfterMs: number;
  /** Outbox pointers this instance wrote: orders those written within one millisecond. */
  private pointers = 0;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly roster: CosmosRoster;

  constructor(
    private readonly container: Container,
    options: CosmosStoreOptions = {},
  ) {
    this.staleAfterMs = options.staleAfterMs ?? 5 * 60_000;
    this.clock = options.clock ?? { now: () => new Date() };
    this.roster = new CosmosRoster(container, this.staleAfterMs);
  }

  private now() {
    return this.clock.now().toISOString();
  }

  /**
   * A write and the events it makes, as one transactional batch in one partition: Cosmos DB applies
   * all of it or none. The document's own operation goes first, so a failed condition (409, 412,
   * 404) stops the batch before any event. The returned ETag is the document's.
   */
  private async writeWithEvents(
    pk: string,
    operations: OperationInput[],
    events: IntegrationEvent[],
    what: string,
  ): Promise<string> {
    const pointer = await this.pointTo(pk, events);
    const response = await this.container.items.batch(
      [
        ...operations,
        ...events.map(
          (event): OperationInput => ({
            operationType: 'Create',
            resourceBody: document({ event, createdAt: event.time }, keys.event(pk, event.id), 'event'),
          }),
        ),
      ],
      pk,
    );
    const results = response.result ?? [];
    const failed = results.find((result) => result.statusCode >= 400 && result.statusCode !== 424);
    if (failed || response.code === undefined || response.code >= 400) {
      const status = failed?.statusCode ?? response.code;
      await this.dropPointer(pointer);
      if (status === 409) throw new AlreadyExistsError(`${what} already exists`);
      if (status === 412) throw new ConcurrencyError(`${what} changed since it was read`);
      if (status === 404) throw new NotFoundError(`${what} does not exist`);
      throw new Error(`writing ${what} failed (${status})`);
    }
    return String(results[0]?.eTag);
  }

  /** What a replace is about to overwrite, read first to derive its events; a stale ETag fails here already. */
  private async before<T>(kind: Kind, place: { id: string; pk: string }, etag: string, what: string) {
    const current = await this.read<T>(kind, place.id, place.pk);
    if (!current) throw new NotFoundError(`${what} does not exist`);
    if (current.etag !== etag) throw new ConcurrencyError(`${what} changed since it was read`);
    return current.value;
  }

  /** Replaces a document under its ETag, with the events the change makes (none: a plain replace). */
  private async replaceWithEvents<T extends object>(
    kind: Kind,
    place: { id: string; pk: string },
    value: T,
    etag: string,
    what: string,
    eventsOf: (before: T) => IntegrationEvent[],
  ) {
    const events = eventsOf(await this.before<T>(kind, place, etag, what));
    if (events.length === 0) return this.replace(kind, place, value, etag, what);
    const written = await this.writeWithEvents(
      place.pk,
      [
        {
          operationType: 'Replace',
          id: place.id,
          // Cosmos DB takes the batch's key; the test server reads each operation's own.
          partitionKey: place.pk,
          resourceBody: document(value, place, kind),
          ifMatch: etag,
        },
      ],
      events,
      what,
    );
    return { value, etag: written };
  }

  /**
   * Points the publisher at the events a write is about to make, before the write: a crash after
   * it leaves a pointer to nothing (dropped once stale, the events never invented), never events
   * no pointer leads to. Each write has its own pointer (a random id), so one that fails can drop
   * its pointer without dropping another writer's pointer to the same event ids.
   */
  private async pointTo(pk: string, events: IntegrationEvent[]): Promise<string | undefined> {
    if (events.length === 0) return undefined;
    // Pointers of the same time go in the order they were written (within an instance; across
    // instances by their clocks), then a random part so two writers never share one.
    this.pointers += 1;
    const id = `outbox:${String(Date.now()).padStart(15, '0')}.${String(this.pointers % 1e9).padStart(9, '0')}:${randomUUID()}`;
    const createdAt = events.map((event) => event.time).sort()[0] ?? this.now();
    await this.container.items.create(
      document(
        { at: pk, eventIds: events.map((event) => event.id), createdAt },
        { id, pk: OUTBOX_PARTITION },
        'outbox',
      ),
    );
    return id;
  }

  /** Drops a pointer whose write surely failed (the service answered no); a gone one is fine. */
  private async dropPointer(id: string | undefined) {
    if (id === undefined) return;
    try {
      await this.container.item(id, OUTBOX_PARTITION).delete();
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  /**
   * One query of the outbox partition (oldest pointers first, served by the (kind, createdAt, id)
   * composite index), then a point read of each event a pointer names, in the write's partition.
   * A write's batch is all or nothing, so a pointer whose events are all missing is either a write
   * still under way or one that never happened (or whose events were all published, the pointer's
   * removal cut short): once stale it is dropped.
   */
  async pendingEvents(limit: number): Promise<PendingEvent[]> {
    const { resources } = await this.container.items
      .query<OutboxPointer>(
        {
          query: `SELECT TOP ${Math.trunc(limit)} c.id, c.at, c.eventIds, c.createdAt, c._ts FROM c WHERE c.pk = @pk AND c.kind = 'outbox' ORDER BY c.kind, c.createdAt, c.id`,
          parameters: [{ name: '@pk', value: OUTBOX_PARTITION }],
        },
        { partitionKey: OUTBOX_PARTITION },
      )
      .fetchAll();
    const pending: PendingEvent[] = [];
    for (const pointer of resources) {
      if (pending.length >= limit) break;
      const found = await Promise.all(
        pointer.eventIds.map(async (eventId) => {
          const place = keys.event(pointer.at, eventId);
          const { resource } = await this.container
            .item(place.id, place.pk)
            .read<{ id: string; event: IntegrationEvent }>();
          return resource;
        }),
      );
      const events = found.flatMap((doc) => (doc ? [doc] : []));
      if (events.length === 0) {
        if (Date.now() - pointer._ts * 1000 > this.staleAfterMs) await this.dropPointer(pointer.id);
        continue;
      }
      const present = events.map((doc) => doc.event.id);
      for (const doc of events.slice(0, limit - pending.length)) {
        const receipt: OutboxReceipt = { doc: [doc.id, pointer.at], pointer: pointer.id, present };
        pending.push({ event: doc.event, receipt: JSON.stringify(receipt) });
      }
    }
    return pending;
  }

  /** Deletes each event, then each pointer whose remaining events were all among them. */
  async removeEvents(receipts: string[]) {
    const byPointer = new Map<string, { present: string[]; removed: Set<string> }>();
    for (const text of receipts) {
      const receipt = JSON.parse(text) as OutboxReceipt;
      const [id, pk] = receipt.doc;
      try {
        await this.container.item(id, pk).delete();
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
      const entry = byPointer.get(receipt.pointer) ?? { present: receipt.present, removed: new Set() };
      entry.removed.add(id);
      byPointer.set(receipt.pointer, entry);
    }
    for (const [pointer, { present, removed }] of byPointer) {
      // An event document's id is derived from the event's id alone (keys.event).
      if (present.every((eventId) => removed.has(keys.event('', eventId).id)))
        await this.dropPointer(pointer);
    }
  }

  private strip<T>(doc: ItemDefinition, kind: Kind): T {
    const value: Record<string, unknown> = { ...doc };
    for (const field of SYSTEM_FIELDS) delete value[field];
    if (kind === 'conversation') delete value[NAME_KEY];
    // These have no id of their own: it is a placement detail.
    if (
      kind === 'customer' ||
      kind === 'pace' ||
      kind === 'configuration' ||
      kind === 'contact' ||
      kind === 'provider-message' ||
      kind === 'erased-opt-out'
    )
      delete value.id;
    // The time to live is the container's business, not the message's.
    if (kind === 'message') delete value.ttl;
    // The store's own bookkeeping, not the agent's.
    if (kind === 'agent') delete value.rosterVersion;
    return value as T;
  }

  private async read<T>(kind: Kind, id: string, pk: string): Promise<Stored<T> | undefined> {
    const { resource } = await this.container.item(id, pk).read<ItemDefinition>();
    if (!resource) return undefined;
    return { value: this.strip<T>(resource, kind), etag: String(resource._etag) };
  }

  private async create<T extends object>(
    kind: Kind,
    place: { id: string; pk: string },
    value: T,
    conflict: () => Error,
  ) {
    try {
      const { resource } = await this.container.items.create({ ...stored(value, kind), ...place, kind });
      return { value, etag: String(resource?._etag) };
    } catch (error) {
      if (statusOf(error) === 409) throw conflict();
      throw error;
    }
  }

  private async replace<T extends object>(
    kind: Kind,
    place: { id: string; pk: string },
    value: T,
    etag: string,
    what: string,
  ) {
    try {
      const { resource } = await this.container
        .item(place.id, place.pk)
        .replace(
          { ...stored(value, kind), ...place, kind },
          { accessCondition: { type: 'IfMatch', condition: etag } },
        );
      return { value, etag: String(resource?._etag) };
    } catch (error) {
      const status = statusOf(error);
      if (status === 412) throw new ConcurrencyError(`${what} changed since it was read`, { cause: error });
      if (status === 404) throw new NotFoundError(`${what} does not exist`, { cause: error });
      throw error;
    }
  }

  /** Creates (etag null: must not exist) or replaces (etag must match); both races are a ConcurrencyError. */
  private put<T extends object>(
    kind: Kind,
    place: { id: string; pk: string },
    value: T,
    etag: string | null,
    what: string,
  ) {
    if (etag === null) {
      return this.create(kind, place, value, () => new ConcurrencyError(`${what} was created meanwhile`));
    }
    return this.replace(kind, place, value, etag, what).catch((error) => {
      throw error instanceof NotFoundError
        ? new ConcurrencyError(`${what} vanished`, { cause: error })
        : error;
    });
  }

  private async remove(place: { id: string; pk: string }, etag: string, what: string): Promise<boolean> {
    try {
      await this.container
        .item(place.id, place.pk)
        .delete({ accessCondition: { type: 'IfMatch', condition: etag } });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return false;
      if (status === 412) throw new ConcurrencyError(`${what} changed since it was read`, { cause: error });
      throw error;
    }
  }

  private async query<T>(kind: Kind, query: string, parameters: SqlParameter[], partitionKey?: string) {
    const { resources } = await this.container.items
      .query<ItemDefinition>({ query, parameters }, partitionKey === undefined ? {} : { partitionKey })
      .fetchAll();
    return resources.map((doc) => ({ value: this.strip<T>(doc, kind), etag: String(doc._etag) }));
  }

  getCustomer(channelId: string, customer: PhoneNumber) {
    const { id, pk } = keys.customer(channelId, customer);
    return this.read<CustomerState>('customer', id, pk);
  }

  async putCustomer(state: CustomerState, etag: string | null) {
    const place = keys.customer(state.channelId, state.customer);
    const at = this.now();
    if (etag === null) {
      const events = consentEvents(undefined, state, at);
      if (events.length === 0) {
        return this.create(
          'customer',
          place,
          state,
          () => new ConcurrencyError('customer state was created meanwhile'),
        );
      }
      try {
        const written = await this.writeWithEvents(
          place.pk,
          [{ operationType: 'Create', resourceBody: document(state, place, 'customer') }],
          events,
          'customer state',
        );
        return { value: state, etag: written };
      } catch (error) {
        if (error instanceof AlreadyExistsError)
          throw new ConcurrencyError('customer state was created meanwhile', { cause: error });
        throw error;
      }
    }
    return this.replaceWithEvents('customer', place, state, etag, 'customer state', (before) =>
      consentEvents(before as CustomerState, state, at),
    ).catch((error) => {
      throw error instanceof NotFoundError
        ? new ConcurrencyError('customer state vanished', { cause: error })
        : error;
    });
  }

  async getNotificationSenders(channelId: string, customers: readonly PhoneNumber[]) {
    const senders = new Map<PhoneNumber, string>();
    await inGroups(customers, async (customer) => {
      const { id, pk } = keys.notificationSender(channelId, customer);
      const found = await this.read<RememberedSender>('notification-sender', id, pk);
      if (found) senders.set(customer, found.value.sender);
    });
    return senders;
  }

  /**
   * Each customer in their own partition, so one write each (ten at a time), each conditional: a
   * notification accepted meanwhile that remembered a sender first is kept.
   */
  async rememberNotificationSenders(
    channelId: string,
    pool: readonly string[],
    picks: readonly SenderPick[],
  ) {
    const senders = new Map<PhoneNumber, string>();
    await inGroups(picks, async ({ customer, sender }) => {
      const place = keys.notificationSender(channelId, customer);
      const value: RememberedSender = { channelId, customer, sender };
      const raced = () => new ConcurrencyError('the sender was remembered meanwhile');
      // Created first, as most customers a pool remembers are new to it; read only when one exists.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.create('notification-sender', place, value, raced);
          senders.set(customer, sender);
          return;
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
        }
        const stored = await this.read<RememberedSender>('notification-sender', place.id, place.pk);
        const kept = inPool(pool, stored?.value.sender);
        if (kept !== undefined) {
          senders.set(customer, kept);
          return;
        }
        if (stored) {
          try {
            await this.replace('notification-sender', place, value, stored.etag, 'sender');
            senders.set(customer, sender);
            return;
          } catch (error) {
            const lost = error instanceof ConcurrencyError || error instanceof NotFoundError;
            if (!lost) throw error;
          }
        }
        if (attempt === REMEMBER_ATTEMPTS) throw new ConcurrencyError('the sender kept changing meanwhile');
      }
    });
    return senders;
  }

  async listNotificationSenders(customer: PhoneNumber) {
    const { pk } = keys.notificationSender('', customer);
    const found = await this.query<RememberedSender>(
      'notification-sender',
      "SELECT * FROM c WHERE c.pk = @pk AND c.kind = 'notification-sender'",
      [{ name: '@pk', value: pk }],
      pk,
    );
    return found
      .map(({ value }) => ({ channelId: value.channelId, sender: value.sender }))
      .sort((a, b) => a.channelId.localeCompare(b.channelId));
  }

  async deleteNotificationSenders(customer: PhoneNumber) {
    const remembered = await this.listNotificationSenders(customer);
    for (const { channelId } of remembered)
      await this.deleteItem(keys.notificationSender(channelId, customer));
    return remembered.map(({ channelId }) => channelId);
  }

  getConversation(id: string) {
    return this.read<Conversation>('conversation', id, id);
  }

  /**
   * The customer's history entry, written before the conversation: a crash in between leaves an
   * entry without its conversation, which the history read skips, never a conversation missing from
   * the history. Upserted, so a retried creation writes it again harmlessly.
   */
  private async writeHistoryEntry(conversation: Conversation) {
    const entry = {
      conversationId: conversation.id,
      channelId: conversation.channelId,
      createdAt: conversation.createdAt,
    };
    await this.container.items.upsert(
      document(entry, keys.history(conversation.customer, conversation.id), 'history'),
    );
  }

  async createConversation(conversation: Conversation) {
    await this.openWork(conversation);
    await this.writeHistoryEntry(conversation);
    const place = keys.conversation(conversation.id);
    const written = await this.writeWithEvents(
      place.pk,
      [{ operationType: 'Create', resourceBody: document(conversation, place, 'conversation') }],
      conversationEvents(undefined, conversation),
      `conversation ${conversation.id}`,
    );
    return { value: conversation, etag: written };
  }

  /** A transactional batch in the conversation's partition: both documents, or neither. */
  async createConversationWithMessage(conversation: Conversation, message: Message) {
    await this.openWork(conversation);
    await this.writeHistoryEntry(conversation);
    const pk = conversation.id;
    const events = [
      ...conversationEvents(undefined, conversation),
      ...messageEvents(undefined, message, this.now()),
    ];
    const pointer = await this.pointTo(pk, events);
    const response = await this.container.items.batch(
      [
        {
          operationType: 'Create',
          resourceBody: document(conversation, keys.conversation(conversation.id), 'conversation'),
        },
        {
          operationType: 'Create',
          resourceBody: document(this.withTtl(message), keys.message(pk, message.id), 'message'),
        },
        ...events.map(
          (event): OperationInput => ({
            operationType: 'Create',
            resourceBody: document({ event, createdAt: event.time }, keys.event(pk, event.id), 'event'),
          }),
        ),
      ],
      pk,
    );
    const results = response.result ?? [];
    const failed = results.find((result) => result.statusCode >= 400 && result.statusCode !== 424);
    if (failed || response.code === undefined || response.code >= 400) {
      const status = failed?.statusCode ?? response.code;
      await this.dropPointer(pointer);
      if (status === 409) throw new AlreadyExistsError(`conversation ${conversation.id} already exists`);
      throw new Error(`creating conversation ${conversation.id} failed (${status})`);
    }
    return { value: conversation, etag: String(results[0]?.eTag) };
  }

  /**
   * Replaces the conversation and keeps its entry in the work partition in step. The two live in
   * different partitions, so no batch holds both; instead a crash may leave the work partition
   * saying too much, never too little. Unless the settled entry already holds this very truth, an
   * intent (a second entry with the new values) is written first, then the conversation under its
   * ETag, then the settled entry (never set back to an earlier version) and the intent removed.
   * A closing conversation's entry is removed after it closes. Readers repair what a crash leaves.
   */
  async replaceConversation(conversation: Conversation, etag: string) {
    const entry = workEntryOf(conversation);
    const closing = conversation.state === 'closed';
    const settled = closing ? undefined : await this.readWork(conversation.id);
    const current = settled !== undefined && settled.version === entry.version && sameWork(settled, entry);
    const intent = closing || current ? undefined : await this.writeIntent(entry);
    let stored: Stored<Conversation>;
    try {
      stored = await this.replaceWithEvents(
        'conversation',
        keys.conversation(conversation.id),
        conversation,
        etag,
        `conversation ${conversation.id}`,
        (before) => conversationEvents(before, conversation),
      );
    } catch (error) {
      // Best effort: an intent left behind is removed by a reader once it is stale.
      if (intent !== undefined) await this.removeWork(intent).catch(() => undefined);
      throw error;
    }
    if (closing) await this.removeWork(workEntryId(conversation.id));
    else if (intent !== undefined) {
      await this.settleWork(entry);
      await this.removeWork(intent);
    }
    return stored;
  }

  /** A new conversation's entry, written before it: an entry whose conversation never came is removed by a reader. */
  private async openWork(conversation: Conversation) {
    if (conversation.state === 'closed') return;
    const id = workEntryId(conversation.id);
    try {
      await this.container.items.create(
        document(workEntryOf(conversation), { id, pk: WORK_PARTITION }, 'work'),
      );
    } catch (error) {
      // Left by an earlier attempt of the same creation: the conversation's own create decides.
      if (statusOf(error) !== 409) throw error;
    }
  }

  private async readWork(conversationId: string): Promise<StoredWorkEntry | undefined> {
    const { resource } = await this.container
      .item(workEntryId(conversationId), WORK_PARTITION)
      .read<StoredWorkEntry>();
    return resource;
  }

  private async writeIntent(entry: WorkEntry): Promise<string> {
    const id = `${workEntryId(entry.conversationId)}~${randomUUID()}`;
    await this.container.items.create(document(entry, { id, pk: WORK_PARTITION }, 'work'));
    return id;
  }

  /** Removes an entry or intent; gone already, or changed since it was read (etag given), is fine. */
  private async removeWork(id: string, etag?: string) {
    try {
      await this.container
        .item(id, WORK_PARTITION)
        .delete(etag === undefined ? {} : { accessCondition: { type: 'IfMatch', condition: etag } });
    } catch (error) {
      const status = statusOf(error);
      if (status !== 404 && status !== 412) throw error;
    }
  }

  /** Writes the settled entry at this truth, unless a later truth is settled already. */
  private async settleWork(entry: WorkEntry) {
    const id = workEntryId(entry.conversationId);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await this.container.item(id, WORK_PARTITION).patch({
          condition: `FROM c WHERE c.version <= ${entry.version}`,
          operations: Object.entries(entry).map(([field, value]) => ({
            op: 'set' as const,
            path: `/${field}`,
            value: value as JSONValue,
          })),
        });
        return;
      } catch (error) {
        const status = statusOf(error);
        if (status === 412) return;
        if (status !== 404) throw error;
      }
      try {
        await this.container.items.create(document(entry, { id, pk: WORK_PARTITION }, 'work'));
        return;
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
      }
    }
    throw new ConcurrencyError(`the work entry of conversation ${entry.conversationId} kept changing`);
  }

  /**
   * What a reader does with the entries of one conversation it read through the work partition,
   * the conversation being the truth: a stale intent is settled at the truth and removed, a settled
   * entry that disagrees is rewritten (or removed, once the conversation is closed or never came),
   * and an entry that looked idle while its conversation was not gets its last activity, so the
   * auto-close timer does not read that conversation again every minute.
   */
  private async repairWork(
    entries: StoredWorkEntry[],
    truth: Stored<Conversation> | undefined,
    query: ConversationQuery,
  ) {
    const stale = (entry: StoredWorkEntry) => Date.now() - entry._ts * 1000 > this.staleAfterMs;
    const actual = truth ? workEntryOf(truth.value) : undefined;
    const underWay = actual !== undefined && actual.state !== 'closed';
    for (const entry of entries) {
      if (entry.id !== workEntryId(entry.conversationId)) {
        if (!stale(entry)) continue;
        if (underWay) await this.settleWork(actual);
        await this.removeWork(entry.id, entry._etag);
      } else if (actual === undefined) {
        if (stale(entry)) await this.removeWork(entry.id, entry._etag);
      } else if (!underWay) {
        await this.removeWork(entry.id, entry._etag);
      } else if (!sameWork(entry, actual) && entry.version < actual.version) {
        await this.settleWork(actual);
      } else if (
        query.idleBefore !== undefined &&
        entry.lastActivityAt < query.idleBefore &&
        actual.lastActivityAt >= query.idleBefore
      ) {
        // Under the entry's ETag as read: a write since then knows better.
        await this.container
          .item(entry.id, WORK_PARTITION)
          .patch([{ op: 'set', path: '/lastActivityAt', value: actual.lastActivityAt }], {
            accessCondition: { type: 'IfMatch', condition: entry._etag },
          })
          .catch((error: unknown) => {
            const status = statusOf(error);
            if (status !== 404 && status !== 412) throw error;
          });
      }
    }
  }

  async takeNextSeq(conversationId: string, at: string) {
    try {
      const { resource } = await this.container.item(conversationId, conversationId).patch<ItemDefinition>({
        condition: `FROM c WHERE c.state IN (${statesInList(statesTakingMessages)})`,
        operations: [
          { op: 'incr', path: '/lastSeq', value: 1 },
          { op: 'set', path: '/lastActivityAt', value: at },
        ],
      });
      if (!resource) return undefined;
      return { value: this.strip<Conversation>(resource, 'conversation'), etag: String(resource._etag) };
    } catch (error) {
      const status = statusOf(error);
      // 412: the condition failed (waiting or closed); 404: no such conversation.
      if (status === 412 || status === 404) return undefined;
      throw error;
    }
  }

  /**
   * One query of the work partition (never the history), then a point read of each conversation
   * found: the conversation is the truth, so an entry a crash left behind is re-checked, repaired,
   * and returned only when its conversation matches too.
   */
  async findConversations(query: ConversationQuery) {
    if (query.states?.length === 0) return [];
    const { sql, parameters } = conversationQuery(query);
    const limit = query.limit === undefined ? undefined : Math.max(1, Math.trunc(query.limit));
    const entries = this.container.items.query<StoredWorkEntry>(
      { query: sql, parameters },
      { partitionKey: WORK_PARTITION, ...(limit === undefined ? {} : { maxItemCount: limit }) },
    );
    const found: Stored<Conversation>[] = [];
    const seen = new Set<string>();
    while ((limit === undefined || found.length < limit) && entries.hasMoreResults()) {
      const { resources } = await entries.fetchNext();
      const groups = new Map<string, StoredWorkEntry[]>();
      for (const entry of resources) {
        if (seen.has(entry.conversationId)) continue;
        groups.set(entry.conversationId, [...(groups.get(entry.conversationId) ?? []), entry]);
      }
      const ids = [...groups.keys()];
      for (const id of ids) seen.add(id);
      const truths = await Promise.all(ids.map((id) => this.getConversation(id)));
      for (const [index, id] of ids.entries()) {
        const truth = truths[index];
        await this.repairWork(groups.get(id) ?? [], truth, query);
        if (truth && matchesWork(truth.value, query) && (limit === undefined || found.length < limit))
          found.push(truth);
      }
    }
    return found;
  }

  /**
   * One query of the customer's partition for their history entries on the channel (newest first,
   * served by the descending (kind, channelId, createdAt, id) index), then a point read of each
   * conversation: the conversation is the truth, an entry without one is skipped. Cosmos DB would
   * also read the ascending index backwards; the descending one is declared for the test server.
   */
  async findCustomerConversations(query: CustomerConversationsQuery) {
    const { pk } = keys.customer(query.channelId, query.customer);
    const parameters: SqlParameter[] = [
      { name: '@pk', value: pk },
      { name: '@channelId', value: query.channelId },
    ];
    let before = '';
    if (query.before !== undefined) {
      before =
        ' AND (c.createdAt < @beforeCreatedAt OR (c.createdAt = @beforeCreatedAt AND c.id < @beforeId))';
      parameters.push(
        { name: '@beforeCreatedAt', value: query.before.createdAt },
        { name: '@beforeId', value: keys.history(query.customer, query.before.id).id },
      );
    }
    const limit = Math.trunc(query.limit);
    const entries = this.container.items.query<{ conversationId: string }>(
      {
        query: `SELECT c.conversationId FROM c WHERE c.pk = @pk AND c.kind = 'history' AND c.channelId = @channelId${before} ORDER BY c.kind DESC, c.channelId DESC, c.createdAt DESC, c.id DESC`,
        parameters,
      },
      { partitionKey: pk, maxItemCount: limit },
    );
    const found: Stored<Conversation>[] = [];
    while (found.length < limit && entries.hasMoreResults()) {
      const { resources } = await entries.fetchNext();
      const read = await Promise.all(resources.map((entry) => this.getConversation(entry.conversationId)));
      for (const stored of read) {
        if (stored?.value.customer === query.customer && found.length < limit) found.push(stored);
      }
    }
    return found;
  }

  /**
   * One query across the conversations' partitions, newest first, served by a composite index
   * (cosmos-search.ts). The continuation is where the page ended, as on the embedded store, so a
   * caller's token is checked before anything is read.
   */
  async searchConversations(search: ConversationSearch, page: { limit: number; continuation?: string }) {
    const before = page.continuation === undefined ? undefined : decodeContinuation(page.continuation);
    if (search.states?.length === 0) return { conversations: [] };
    const limit = Math.max(1, Math.trunc(page.limit));
    const { sql, parameters } = searchQuery(search, before);
    const iterator = this.container.items.query<ItemDefinition>(
      { query: sql, parameters },
      { maxItemCount: limit + 1 },
    );
    const found: Stored<Conversation>[] = [];
    // A cross-partition page may come back short of maxItemCount: read on until one more than the
    // page (which says there is a next one) or the end.
    while (found.length <= limit && iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      for (const doc of resources)
        found.push({ value: this.strip<Conversation>(doc, 'conversation'), etag: String(doc._etag) });
    }
    const conversations = found.slice(0, limit);
    const last = conversations.at(-1);
    return found.length > limit && last
      ? { conversations, continuation: encodeContinuation(cursorOf(last.value)) }
      : { conversations };
  }

  getMessage(conversationId: string, id: string) {
    return this.read<Message>('message', id, conversationId);
  }

  async createMessage(message: Message) {
    const place = keys.message(message.conversationId, message.id);
    const events = messageEvents(undefined, message, this.now());
    if (events.length === 0) {
      const created = await this.create('message', place, this.withTtl(message), () => {
        return new AlreadyExistsError(`message ${message.id} already exists`);
      });
      return { value: message, etag: created.etag };
    }
    const written = await this.writeWithEvents(
      place.pk,
      [{ operationType: 'Create', resourceBody: document(this.withTtl(message), place, 'message') }],
      events,
      `message ${message.id}`,
    );
    return { value: message, etag: written };
  }

  async replaceMessage(message: Message, etag: string) {
    const at = this.now();
    // A replace writes the whole document: the ttl goes with it, or the message would stop expiring.
    const written = await this.replaceWithEvents(
      'message',
      keys.message(message.conversationId, message.id),
      this.withTtl(message),
      etag,
      `message ${message.id}`,
      (before) => messageEvents(before, message, at),
    );
    return { value: message, etag: written.etag };
  }

  /**
   * The message as written: with its channel's retention as the item's time to live (seconds since
   * its last write; the container has TTL on, docs/cosmos.md), when the channel sets one.
   */
  private withTtl(message: Message): Message {
    const days = this.retentionDaysOf(message);
    return days === undefined ? message : ({ ...message, ttl: days * 86_400 } as Message);
  }

  /**
   * How long a message's channel keeps messages, in days: the app sets it once its directory is
   * read (a message names its channel by the channel's number: `to` inbound, `from` outbound).
   */
  retainMessagesFor(retentionDaysOf: (message: Message) => number | undefined) {
    this.retentionDaysOf = retentionDaysOf;
  }

  private retentionDaysOf: (message: Message) => number | undefined = () => undefined;

  async listCustomerStates(customer: PhoneNumber) {
    const { pk } = keys.customer('', customer);
    const found = await this.query<CustomerState>(
      'customer',
      "SELECT * FROM c WHERE c.pk = @pk AND c.kind = 'customer'",
      [{ name: '@pk', value: pk }],
      pk,
    );
    return found.sort((a, b) => a.value.channelId.localeCompare(b.value.channelId));
  }

  /** The record, then the history entries on that channel: all in the customer's partition. */
  async deleteCustomer(channelId: string, customer: PhoneNumber) {
    const place = keys.customer(channelId, customer);
    const removed = await this.deleteItem(place);
    const { resources } = await this.container.items
      .query<{ id: string }>(
        {
          query: "SELECT c.id FROM c WHERE c.pk = @pk AND c.kind = 'history' AND c.channelId = @channelId",
          parameters: [
            { name: '@pk', value: place.pk },
            { name: '@channelId', value: channelId },
          ],
        },
        { partitionKey: place.pk },
      )
      .fetchAll();
    for (const entry of resources) await this.deleteItem({ id: entry.id, pk: place.pk });
    return removed;
  }

  /** Removes an item whatever its ETag; false when it was not there. */
  private async deleteItem(place: { id: string; pk: string }): Promise<boolean> {
    try {
      await this.container.item(place.id, place.pk).delete();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  deleteMessage(conversationId: string, id: string) {
    return this.deleteItem(keys.message(conversationId, id));
  }

  async deleteProviderMessage(provider: string, providerMessageId: string) {
    await this.deleteItem(keys.providerMessage(provider, providerMessageId));
  }

  /** A query of every partition (notifications are one per partition), a page at a time: an admin's erasure or export. */
  async findNotificationsTo(number: PhoneNumber, page: { limit: number; continuation?: string }) {
    const iterator = this.container.items.query<ItemDefinition>(
      {
        query:
          "SELECT * FROM c WHERE c.kind = 'notification' AND EXISTS(SELECT VALUE r FROM r IN c.recipients WHERE r.to = @to)",
        parameters: [{ name: '@to', value: number }],
      },
      {
        maxItemCount: Math.trunc(page.limit),
        ...(page.continuation === undefined ? {} : { continuationToken: page.continuation }),
      },
    );
    const { resources, continuationToken } = await iterator.fetchNext();
    const notifications = resources.map((doc) => ({
      value: this.strip<Notification>(doc, 'notification'),
      etag: String(doc._etag),
    }));
    return continuationToken && iterator.hasMoreResults()
      ? { notifications, continuation: continuationToken }
      : { notifications };
  }

  replaceNotification(notification: Notification, etag: string) {
    return this.replace(
      'notification',
      keys.notification(notification.id),
      notification,
      etag,
      `notification ${notification.id}`,
    );
  }

  async getErasedOptOut(key: string) {
    const { id, pk } = keys.erasedOptOut(key);
    return this.read<ErasedOptOut>('erased-opt-out', id, pk);
  }

  putErasedOptOut(record: ErasedOptOut, etag: string | null) {
    return this.put(
      'erased-opt-out',
      keys.erasedOptOut(record.key),
      record,
      etag,
      "an erased customer's opt-outs",
    );
  }

  async listMessages(conversationId: string) {
    const found = await this.query<Message>(
      'message',
      "SELECT * FROM c WHERE c.pk = @pk AND c.kind = 'message' ORDER BY c.seq",
      [{ name: '@pk', value: conversationId }],
      conversationId,
    );
    return found.map((stored) => stored.value);
  }

  async putProviderMessage(ref: ProviderMessageRef) {
    const place = keys.providerMessage(ref.provider, ref.providerMessageId);
    await this.container.items.upsert(document(ref, place, 'provider-message'));
  }

  async getProviderMessage(provider: string, providerMessageId: string) {
    const { id, pk } = keys.providerMessage(provider, providerMessageId);
    return (await this.read<ProviderMessageRef>('provider-message', id, pk))?.value;
  }

  async putPoisonEvent(event: PoisonEvent) {
    try {
      await this.container.items.create(document(event, keys.poisonEvent(event.id), 'poison-event'));
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
  }

  async listPoisonEvents(query: { before?: string; limit: number }) {
    const found = await this.query<PoisonEvent>(
      'poison-event',
      `SELECT TOP ${Math.trunc(query.limit)} * FROM c WHERE c.pk = @pk AND c.kind = 'poison-event' AND c.id < @before ORDER BY c.id DESC`,
      [
        { name: '@pk', value: keys.poisonEvent('').pk },
        { name: '@before', value: query.before ?? '\uffff' },
      ],
      keys.poisonEvent('').pk,
    );
    return found.map((stored) => stored.value);
  }

  getNotification(id: string) {
    const { pk } = keys.notification(id);
    return this.read<Notification>('notification', id, pk);
  }

  createNotification(notification: Notification) {
    return this.create('notification', keys.notification(notification.id), notification, () => {
      return new AlreadyExistsError(`notification ${notification.id} already exists`);
    });
  }

  getSenderPace(number: string) {
    const { id, pk } = keys.pace(number);
    return this.read<SenderPace>('pace', id, pk);
  }

  putSenderPace(pace: SenderPace, etag: string | null) {
    const place = keys.pace(pace.number);
    if (etag === null) {
      return this.create(
        'pace',
        place,
        pace,
        () => new ConcurrencyError('the pace of a sender number was created meanwhile'),
      );
    }
    return this.replace('pace', place, pace, etag, 'the pace of a sender number').catch((error) => {
      throw error instanceof NotFoundError
        ? new ConcurrencyError('sender pace vanished', { cause: error })
        : error;
    });
  }

  getAgent(id: string) {
    const { pk } = keys.agent(id);
    return this.read<Agent>('agent', id, pk);
  }

  /** The agent with the version its rosters were written at (kept in the document, never returned). */
  private async readAgentTruth(id: string): Promise<AgentTruth | undefined> {
    const { pk } = keys.agent(id);
    const { resource } = await this.container.item(id, pk).read<ItemDefinition>();
    if (!resource) return undefined;
    const version = typeof resource.rosterVersion === 'number' ? resource.rosterVersion : 0;
    return { agent: this.strip<Agent>(resource, 'agent'), etag: String(resource._etag), version };
  }

  /**
   * Creates the agent in its own partition, with its roster entries: intents first (so a crash
   * leaves the rosters saying too much, never too little), the agent, then the settled entries.
   */
  async createAgent(agent: Agent) {
    const version = nextVersion(0);
    const intents = await this.roster.writeIntents(undefined, agent, version);
    let created: Stored<Agent>;
    try {
      created = await this.create(
        'agent',
        keys.agent(agent.id),
        { ...agent, rosterVersion: version },
        () => new AlreadyExistsError(`agent ${agent.id} already exists`),
      );
    } catch (error) {
      await this.roster.removeIntents(intents).catch(() => undefined);
      throw error;
    }
    await this.roster.settle(agent.id, agent, version, changedRosters(undefined, agent));
    await this.roster.removeIntents(intents);
    return { value: agent, etag: created.etag };
  }

  /**
   * Replaces the agent under its ETag. A change of capacity in use (every assignment) is one write
   * in the agent's own partition; a change of presence or queues also brings the rosters it touches
   * in step, in the order createAgent follows. One point read first, to know which.
   */
  async replaceAgent(agent: Agent, etag: string) {
    const what = `agent ${agent.id}`;
    const current = await this.readAgentTruth(agent.id);
    if (!current) throw new NotFoundError(`${what} does not exist`);
    if (current.etag !== etag) throw new ConcurrencyError(`${what} changed since it was read`);
    const rosters = changedRosters(current.agent, agent);
    const version = rosters.length === 0 ? current.version : nextVersion(current.version);
    const intents = await this.roster.writeIntents(current.agent, agent, version);
    let replaced: Stored<unknown>;
    try {
      replaced = await this.replace(
        'agent',
        keys.agent(agent.id),
        { ...agent, rosterVersion: version },
        etag,
        what,
      );
    } catch (error) {
      // Best effort: an intent left behind is removed by a reader once it is stale.
      await this.roster.removeIntents(intents).catch(() => undefined);
      throw error;
    }
    if (rosters.length > 0) {
      await this.roster.settle(agent.id, agent, version, rosters);
      await this.roster.removeIntents(intents);
    }
    return { value: agent, etag: replaced.etag };
  }

  /**
   * One query of one roster (the queue's, or the directory of every agent), then a point read of
   * each agent found: never a query of every partition, and never the agents of other queues.
   */
  async listAgents(query: AgentQuery = {}) {
    const found = await this.roster.find(query, (id) => this.readAgentTruth(id));
    return found
      .filter((truth) => matchesAgents(truth.agent, query))
      .map((truth) => ({ value: truth.agent, etag: truth.etag }))
      .sort(byAgentId);
  }

  /** Removes the agent under its ETag, then its roster entries (a reader removes any a crash leaves). */
  async deleteAgent(id: string, etag: string) {
    const current = await this.readAgentTruth(id);
    if (!current) return false;
    const removed = await this.remove(keys.agent(id), etag, `agent ${id}`);
    if (removed)
      await this.roster.settle(id, undefined, current.version, changedRosters(current.agent, undefined));
    return removed;
  }

  getConfiguration() {
    const { id, pk } = keys.configuration();
    return this.read<Configuration>('configuration', id, pk);
  }

  putConfiguration(configuration: Configuration, etag: string | null) {
    return this.put('configuration', keys.configuration(), configuration, etag, 'the configuration');
  }

  getContact(number: PhoneNumber) {
    const { id, pk } = keys.contact(number);
    return this.read<Contact>('contact', id, pk);
  }

  putContact(contact: Contact, etag: string | null) {
    return this.put('contact', keys.contact(contact.number), contact, etag, `contact ${contact.number}`);
  }

  deleteContact(number: PhoneNumber, etag: string) {
    return this.remove(keys.contact(number), etag, `contact ${number}`);
  }

  async listContacts(query: { after?: string; limit: number }) {
    const found = await this.query<Contact>(
      'contact',
      `SELECT TOP ${Math.trunc(query.limit)} * FROM c WHERE c.kind = 'contact' AND c.id > @after ORDER BY c.id`,
      [{ name: '@after', value: query.after ?? '' }],
    );
    return found.map((stored) => stored.value);
  }

  getTemplate(id: string) {
    const { pk } = keys.template(id);
    return this.read<Template>('template', id, pk);
  }

  putTemplate(template: Template, etag: string | null) {
    return this.put('template', keys.template(template.id), template, etag, `template ${template.id}`);
  }

  deleteTemplate(id: string, etag: string) {
    return this.remove(keys.template(id), etag, `template ${id}`);
  }

  getQuickReply(owner: string, id: string) {
    const { pk } = keys.quickReply(owner, id);
    return this.read<QuickReply>('quick-reply', id, pk);
  }

  putQuickReply(reply: QuickReply, etag: string | null) {
    const place = keys.quickReply(quickReplyOwner(reply), reply.id);
    return this.put('quick-reply', place, reply, etag, `quick reply ${reply.id}`);
  }

  deleteQuickReply(owner: string, id: string, etag: string) {
    return this.remove(keys.quickReply(owner, id), etag, `quick reply ${id}`);
  }

  listQuickReplies(owner: string) {
    const { pk } = keys.quickReply(owner, '');
    return this.query<QuickReply>(
      'quick-reply',
      "SELECT * FROM c WHERE c.pk = @pk AND c.kind = 'quick-reply' ORDER BY c.id",
      [{ name: '@pk', value: pk }],
      pk,
    );
  }

  listTemplates() {
    return this.query<Template>('template', "SELECT * FROM c WHERE c.kind = 'template' ORDER BY c.id", []);
  }
}
