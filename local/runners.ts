import azureFunctions from '@azure/functions';
import type { FunctionDefinition, QueueFunction, TimerFunction } from '../functions/definition.js';
import type { App } from '../shared/app.js';
import { type CompletedMessage, QueueConsumer } from './consumer.js';
import { TimerRunner } from './timers.js';

// @azure/functions is CommonJS: Node's ESM loader cannot see its named exports, only the default.
const { InvocationContext } = azureFunctions;

export interface Runners {
  /** Runs a timer function now (Core Tools' `POST /admin/functions/{name}`). */
  invoke(name: string): Promise<void>;
  /** Finishes the invocations in flight and takes no more work. */
  stop(): Promise<void>;
}

/**
 * What the Functions host does for non-HTTP functions: a consumer per queue function (receive
 * under a lock, invoke, settle, retry with backoff) and the timers on their schedules.
 */
export function startRunners(
  app: App,
  functions: FunctionDefinition[],
  options: { onCompleted?: (message: CompletedMessage) => void } = {},
): Runners {
  const { config } = app;
  const timers = new TimerRunner(
    functions.filter((f): f is TimerFunction => f.kind === 'timer'),
    app.deps.logger,
  );
  const queueFunctions = functions.filter((f): f is QueueFunction => f.kind === 'serviceBusQueue');
  // A dead-letter queue's function runs when its queue dead-letters a message, as its trigger would.
  const deadLetterFunction = (queueName: string) =>
    queueFunctions.find((f) => f.queueName === `${queueName}/$DeadLetterQueue`);
  const consumers = queueFunctions
    .filter((definition) => !definition.queueName.endsWith('/$DeadLetterQueue'))
    .map((definition) => {
      const deadLetters = deadLetterFunction(definition.queueName);
      return new QueueConsumer(definition, app.queue, {
        concurrency: config.local.concurrency,
        lockMs: config.queue.lockMs,
        logger: app.deps.logger,
        maxDeliveryCount: config.queue.maxDeliveryCount,
        ...(app.embedded ? { ready: app.embedded.queue.events } : {}),
        ...(options.onCompleted ? { onCompleted: options.onCompleted } : {}),
        ...(deadLetters
          ? {
              onDeadLettered: (message, reason) =>
                deadLetters.handler(
                  message.body,
                  new InvocationContext({
                    functionName: deadLetters.name,
                    triggerMetadata: { messageId: message.id, deadLetterReason: reason },
                    logHandler: () => {},
                  }),
                ),
            }
          : {}),
      });
    });
  if (config.local.consumers) {
    for (const consumer of consumers) consumer.start();
    timers.start();
  }
  return {
    invoke: async (name) => {
      const timer = functions.find((f): f is TimerFunction => f.kind === 'timer' && f.name === name);
      if (!timer) throw new Error(`no timer function named ${name}`);
      await timers.invoke(timer);
    },
    stop: async () => {
      await timers.stop();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
    },
  };
}
