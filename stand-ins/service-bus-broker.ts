/**
 * A small AMQP 1.0 broker that answers the real `@azure/service-bus` SDK the way Service Bus does,
 * for the features this project relies on: claims-based auth ($cbs), senders with duplicate
 * detection and scheduled enqueue (one message or a batch of them), session receivers (next available or named) with session locks
 * that expire and renew, settlement (complete, abandon, dead-letter) with delivery counts and
 * dead-lettering at the maximum, session state, and peek on a queue and its dead-letter queue. A
 * queue's dead letters are received from `<queue>/$DeadLetterQueue` as Service Bus gives them: no
 * sessions, each message under its own lock, with its DeadLetterReason and
 * DeadLetterErrorDescription among the application properties; complete removes one, abandon
 * leaves it (one delivery more), and one a receiver neither settles stays locked until its lock
 * expires, even when the receiver goes away.
 *
 * It runs on an injected clock, so a test can move time past a lock or a schedule. It exists to
 * check our use of the SDK over the wire; it is not Service Bus, and says nothing about Service
 * Bus' throughput, partitioning or failure modes.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import rhea, { type Delivery, type EventContext, type Message, type Receiver, type Sender } from 'rhea';

const SESSION_FILTER = 'com.microsoft:session-filter';
const LOCKED_UNTIL = 'com.microsoft:locked-until-utc';
const DEAD_LETTER = 'com.microsoft:dead-letter';
const DEAD_LETTER_QUEUE = '/$DeadLetterQueue';
/** .NET ticks (100 ns since 0001-01-01) at the Unix epoch: Service Bus sends lock times as ticks. */
const EPOCH_TICKS = 621_355_968_000_000_000n;

export interface BrokerOptions {
  queues: string[];
  /** The broker's idea of now, in milliseconds (a manual clock in tests). */
  now?: () => number;
  lockDurationMs?: number;
  maxDeliveryCount?: number;
  duplicateWindowMs?: number;
}

interface Stored {
  seq: number;
  messageId: string;
  sessionId: string;
  message: Message;
  enqueuedAt: number;
  /** Deliveries that did not end in completion (the AMQP header's delivery-count). */
  deliveryCount: number;
  /** Set while the message waits for its scheduled time. */
  dueAt?: number;
  /** The link it was delivered on, while unsettled. */
  inFlight?: { link: Sender };
  deadLetterReason?: string;
  deadLetterDescription?: string;
  /** A dead letter's own lock, while a dead-letter receiver holds it. */
  lockedUntil?: number;
}

interface SessionState {
  lockedUntil: number;
  owner?: Sender;
  /** Bumped on every new lock, so a holder whose lock expired is recognised as stale. */
  epoch: number;
  state?: Buffer;
}

interface Entity {
  messages: Stored[];
  deadLetters: Stored[];
  sessions: Map<string, SessionState>;
  seen: Map<string, number>;
}

/** The part of rhea's link internals the broker sets when it answers an attach (untyped in rhea). */
interface AttachFrame {
  local: { attach: { source?: unknown; properties?: Record<string, unknown>; max_message_size?: number } };
}

/**
 * The transfer format of a batch (Service Bus' own): the envelope's body is one data section per
 * message, each a whole encoded AMQP message with its own id, session and annotations.
 */
const BATCH_FORMAT = 0x80013700;

/** The messages a batch envelope carries (one data section holds one; rhea lists several). */
function batched(bytes: Buffer): Message[] {
  const body = rhea.message.decode(bytes).body as { content?: Buffer | Buffer[] } | undefined;
  const content = body?.content;
  const sections = content === undefined ? [] : Array.isArray(content) ? content : [content];
  return sections.map((section): Message => ({ body: undefined, ...rhea.message.decode(section) }));
}

const sessionOf = (message: Message) => String(message.group_id ?? '');

const ticks = (ms: number) => {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(EPOCH_TICKS + BigInt(ms) * 10_000n);
  return rhea.types.wrap_long(buffer);
};

const outcome = rhea.message as unknown as {
  accepted(): { described(): unknown };
  rejected(fields: { error: { condition: string; description: string } }): { described(): unknown };
};

export class ServiceBusBroker {
  // Abandon arrives as `modified`; rhea would also raise it as `released` unless told not to.
  private readonly container = rhea.create_container({
    id: 'service-bus-stand-in',
    treat_modified_as_released: false,
  } as never);
  /** Which stored message each unsettled delivery carries. */
  private readonly carried = new WeakMap<object, Stored>();
  private readonly entities = new Map<string, Entity>();
  /** Links clients receive replies on ($cbs and $management). */
  private readonly replyLinks = new Set<Sender>();
  /** Each session receiver's session, by link. */
  private readonly sessionLinks = new Map<Sender, { entity: string; sessionId: string; epoch: number }>();
  /** Receivers of a queue's dead letters, by link: the queue's name. */
  private readonly deadLetterLinks = new Map<Sender, string>();
  private server: ReturnType<typeof rhea.listen> | undefined;
  private seq = 0;
  private readonly now: () => number;
  private readonly lockMs: number;
  private readonly maxDeliveries: number;
  private readonly windowMs: number;

  constructor(options: BrokerOptions) {
    this.now = options.now ?? Date.now;
    this.lockMs = options.lockDurationMs ?? 30_000;
    this.maxDeliveries = options.maxDeliveryCount ?? 10;
    this.windowMs = options.duplicateWindowMs ?? 600_000;
    for (const queue of options.queues) {
      this.entities.set(queue, { messages: [], deadLetters: [], sessions: new Map(), seen: new Map() });
    }
    this.container.sasl_server_mechanisms.enable_anonymous();
    this.container.sasl_server_mechanisms.enable_plain(() => true);
    this.container.on('sender_open', (context: EventContext) => this.onSenderOpen(context));
    this.container.on('receiver_open', (context: EventContext) => this.onReceiverOpen(context));
    this.container.on('message', (context: EventContext) => this.onMessage(context));
    this.container.on('sendable', (context: EventContext) => this.pump(context.sender as Sender));
    // A receiver that stops asking (the SDK's receiveMessages ends) drains its credit and closes
    // the link unless told it is drained: what is on hand went out with the credit already given.
    this.container.on('sender_draining', (context: EventContext) =>
      (context.sender as Sender & { set_drained(drained: boolean): void }).set_drained(true),
    );
    this.container.on('accepted', (context: EventContext) => this.settle(context, 'complete'));
    this.container.on('released', (context: EventContext) => this.settle(context, 'abandon'));
    this.container.on('modified', (context: EventContext) => this.settle(context, 'abandon'));
    this.container.on('rejected', (context: EventContext) => this.settle(context, 'dead-letter'));
    this.container.on('sender_close', (context: EventContext) => {
      this.replyLinks.delete(context.sender as Sender);
      this.deadLetterLinks.delete(context.sender as Sender);
      this.release(context.sender as Sender);
    });
    this.container.on('disconnected', (context: EventContext) => {
      for (const link of [...this.sessionLinks.keys()])
        if (link.connection === context.connection) this.release(link);
      for (const link of [...this.replyLinks])
        if (link.connection === context.connection) this.replyLinks.delete(link);
      for (const link of [...this.deadLetterLinks.keys()])
        if (link.connection === context.connection) this.deadLetterLinks.delete(link);
    });
    // Errors a client causes (an abrupt disconnect) are the client's; the broker carries on.
    this.container.on('error', () => {});
  }

  /** Starts listening on loopback; the connection string is what the app's settings take. */
  async start(port = 0): Promise<{ port: number; connectionString: string }> {
    const server = this.container.listen({ port, host: '127.0.0.1' });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    const bound = (server.address() as AddressInfo).port;
    return {
      port: bound,
      connectionString: `Endpoint=sb://127.0.0.1:${bound};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=not-a-real-key;UseDevelopmentEmulator=true`,
    };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Each batch received, in order: its queue and its messages' sessions, for tests that look inside. */
  readonly batches: { queue: string; sessions: string[] }[] = [];

  /** Messages waiting in a queue (scheduled ones included), for tests that look inside. */
  depth(queue: string): number {
    return this.entity(queue).messages.length;
  }

  private entity(name: string): Entity {
    const entity = this.entities.get(name);
    if (!entity) throw new Error(`no queue named ${name}`);
    return entity;
  }

  private onReceiverOpen(context: EventContext) {
    // The client sends here: a queue, or requests to $cbs / $management. Standard tier's limit.
    (context.receiver as unknown as AttachFrame).local.attach.max_message_size = 262_144;
  }

  private onSenderOpen(context: EventContext) {
    const link = context.sender as Sender;
    const source = link.source as { address?: string; filter?: Record<string, unknown> } | undefined;
    const address = source?.address ?? '';
    if (address === '$cbs' || address.endsWith('/$management')) {
      this.replyLinks.add(link);
      return;
    }
    if (address.endsWith(DEAD_LETTER_QUEUE)) {
      const queue = address.slice(0, -DEAD_LETTER_QUEUE.length);
      if (this.entities.has(queue)) this.deadLetterLinks.set(link, queue);
      else link.close({ condition: 'amqp:not-found', description: `no queue named ${queue}` });
      return;
    }
    if (!source?.filter || !(SESSION_FILTER in source.filter)) return;

    const entityName = address;
    const entity = this.entities.get(entityName);
    const wanted = source.filter[SESSION_FILTER];
    const sessionId = entity
      ? this.lockableSession(entity, typeof wanted === 'string' ? wanted : undefined)
      : undefined;
    if (!entity || sessionId === undefined) {
      // Service Bus waits out the client's timeout first; answering at once keeps tests quick.
      link.close({
        condition:
          typeof wanted === 'string' ? 'com.microsoft:session-cannot-be-locked' : 'com.microsoft:timeout',
        description: entity ? 'no unlocked session is available' : `no queue named ${entityName}`,
      });
      return;
    }
    const session = this.lock(entity, sessionId, link);
    this.sessionLinks.set(link, { entity: entityName, sessionId, epoch: session.epoch });
    const frame = (link as unknown as AttachFrame).local.attach;
    link.set_source({ address, filter: { [SESSION_FILTER]: sessionId } } as never);
    frame.properties = { [LOCKED_UNTIL]: ticks(session.lockedUntil) };
  }

  /** A session that may be locked now: the one named, or the one whose head is oldest. */
  private lockableSession(entity: Entity, named: string | undefined): string | undefined {
    const now = this.now();
    this.promoteDue(entity, now);
    const free = (id: string) => (entity.sessions.get(id)?.lockedUntil ?? 0) <= now;
    if (named !== undefined) return free(named) ? named : undefined;
    return entity.messages.find((m) => m.dueAt === undefined && free(m.sessionId))?.sessionId;
  }

  private lock(entity: Entity, sessionId: string, owner: Sender): SessionState {
    const session = entity.sessions.get(sessionId) ?? { lockedUntil: 0, epoch: 0 };
    entity.sessions.set(sessionId, session);
    // Messages delivered under an expired lock count as a failed delivery, as when Service Bus
    // takes a lock back.
    for (const message of entity.messages.filter((m) => m.sessionId === sessionId && m.inFlight)) {
      message.inFlight = undefined;
      this.failedDelivery(entity, message);
    }
    session.epoch += 1;
    session.owner = owner;
    session.lockedUntil = this.now() + this.lockMs;
    return session;
  }

  private promoteDue(entity: Entity, now: number) {
    for (const message of entity.messages) {
      if (message.dueAt !== undefined && message.dueAt <= now) {
        message.dueAt = undefined;
        // A scheduled message joins the end of the line when it falls due.
        message.seq = ++this.seq;
      }
    }
    entity.messages.sort(
      (a, b) => (a.dueAt !== undefined ? 1 : 0) - (b.dueAt !== undefined ? 1 : 0) || a.seq - b.seq,
    );
  }

  private failedDelivery(entity: Entity, message: Stored) {
    message.deliveryCount += 1;
    if (message.deliveryCount < this.maxDeliveries) return;
    this.bury(
      entity,
      message,
      'MaxDeliveryCountExceeded',
      `Message could not be consumed after ${this.maxDeliveries} delivery attempts.`,
    );
  }

  private bury(entity: Entity, message: Stored, reason: string, description?: string) {
    entity.messages = entity.messages.filter((m) => m !== message);
    message.inFlight = undefined;
    message.deadLetterReason = reason;
    if (description !== undefined) message.deadLetterDescription = description;
    // The dead-letter queue is a line of its own, numbered as its messages join it.
    message.seq = ++this.seq;
    entity.deadLetters.push(message);
    for (const link of this.deadLetterLinks.keys()) this.pump(link);
  }

  /**
   * Delivers a session's next available message while the link has credit and the lock. One per
   * turn: rhea takes the credit only when it writes the transfer, so the next is sent after that.
   */
  private pump(link: Sender) {
    const deadLetterQueue = this.deadLetterLinks.get(link);
    if (deadLetterQueue !== undefined) return this.pumpDeadLetters(link, this.entity(deadLetterQueue));
    const held = this.sessionLinks.get(link);
    if (!held || !link.sendable()) return;
    const entity = this.entity(held.entity);
    const session = entity.sessions.get(held.sessionId);
    if (!session || session.epoch !== held.epoch || session.lockedUntil <= this.now()) return;
    const message = entity.messages.find(
      (m) => m.sessionId === held.sessionId && m.dueAt === undefined && !m.inFlight,
    );
    if (!message) return;
    message.inFlight = { link };
    const delivery = link.send(
      {
        ...message.message,
        delivery_count: message.deliveryCount,
        message_annotations: {
          ...(message.message.message_annotations ?? {}),
          'x-opt-sequence-number': rhea.types.wrap_long(message.seq),
          'x-opt-enqueued-time': new Date(message.enqueuedAt),
          'x-opt-locked-until': new Date(session.lockedUntil),
        },
      },
      randomBytes(16),
    );
    this.carried.set(delivery, message);
    setImmediate(() => this.pump(link));
  }

  /** Delivers the oldest dead letter no one holds, under a lock of its own; one per turn, as pump. */
  private pumpDeadLetters(link: Sender, entity: Entity) {
    if (!link.sendable()) return;
    const now = this.now();
    const message = entity.deadLetters.find((m) => (m.lockedUntil ?? 0) <= now);
    if (!message) return;
    message.inFlight = { link };
    message.lockedUntil = now + this.lockMs;
    const peeked = this.asPeeked(message);
    const delivery = link.send(
      {
        ...peeked,
        message_annotations: {
          ...peeked.message_annotations,
          'x-opt-locked-until': new Date(message.lockedUntil),
        },
      },
      randomBytes(16),
    );
    this.carried.set(delivery, message);
    setImmediate(() => this.pump(link));
  }

  /**
   * A dead letter's settlement: complete removes it; anything else unlocks it with one delivery
   * more (a dead-letter queue has no dead-letter queue of its own). Refused once its lock expired.
   */
  private settleDeadLetter(delivery: Delivery, link: Sender, entity: Entity, action: string) {
    const carried = this.carried.get(delivery);
    const message =
      carried?.inFlight?.link === link && entity.deadLetters.includes(carried) ? carried : undefined;
    if (!message || (message.lockedUntil ?? 0) <= this.now()) {
      delivery.update(
        true,
        outcome
          .rejected({
            error: { condition: 'com.microsoft:message-lock-lost', description: 'the message lock was lost' },
          })
          .described() as never,
      );
      return;
    }
    message.inFlight = undefined;
    message.lockedUntil = undefined;
    if (action === 'complete') entity.deadLetters = entity.deadLetters.filter((m) => m !== message);
    else message.deliveryCount += 1;
    delivery.update(true, outcome.accepted().described() as never);
    for (const other of this.deadLetterLinks.keys()) this.pump(other);
  }

  private settle(context: EventContext, action: 'complete' | 'abandon' | 'dead-letter') {
    const delivery = context.delivery as Delivery & {
      remote_state?: { described(): unknown; error?: { condition?: string; info?: Record<string, string> } };
    };
    const link = context.sender as Sender;
    const deadLetterQueue = this.deadLetterLinks.get(link);
    if (deadLetterQueue !== undefined)
      return this.settleDeadLetter(delivery, link, this.entity(deadLetterQueue), action);
    const held = this.sessionLinks.get(link);
    const entity = held ? this.entities.get(held.entity) : undefined;
    const carried = this.carried.get(delivery);
    const message =
      carried?.inFlight?.link === link && entity?.messages.includes(carried) ? carried : undefined;
    const session = held && entity?.sessions.get(held.sessionId);
    const lockHeld = session && held && session.epoch === held.epoch && session.lockedUntil > this.now();
    if (!entity || !message || !lockHeld) {
      delivery.update(
        true,
        outcome
          .rejected({
            error: { condition: 'com.microsoft:session-lock-lost', description: 'the session lock was lost' },
          })
          .described() as never,
      );
      return;
    }
    message.inFlight = undefined;
    if (action === 'complete') entity.messages = entity.messages.filter((m) => m !== message);
    else if (action === 'abandon') this.failedDelivery(entity, message);
    else {
      const error = delivery.remote_state?.error;
      if (error?.condition === DEAD_LETTER) {
        this.bury(
          entity,
          message,
          error.info?.DeadLetterReason ?? 'dead-lettered',
          error.info?.DeadLetterErrorDescription,
        );
      } else this.failedDelivery(entity, message);
    }
    // Settled as accepted whatever was asked: the SDK reads an error in the answer (a dead-letter
    // is a `rejected` carrying one) as a failed settlement.
    delivery.update(true, outcome.accepted().described() as never);
  }

  /** A session receiver went away: its session is free again and its unsettled messages return. */
  private release(link: Sender) {
    const held = this.sessionLinks.get(link);
    if (!held) return;
    this.sessionLinks.delete(link);
    const entity = this.entity(held.entity);
    const session = entity.sessions.get(held.sessionId);
    if (!session || session.epoch !== held.epoch) return;
    for (const message of entity.messages.filter((m) => m.inFlight?.link === link)) {
      message.inFlight = undefined;
      this.failedDelivery(entity, message);
    }
    session.owner = undefined;
    session.lockedUntil = 0;
  }

  private onMessage(context: EventContext) {
    const delivery = context.delivery as Delivery;
    const message = context.message as Message;
    const address = (context.receiver as Receiver).target?.address ?? '';
    if (address === '$cbs' || address.endsWith('/$management')) {
      delivery.accept();
      this.answer(address, message, (context.receiver as Receiver).connection);
      return;
    }
    const entity = this.entities.get(address);
    if (!entity) {
      delivery.reject({ condition: 'amqp:not-found', description: `no queue named ${address}` });
      return;
    }
    const now = this.now();
    for (const [id, at] of entity.seen) if (at < now - this.windowMs) entity.seen.delete(id);
    // rhea decodes only the standard format; a batch comes as the envelope's bytes.
    const format = (delivery as Delivery & { format?: number }).format;
    const messages = format === BATCH_FORMAT ? batched(context.message as unknown as Buffer) : [message];
    if (format === BATCH_FORMAT) this.batches.push({ queue: address, sessions: messages.map(sessionOf) });
    for (const one of messages) this.enqueue(entity, one, now);
    this.promoteDue(entity, now);
    delivery.accept();
    for (const link of this.sessionLinks.keys()) this.pump(link);
  }

  private enqueue(entity: Entity, message: Message, now: number) {
    const messageId = String(message.message_id ?? '');
    // Duplicate detection: a repeated id inside the window is accepted and dropped.
    if (messageId && entity.seen.has(messageId)) return;
    if (messageId) entity.seen.set(messageId, now);
    const scheduled = message.message_annotations?.['x-opt-scheduled-enqueue-time'] as Date | undefined;
    const due = scheduled ? new Date(scheduled).getTime() : undefined;
    entity.messages.push({
      seq: ++this.seq,
      messageId,
      sessionId: sessionOf(message),
      message: { ...message },
      enqueuedAt: now,
      deliveryCount: 0,
      ...(due !== undefined && due > now ? { dueAt: due } : {}),
    });
  }

  /** Request and response, as Service Bus answers $cbs and $management. */
  private answer(address: string, request: Message, connection: unknown) {
    // The reply goes to the client's link named by reply-to (its target or its name), or, as the
    // CBS client attaches without a target, to its one link from that node on this connection.
    const mine = [...this.replyLinks].filter((link) => link.connection === connection);
    const from = (link: Sender) => (link.source as { address?: string } | undefined)?.address;
    const reply =
      mine.find((link) => (link.target as { address?: string } | undefined)?.address === request.reply_to) ??
      mine.find((link) => link.name === request.reply_to) ??
      mine.find((link) => from(link) === address);
    if (!reply) return;
    const operation = String(request.application_properties?.operation ?? '');
    const send = (status: number, body: unknown, condition?: string) =>
      reply.send({
        correlation_id: request.message_id,
        application_properties:
          address === '$cbs'
            ? { 'status-code': status, 'status-description': status === 200 ? 'OK' : condition }
            : {
                statusCode: status,
                statusDescription: condition ?? 'OK',
                ...(condition ? { errorCondition: condition } : {}),
              },
        body,
      } as Message);
    if (address === '$cbs') return send(200, undefined);

    const entityPath = address.slice(0, -'/$management'.length);
    const deadLetter = entityPath.endsWith(DEAD_LETTER_QUEUE);
    const entity = this.entities.get(
      deadLetter ? entityPath.slice(0, -DEAD_LETTER_QUEUE.length) : entityPath,
    );
    if (!entity) return send(404, undefined, 'amqp:not-found');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const sessionId = body['session-id'] as string | undefined;
    const session = sessionId === undefined ? undefined : entity.sessions.get(sessionId);
    const locked = session !== undefined && session.lockedUntil > this.now();

    switch (operation) {
      case 'com.microsoft:renew-session-lock':
        if (!session || !locked) return send(410, undefined, 'com.microsoft:session-lock-lost');
        session.lockedUntil = this.now() + this.lockMs;
        return send(200, { expiration: new Date(session.lockedUntil) });
      case 'com.microsoft:set-session-state':
        if (!session || !locked) return send(410, undefined, 'com.microsoft:session-lock-lost');
        session.state = body['session-state'] as Buffer | undefined;
        return send(200, {});
      case 'com.microsoft:get-session-state':
        if (!session || !locked) return send(410, undefined, 'com.microsoft:session-lock-lost');
        return send(200, { 'session-state': session.state ?? null });
      case 'com.microsoft:peek-message': {
        const from = Number(body['from-sequence-number'] ?? 0);
        const count = Number(body['message-count'] ?? 1);
        const pool = deadLetter ? entity.deadLetters : [...entity.messages].sort((a, b) => a.seq - b.seq);
        const found = pool
          .filter((m) => m.seq >= from && (sessionId === undefined || m.sessionId === sessionId))
          .slice(0, count);
        if (found.length === 0) return send(204, undefined);
        return send(200, {
          messages: found.map((m) => ({ message: rhea.message.encode(this.asPeeked(m)) })),
        });
      }
      default:
        return send(501, undefined, 'amqp:not-implemented');
    }
  }

  private asPeeked(stored: Stored): Message {
    return {
      ...stored.message,
      delivery_count: stored.deliveryCount,
      application_properties: {
        ...(stored.message.application_properties ?? {}),
        ...(stored.deadLetterReason ? { DeadLetterReason: stored.deadLetterReason } : {}),
        ...(stored.deadLetterDescription ? { DeadLetterErrorDescription: stored.deadLetterDescription } : {}),
      },
      message_annotations: {
        ...(stored.message.message_annotations ?? {}),
        'x-opt-sequence-number': rhea.types.wrap_long(stored.seq),
        'x-opt-enqueued-time': new Date(stored.enqueuedAt),
      },
    };
  }
}
