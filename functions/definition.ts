import type { EventGridEvent, HttpHandler, HttpMethod, InvocationContext, Timer } from '@azure/functions';
import type { QueueName } from '../shared/ports.js';

/** The app setting that holds the Service Bus connection (or its identity-based prefix). */
export const SERVICE_BUS_CONNECTION = 'ServiceBusConnection';

export interface HttpFunction {
  kind: 'http';
  name: string;
  route: string;
  methods: HttpMethod[];
  authLevel: 'anonymous' | 'function' | 'admin';
  handler: HttpHandler;
}

/** A queue's dead-letter sub-queue, as Service Bus names it. */
export type DeadLetterQueueName = `${QueueName}/$DeadLetterQueue`;

export interface QueueFunction {
  kind: 'serviceBusQueue';
  name: string;
  queueName: QueueName | DeadLetterQueueName;
  connection: string;
  isSessionsEnabled: boolean;
  handler: (message: unknown, context: InvocationContext) => Promise<void>;
}

export interface TimerFunction {
  kind: 'timer';
  name: string;
  schedule: string;
  handler: (timer: Timer, context: InvocationContext) => Promise<void>;
}

/** An Event Grid trigger: the host answers the handshake and invokes once per event. */
export interface EventGridFunction {
  kind: 'eventGrid';
  name: string;
  handler: (event: EventGridEvent, context: InvocationContext) => Promise<void>;
}

/**
 * One Azure Function, as data: the real host and the local host both serve this list (the local
 * host has no Event Grid; the HTTP webhook takes the same events there).
 */
export type FunctionDefinition = HttpFunction | QueueFunction | TimerFunction | EventGridFunction;
