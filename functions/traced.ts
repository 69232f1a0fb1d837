import type { HttpRequest, InvocationContext } from '@azure/functions';
import type { TraceContext } from '../shared/ports.js';
import { contextOf, inSpan, SpanKind, traceContextOf, tracingOn } from '../shared/telemetry/tracing.js';
import type {
  EventGridFunction,
  FunctionDefinition,
  HttpFunction,
  QueueFunction,
  TimerFunction,
} from './definition.js';

/**
 * The trace an HTTP invocation continues: the caller's `traceparent` header, else the one the
 * Functions host started for the invocation (so the host's request and our spans are one
 * operation in Application Insights), else none: a new trace.
 */
function httpParent(request: HttpRequest, context: InvocationContext): TraceContext | undefined {
  const header = request.headers.get('traceparent');
  if (header) {
    const state = request.headers.get('tracestate');
    return state ? { traceparent: header, tracestate: state } : { traceparent: header };
  }
  const host = context.traceContext;
  if (!host?.traceParent) return undefined;
  return host.traceState
    ? { traceparent: host.traceParent, tracestate: host.traceState }
    : { traceparent: host.traceParent };
}

/** The trace context a queue message carried, from its application properties. */
function queueParent(context: InvocationContext): TraceContext | undefined {
  return traceContextOf(
    context.triggerMetadata?.applicationProperties as Record<string, unknown> | undefined,
  );
}

/**
 * One span per invocation, named after the function: a server span for HTTP (webhooks, APIs), a
 * consumer span continuing the sender's trace for a queue message, an internal one for timers and
 * Event Grid. Attributes name the route or queue and the outcome, never who or what.
 */
export function traced(definition: FunctionDefinition): FunctionDefinition {
  // With no tracer provider registered each handler is called as it is (see tracingOn).
  const base = { 'faas.name': definition.name };
  switch (definition.kind) {
    case 'http': {
      const { handler } = definition;
      const wrapped: HttpFunction = {
        ...definition,
        handler: (request, context) =>
          !tracingOn()
            ? handler(request, context)
            : inSpan(
                definition.name,
                {
                  kind: SpanKind.SERVER,
                  attributes: {
                    ...base,
                    'faas.trigger': 'http',
                    'http.route': definition.route,
                    'http.request.method': request.method,
                  },
                  parent: contextOf(httpParent(request, context)),
                },
                async (span) => {
                  const response = await handler(request, context);
                  const status = response.status ?? 200;
                  span.setAttribute('http.response.status_code', status);
                  if (status >= 500) span.setStatus({ code: 2 });
                  return response;
                },
              ),
      };
      return wrapped;
    }
    case 'serviceBusQueue': {
      const { handler } = definition;
      const wrapped: QueueFunction = {
        ...definition,
        handler: (message, context) =>
          !tracingOn()
            ? handler(message, context)
            : inSpan(
                definition.name,
                {
                  kind: SpanKind.CONSUMER,
                  attributes: {
                    ...base,
                    'faas.trigger': 'pubsub',
                    'messaging.operation.type': 'process',
                    'messaging.destination.name': definition.queueName,
                    'messaging.servicebus.message.delivery_count': Number(
                      context.triggerMetadata?.deliveryCount ?? 1,
                    ),
                  },
                  parent: contextOf(queueParent(context)),
                },
                () => handler(message, context),
              ),
      };
      return wrapped;
    }
    case 'timer': {
      const { handler } = definition;
      const wrapped: TimerFunction = {
        ...definition,
        handler: (timer, context) =>
          !tracingOn()
            ? handler(timer, context)
            : inSpan(
                definition.name,
                { kind: SpanKind.INTERNAL, attributes: { ...base, 'faas.trigger': 'timer' } },
                () => handler(timer, context),
              ),
      };
      return wrapped;
    }
    default: {
      const { handler } = definition;
      const wrapped: EventGridFunction = {
        ...definition,
        handler: (event, context) =>
          !tracingOn()
            ? handler(event, context)
            : inSpan(
                definition.name,
                {
                  kind: SpanKind.CONSUMER,
                  attributes: {
                    ...base,
                    'faas.trigger': 'pubsub',
                    'cloudevents.event_type': event.eventType,
                  },
                },
                () => handler(event, context),
              ),
      };
      return wrapped;
    }
  }
}
