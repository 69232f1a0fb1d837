import type {
  EventGridFunctionOptions,
  HttpFunctionOptions,
  ServiceBusQueueFunctionOptions,
  TimerFunctionOptions,
} from '@azure/functions';
import type { FunctionDefinition, QueueFunction } from './definition.js';
import { deliveryCount, retryDelayMs } from './queue-message.js';

/**
 * On the Functions host a queue function that throws is abandoned and redelivered at once, which
 * would turn a provider's 429 into a burst of retries ending in the dead-letter queue. So the wait
 * happens here, inside the invocation: the host keeps renewing the session's lock (up to
 * maxAutoLockRenewalDuration in host.json), the session's later messages wait behind it, and the
 * throw that follows is the retry. The local host does the same by abandoning with a delay.
 */
export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function waitBeforeRetry(
  handler: QueueFunction['handler'],
  sleep: Sleep = realSleep,
): QueueFunction['handler'] {
  return async (message, context) => {
    try {
      await handler(message, context);
    } catch (error) {
      await sleep(retryDelayMs(error, deliveryCount(context)));
      throw error;
    }
  };
}

/** The part of `@azure/functions`' `app` we register with (a fake in tests). */
export interface FunctionRegistrar {
  http(name: string, options: HttpFunctionOptions): void;
  serviceBusQueue(name: string, options: ServiceBusQueueFunctionOptions): void;
  timer(name: string, options: TimerFunctionOptions): void;
  eventGrid(name: string, options: EventGridFunctionOptions): void;
}

/** `sleep` is the wait before a failed queue invocation is thrown (a test passes a recorder). */
export function registerFunctions(
  registrar: FunctionRegistrar,
  definitions: FunctionDefinition[],
  sleep: Sleep = realSleep,
): void {
  for (const definition of definitions) {
    switch (definition.kind) {
      case 'http': {
        const { name, route, methods, authLevel, handler } = definition;
        registrar.http(name, { route, methods, authLevel, handler });
        break;
      }
      case 'serviceBusQueue': {
        const { name, queueName, connection, isSessionsEnabled, handler } = definition;
        registrar.serviceBusQueue(name, {
          queueName,
          connection,
          isSessionsEnabled,
          handler: waitBeforeRetry(handler, sleep),
        });
        break;
      }
      case 'timer': {
        const { name, schedule, handler } = definition;
        registrar.timer(name, { schedule, handler });
        break;
      }
      case 'eventGrid': {
        const { name, handler } = definition;
        registrar.eventGrid(name, { handler });
        break;
      }
    }
  }
}
