import {
  isServiceBusError,
  type ServiceBusClient,
  type ServiceBusMessage,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
  type ServiceBusSender,
  type ServiceBusSessionReceiver,
} from '@azure/service-bus';
import Long from 'long';
import { LockLostError } from '../errors.js';
import type {
  Clock,
  DeadLetter,
  DeadLetterPage,
  OutgoingMessage,
  QueueName,
  QueueReceiver,
  QueueSender,
  ReceivedMessage,
} from '../ports.js';
import { replayMessageId } from '../ports.js';
import { traceContextOf } from '../telemetry/tracing.js';

export interface ServiceBusQueueOptions {
  /** Deliveries before Service Bus dead-letters a message (the queue's MaxDeliveryCount). */
  maxDeliveryCount: number;
  /** How long a receive waits for a message once a session is locked. */
  receiveWaitMs?: number;
}

/** Session state we keep: a retry delay that holds the whole session, as the embedded queue does. */
interface SessionHold {
  blockedUntil: number;
}

interface Held {
  queue: QueueName;
  receiver: ServiceBusSessionReceiver;
  message: ServiceBusReceivedMessage;
}

function toServiceBus(message: OutgoingMessage): ServiceBusMessage {
  return {
    messageId: message.id,
    sessionId: message.sessionId,
    body: message.body,
    contentType: 'application/json',
    ...(message.scheduledAt ? { scheduledEnqueueTimeUtc: message.scheduledAt } : {}),
    ...(message.traceContext ? { applicationProperties: { ...message.traceContext } } : {}),
  };
}

/** The messages grouped by session, each group in the order given, groups by first appearance. */
function bySession(messages: readonly OutgoingMessage[]): OutgoingMessage[][] {
  const groups = new Map<string, OutgoingMessage[]>();
  for (const message of messages) {
    const group = groups.get(message.sessionId);
    if (group) group.push(message);
    else groups.set(message.sessionId, [message]);
  }
  return [...groups.values()];
}

/** Messages peeked (or dead letters received) at a time. */
const PEEK_PAGE = 250;

/** A sequence number as a decimal string (the SDK gives a 64-bit Long). */
const sequenceNumberOf = (message: ServiceBusReceivedMessage): string => String(message.sequenceNumber ?? '');

/** Whether a string can be a sequence number (a 64-bit Long, so at most 19 digits). */
function sequenceOf(sequence: string): bigint | undefined {
  return /^\d{1,19}$/.test(sequence) && BigInt(sequence) < 2n ** 63n ? BigInt(sequence) : undefined;
}

/** Codes Service Bus answers when no session can be locked right now: nothing to receive. */
const NOTHING_TO_RECEIVE = new Set(['SessionCannotBeLocked', 'ServiceTimeout']);
const LOCK_LOST = new Set(['SessionLockLost', 'MessageLockLost']);

function lockLost(error: unknown, what: string): never {
  if (isServiceBusError(error) && LOCK_LOST.has(error.code)) {
    throw new LockLostError(`the lock on ${what} expired or was lost`, { cause: error });
  }
  throw error;
}

/**
 * The queue on Azure Service Bus, through its SDK. On Azure the Functions host receives (session-
 * enabled Service Bus triggers), so the app itself only sends: message id for duplicate detection,
 * session id for order and one-at-a-time, scheduled enqueue time for `sendAt` and quiet hours.
 *
 * The receiving side is the same contract the embedded queue keeps, for the local host running
 * against Service Bus and for the contract suite: each receive locks the next available session,
 * takes its head message and keeps the session until the message is settled. A retry delay is kept
 * in the session's state, so a session waiting out a retry is passed over until then.
 */
export class ServiceBusQueue implements QueueSender, QueueReceiver {
  private readonly senders = new Map<QueueName, ServiceBusSender>();
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly client: ServiceBusClient,
    private readonly clock: Clock,
    private readonly options: ServiceBusQueueOptions,
  ) {}

  private sender(queue: QueueName): ServiceBusSender {
    let sender = this.senders.get(queue);
    if (!sender) {
      sender = this.client.createSender(queue);
      this.senders.set(queue, sender);
    }
    return sender;
  }

  async send(queue: QueueName, message: OutgoingMessage): Promise<void> {
    await this.sender(queue).sendMessages(toServiceBus(message));
  }

  /**
   * Sends in the SDK's batches, each as large as the link allows, one session's messages to a
   * batch: a partitioned entity takes a batch only when all its messages share a partition key,
   * which for a session is the session id. A fanned-out notification has few sessions (one per
   * sending number, or per lane of a fast one: send-lanes.ts), so this is still a batch or a few
   * per session. Batches go one after another, so the messages of a session keep their order.
   */
  async sendBatch(queue: QueueName, messages: readonly OutgoingMessage[]): Promise<void> {
    const sender = this.sender(queue);
    for (const group of bySession(messages)) {
      let batch = await sender.createMessageBatch();
      for (const message of group) {
        const outgoing = toServiceBus(message);
        if (batch.tryAddMessage(outgoing)) continue;
        if (batch.count > 0) {
          await sender.sendMessages(batch);
          batch = await sender.createMessageBatch();
          if (batch.tryAddMessage(outgoing)) continue;
        }
        // Larger than any batch: sent alone, it fails with Service Bus' own answer, as `send` does.
        await sender.sendMessages(outgoing);
      }
      if (batch.count > 0) await sender.sendMessages(batch);
    }
  }

  private async acceptNext(queue: QueueName): Promise<ServiceBusSessionReceiver | undefined> {
    try {
      // Lock renewal is the consumer's (it renews while an invocation runs), as the host does.
      return await this.client.acceptNextSession(queue, { maxAutoLockRenewalDurationInMs: 0 });
    } catch (error) {
      if (isServiceBusError(error) && NOTHING_TO_RECEIVE.has(error.code)) return undefined;
      throw error;
    }
  }

  private async blocked(receiver: ServiceBusSessionReceiver): Promise<boolean> {
    const state = (await receiver.getSessionState()) as SessionHold | undefined | null;
    return typeof state?.blockedUntil === 'number' && state.blockedUntil > this.clock.now().getTime();
  }

  async receive(queue: QueueName): Promise<ReceivedMessage | undefined> {
    // Sessions waiting out a retry stay locked by us while we look further, so the broker offers
    // another; they are let go once we have one (or there is none).
    const passedOver: ServiceBusSessionReceiver[] = [];
    try {
      for (;;) {
        const receiver = await this.acceptNext(queue);
        if (!receiver) return undefined;
        if (await this.blocked(receiver)) {
          passedOver.push(receiver);
          continue;
        }
        const [message] = await receiver.receiveMessages(1, {
          maxWaitTimeInMs: this.options.receiveWaitMs ?? 1000,
        });
        if (!message?.lockToken) {
          await receiver.close();
          return undefined;
        }
        this.held.set(message.lockToken, { queue, receiver, message });
        const traceContext = traceContextOf(message.applicationProperties);
        return {
          ...(traceContext ? { traceContext } : {}),
          id: String(message.messageId),
          sessionId: message.sessionId ?? receiver.sessionId,
          body: message.body as unknown,
          // Service Bus counts earlier deliveries; the port counts this one too, as the host does.
          deliveryCount: (message.deliveryCount ?? 0) + 1,
          enqueuedAt: message.enqueuedTimeUtc ?? this.clock.now(),
          lockToken: message.lockToken,
          lockedUntil: receiver.sessionLockedUntilUtc ?? this.clock.now(),
        };
      }
    } finally {
      await Promise.all(passedOver.map((receiver) => receiver.close()));
    }
  }

  private holding(message: ReceivedMessage): Held {
    const held = this.held.get(message.lockToken);
    if (!held) throw new LockLostError(`message ${message.id} is not held by this receiver`);
    return held;
  }

  /** Settles a held message and lets its session go, so its next message may go to anyone. */
  private async settle(message: ReceivedMessage, action: (held: Held) => Promise<void>): Promise<void> {
    const held = this.holding(message);
    try {
      await action(held);
    } catch (error) {
      lockLost(error, `message ${message.id}`);
    } finally {
      this.held.delete(message.lockToken);
      await held.receiver.close();
    }
  }

  complete(_queue: QueueName, message: ReceivedMessage): Promise<void> {
    return this.settle(message, (held) => held.receiver.completeMessage(held.message));
  }

  abandon(_queue: QueueName, message: ReceivedMessage, retryAfterMs = 0): Promise<void> {
    return this.settle(message, async (held) => {
      // On the last allowed delivery Service Bus dead-letters it, and the session moves on.
      if (retryAfterMs > 0 && message.deliveryCount < this.options.maxDeliveryCount) {
        const hold: SessionHold = { blockedUntil: this.clock.now().getTime() + retryAfterMs };
        await held.receiver.setSessionState(hold);
      }
      await held.receiver.abandonMessage(held.message);
    });
  }

  deadLetter(_queue: QueueName, message: ReceivedMessage, reason: string): Promise<void> {
    return this.settle(message, (held) =>
      held.receiver.deadLetterMessage(held.message, {
        deadLetterReason: reason,
        deadLetterErrorDescription: reason,
      }),
    );
  }

  async renewLock(_queue: QueueName, message: ReceivedMessage): Promise<ReceivedMessage> {
    const held = this.holding(message);
    try {
      const lockedUntil = await held.receiver.renewSessionLock();
      return { ...message, lockedUntil };
    } catch (error) {
      lockLost(error, `message ${message.id}`);
    }
  }

  /**
   * Peeks the queue (or its dead letters) a page at a time, from a sequence number on, until
   * `enough` says stop. Always from a number given: left to itself the SDK goes on from the last
   * message peeked on the entity by any receiver of this client, so a second look would see nothing.
   */
  private async peek(
    queue: QueueName,
    deadLetter: boolean,
    options: { from?: Long; enough?: (seen: ServiceBusReceivedMessage[]) => boolean } = {},
  ): Promise<ServiceBusReceivedMessage[]> {
    const receiver = this.client.createReceiver(queue, deadLetter ? { subQueueType: 'deadLetter' } : {});
    try {
      const all: ServiceBusReceivedMessage[] = [];
      for (let from = options.from ?? Long.ONE; ; ) {
        const page = await receiver.peekMessages(PEEK_PAGE, { fromSequenceNumber: from });
        const last = page.at(-1)?.sequenceNumber;
        all.push(...page);
        if (!last || options.enough?.(all)) return all;
        from = last.add(1);
      }
    } finally {
      await receiver.close();
    }
  }

  async deadLetters(queue: QueueName, page: DeadLetterPage = {}): Promise<DeadLetter[]> {
    if (page.after !== undefined && sequenceOf(page.after) === undefined) return [];
    const { limit } = page;
    const found = await this.peek(queue, true, {
      ...(page.after !== undefined ? { from: Long.fromString(page.after).add(1) } : {}),
      enough: (seen) => limit !== undefined && seen.length >= limit,
    });
    return (limit === undefined ? found : found.slice(0, limit)).map((message) => {
      const reason = message.deadLetterReason ?? 'dead-lettered';
      const description = message.deadLetterErrorDescription;
      const traceContext = traceContextOf(message.applicationProperties);
      return {
        sequence: sequenceNumberOf(message),
        id: String(message.messageId),
        sessionId: message.sessionId ?? '',
        body: message.body as unknown,
        deliveryCount: message.deliveryCount ?? 0,
        reason,
        ...(description && description !== reason ? { description } : {}),
        enqueuedAt: message.enqueuedTimeUtc ?? this.clock.now(),
        ...(traceContext ? { traceContext } : {}),
      };
    });
  }

  /**
   * Receives the dead letter with this sequence number from `<queue>/$DeadLetterQueue` (Service Bus
   * receives a sequence number only of a deferred message, so the others taken on the way are held
   * and abandoned after) and settles it; false when the queue has none such.
   */
  private async takeDeadLetter(
    queue: QueueName,
    sequence: string,
    settle: (receiver: ServiceBusReceiver, message: ServiceBusReceivedMessage) => Promise<void>,
  ): Promise<boolean> {
    if (sequenceOf(sequence) === undefined) return false;
    // Peeking first: asking for one that is not there costs no locks and no delivery counts.
    const [known] = await this.peek(queue, true, {
      from: Long.fromString(sequence),
      enough: () => true,
    });
    if (!known || sequenceNumberOf(known) !== sequence) return false;
    const receiver = this.client.createReceiver(queue, {
      subQueueType: 'deadLetter',
      maxAutoLockRenewalDurationInMs: 0,
    });
    const passedOver: ServiceBusReceivedMessage[] = [];
    try {
      for (;;) {
        const batch = await receiver.receiveMessages(PEEK_PAGE, {
          maxWaitTimeInMs: this.options.receiveWaitMs ?? 1000,
        });
        if (batch.length === 0) return false;
        const found = batch.find((message) => sequenceNumberOf(message) === sequence);
        passedOver.push(...batch.filter((message) => message !== found));
        if (found) {
          await settle(receiver, found);
          return true;
        }
      }
    } finally {
      await Promise.all(passedOver.map((message) => receiver.abandonMessage(message).catch(() => {})));
      await receiver.close();
    }
  }

  /** Sends the replay first and completes the dead letter after: a crash between repeats the send, which duplicate detection drops. */
  replayDeadLetter(queue: QueueName, sequence: string): Promise<boolean> {
    return this.takeDeadLetter(queue, sequence, async (receiver, message) => {
      const traceContext = traceContextOf(message.applicationProperties);
      await this.send(queue, {
        id: replayMessageId(String(message.messageId), sequence),
        sessionId: message.sessionId ?? '',
        body: message.body as unknown,
        ...(traceContext ? { traceContext } : {}),
      });
      await receiver.completeMessage(message);
    });
  }

  discardDeadLetter(queue: QueueName, sequence: string): Promise<boolean> {
    return this.takeDeadLetter(queue, sequence, (receiver, message) => receiver.completeMessage(message));
  }

  /**
   * Messages waiting, scheduled ones included, by peeking the whole queue: for tests and small
   * queues. On Azure, queue depth comes from Service Bus' own metrics, not from the app.
   */
  async depth(queue: QueueName): Promise<number> {
    return (await this.peek(queue, false)).length;
  }

  async close(): Promise<void> {
    await Promise.all([...this.held.values()].map((held) => held.receiver.close()));
    this.held.clear();
    await Promise.all([...this.senders.values()].map((sender) => sender.close()));
    await this.client.close();
  }
}
