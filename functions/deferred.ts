import type { InvocationContext } from '@azure/functions';
import type { Logger } from '../shared/ports.js';
import type {
  EventGridFunction,
  FunctionDefinition,
  HttpFunction,
  QueueFunction,
  TimerFunction,
} from './definition.js';
import { startingHealth } from './health.js';
import { errorResponse } from './http.js';
import type { Services, Startup } from './startup.js';

/**
 * How long an invocation waits for the services before it gives up in the way its trigger retries.
 * HTTP callers (providers' webhooks time out in about 15 s) get 503 and Retry-After; a queue
 * message waits longer, its session lock renewed by the host, then is abandoned and redelivered;
 * Event Grid gets a failure and redelivers; a timer skips its turn (it runs again in a minute).
 */
export interface StartupWaits {
  httpMs: number;
  queueMs: number;
  eventGridMs: number;
}

export const defaultStartupWaits: StartupWaits = { httpMs: 5_000, queueMs: 60_000, eventGridMs: 20_000 };

function counterpart<D extends FunctionDefinition>(services: Services, definition: D): D {
  const found = services.functions.get(definition.name);
  if (found?.kind !== definition.kind) {
    throw new Error(`function ${definition.name} is not in the function list the started app built`);
  }
  return found as D;
}

/**
 * The function list as the Functions host registers it before the services are up: the same names
 * and bindings (built from the configuration alone, see `registrationApp`), each handler handing
 * the invocation to its counterpart in the list built on the started app. `health` answers at
 * once, saying what is not ready. While a setting is wrong nothing will start, so the queue
 * triggers and timers are left out: messages wait in Service Bus instead of being spent on
 * deliveries that cannot succeed.
 */
export function deferredFunctions(
  definitions: FunctionDefinition[],
  startup: Startup,
  logger: Logger,
  waits: StartupWaits = defaultStartupWaits,
): FunctionDefinition[] {
  const misconfigured = startup.state().status === 'misconfigured';
  return definitions.flatMap((definition): FunctionDefinition[] => {
    switch (definition.kind) {
      case 'http': {
        const deferred: HttpFunction = {
          ...definition,
          handler: async (request, context) => {
            const state = startup.state();
            if (definition.name === 'health' && state.status !== 'ready') {
              return startingHealth(state);
            }
            let services: Services;
            try {
              services = await startup.services(waits.httpMs);
            } catch (error) {
              return errorResponse(error, context, logger);
            }
            return counterpart(services, definition).handler(request, context);
          },
        };
        return [deferred];
      }
      case 'serviceBusQueue': {
        if (misconfigured) return [];
        const deferred: QueueFunction = {
          ...definition,
          handler: async (message: unknown, context: InvocationContext) => {
            // Throwing abandons the message: Service Bus redelivers it once the wait is over.
            const services = await startup.services(waits.queueMs);
            await counterpart(services, definition).handler(message, context);
          },
        };
        return [deferred];
      }
      case 'timer': {
        if (misconfigured) return [];
        const deferred: TimerFunction = {
          ...definition,
          handler: async (timer, context) => {
            if (startup.state().status !== 'ready') {
              logger.warn('timer.skipped', { function: definition.name, reason: 'starting' });
              return;
            }
            await counterpart(await startup.services(0), definition).handler(timer, context);
          },
        };
        return [deferred];
      }
      default: {
        // The Event Grid trigger, the one kind left.
        const deferred: EventGridFunction = {
          ...definition,
          handler: async (event, context) => {
            // A failure makes the host answer 500: Event Grid redelivers (30 attempts over a day).
            const services = await startup.services(waits.eventGridMs);
            await counterpart(services, definition).handler(event, context);
          },
        };
        return [deferred];
      }
    }
  });
}
