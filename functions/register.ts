import type {
  EventGridFunctionOptions,
  HttpFunctionOptions,
  ServiceBusQueueFunctionOptions,
  TimerFunctionOptions,
} from '@azure/functions';
import type { FunctionDefinition } from './definition.js';

/** The part of `@azure/functions`' `app` we register with (a fake in tests). */
export interface FunctionRegistrar {
  http(name: string, options: HttpFunctionOptions): void;
  serviceBusQueue(name: string, options: ServiceBusQueueFunctionOptions): void;
  timer(name: string, options: TimerFunctionOptions): void;
  eventGrid(name: string, options: EventGridFunctionOptions): void;
}

export function registerFunctions(registrar: FunctionRegistrar, definitions: FunctionDefinition[]): void {
  for (const definition of definitions) {
    switch (definition.kind) {
      case 'http': {
        const { name, route, methods, authLevel, handler } = definition;
        registrar.http(name, { route, methods, authLevel, handler });
        break;
      }
      case 'serviceBusQueue': {
        const { name, queueName, connection, isSessionsEnabled, handler } = definition;
        registrar.serviceBusQueue(name, { queueName, connection, isSessionsEnabled, handler });
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
