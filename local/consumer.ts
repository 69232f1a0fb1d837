import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import azureFunctions from '@azure/functions';
import type { QueueFunction } from '../functions/definition.js';
import { retryDelayMs } from '../functions/queue-message.js';
import type { Logger, QueueName, QueueReceiver, ReceivedMessage } from '../shared/ports.js';

// @azure/functions is CommonJS: Node's ESM loader cannot see its named exports, only the default.
const { InvocationContext } = azureFunctions;

export interface CompletedMessage {
  queue: string;
  id: string;
  enqueuedAt: Date;
  completedAt: Date;
}

export interface ConsumerOptions {
  concurrency: number;
  lockMs: number;
  logger: Logger;
  onCompleted?: (message: CompletedMessage) => void;
  /** Emits a queue name when work may have arrived (the embedded queue); otherwise idle loops poll. */
  ready?: EventEmitter;
  /** Deliveries before the queue dead-letters a message. */
  maxDeliveryCount: number;
}

/** Longest a busy consumer keeps the event loop before letting other work run. */
const YIELD_AFTER_MS = 20;

/**
 * Runs a queue-triggered function the way the Functions host runs a Service Bus trigger: receive
 * under a lock, invoke, complete on success, abandon on a throw (dead-lettered once the delivery
 * count reaches the maximum). Stopping finishes the invocations in flight and takes no new work.
 */
export class QueueConsumer {
  private stopping = false;
  private lastYield = performance.now();
  private readonly loops: Promise<void>[] = [];
  /** Idle loops waiting for work: a 'ready' event wakes one, stop() wakes them all. */
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly definition: QueueFunction,
    private readonly queue: QueueReceiver,
    private readonly options: ConsumerOptions,
  ) {}

  start(): void {
    const onReady = (name: string) => {
      if (name === this.definition.queueName) this.wakeOne();
    };
    this.options.ready?.on('ready', onReady);
    for (let i = 0; i < this.options.concurrency; i += 1) this.loops.push(this.loop());
    void Promise.all(this.loops).finally(() => this.options.ready?.off('ready', onReady));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeAll();
    await Promise.all(this.loops);
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  /**
   * One idle loop per 'ready': waking them all made every settle of a busy session cost a receive
   * per idle loop, each finding nothing. A loop that receives wakes the next (more may be waiting).
   */
  private wakeOne(): void {
    const [first] = this.sleepers;
    first?.();
  }

  private wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let message: ReceivedMessage | undefined;
      try {
        message = await this.queue.receive(this.definition.queueName as QueueName);
      } catch (error) {
        // A broker that cannot be reached right now: wait and try again, as the Functions host does.
        this.options.logger.error('queue.receive-failed', { function: this.definition.name }, error);
        await this.idle(1000);
        continue;
      }
      if (!message) {
        await this.idle(250);
        continue;
      }
      this.wakeOne();
      await this.invoke(message);
      // The embedded store answers synchronously, so a busy loop runs on microtasks alone and
      // holds the event loop: fine for a burst (finishing work before taking more is the
      // backpressure we want), but timers and stop requests must get a turn now and then.
      if (performance.now() - this.lastYield > YIELD_AFTER_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        this.lastYield = performance.now();
      }
    }
  }

  private async invoke(message: ReceivedMessage): Promise<void> {
    const { definition, queue, options } = this;
    const context = new InvocationContext({
      functionName: definition.name,
      invocationId: randomUUID(),
      triggerMetadata: {
        messageId: message.id,
        sessionId: message.sessionId,
        deliveryCount: message.deliveryCount,
        enqueuedTimeUtc: message.enqueuedAt.toISOString(),
        // Where the Functions host puts a Service Bus message's application properties.
        ...(message.traceContext ? { applicationProperties: { ...message.traceContext } } : {}),
      },
      logHandler: () => {},
    });
    let held = message;
    const renewal = setInterval(() => {
      queue.renewLock(definition.queueName as QueueName, held).then(
        (renewed) => {
          held = renewed;
        },
        () => {},
      );
    }, options.lockMs / 2);
    try {
      await definition.handler(message.body, context);
      clearInterval(renewal);
      await queue.complete(definition.queueName as QueueName, held);
      options.onCompleted?.({
        queue: definition.queueName,
        id: message.id,
        enqueuedAt: message.enqueuedAt,
        completedAt: new Date(),
      });
    } catch (error) {
      clearInterval(renewal);
      const retryAfterMs = retryDelayMs(error, message.deliveryCount);
      options.logger.error(
        'queue.invocation-failed',
        {
          function: definition.name,
          messageId: message.id,
          deliveryCount: message.deliveryCount,
          retryAfterMs,
        },
        error,
      );
      try {
        await queue.abandon(definition.queueName as QueueName, held, retryAfterMs);
      } catch (abandonError) {
        options.logger.error(
          'queue.abandon-failed',
          { function: definition.name, messageId: message.id },
          abandonError,
        );
      }
    }
  }
}
