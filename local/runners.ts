import type { FunctionDefinition, QueueFunction, TimerFunction } from '../functions/definition.js';
import type { App } from '../shared/app.js';
import { queueNames } from '../shared/ports.js';
import { type CompletedMessage, QueueConsumer } from './consumer.js';
import { TimerRunner } from './timers.js';

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
  const consumers = queueFunctions.map(
    (definition) =>
      new QueueConsumer(definition, app.queue, {
        concurrency:
          definition.queueName === queueNames.outbound
            ? config.local.outboundConcurrency
            : config.local.concurrency,
        lockMs: config.queue.lockMs,
        logger: app.deps.logger,
        maxDeliveryCount: config.queue.maxDeliveryCount,
        ...(app.embedded ? { ready: app.embedded.queue.events } : {}),
        ...(options.onCompleted ? { onCompleted: options.onCompleted } : {}),
      }),
  );
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
