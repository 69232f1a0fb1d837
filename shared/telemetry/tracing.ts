import {
  type Attributes,
  type Context,
  context,
  ProxyTracer,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { OutgoingMessage, QueueName, QueueSender, TraceContext } from '../ports.js';

/*
 * The app's spans, through the OpenTelemetry API alone. Until an SDK registers a tracer provider
 * and a propagator (shared/telemetry/start.ts, on Azure or when a developer asks), every call here
 * is the API's no-op: no span is made and no trace context is carried.
 *
 * Span names and attributes never hold a phone number or a message's text: names are function
 * and queue names, attributes are routes, queues, providers, counts and outcomes. Session ids and
 * message ids stay out too (a session id is made of phone numbers).
 */

export { SpanKind };

const TRACER = 'omnichannel-sms';

/**
 * Whether an SDK has registered a tracer provider. Without one the API hands out a `ProxyTracer`
 * whose spans are no-ops: the wrappers below then run their work directly, since building a span's
 * options, attributes and context for nothing was a measurable share of a webhook's CPU time.
 */
export function tracingOn(): boolean {
  return !(trace.getTracer(TRACER) instanceof ProxyTracer);
}

/** The active span's trace context, as a queue message carries it; none while tracing is off. */
export function currentTraceContext(): TraceContext | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const { traceparent, tracestate } = carrier;
  if (!traceparent) return undefined;
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** The W3C trace context a queue message was sent with, from its application properties. */
export function traceContextOf(properties: Record<string, unknown> | undefined): TraceContext | undefined {
  const traceparent = properties?.traceparent;
  if (typeof traceparent !== 'string') return undefined;
  const tracestate = properties?.tracestate;
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
}

/** The context a carried trace context continues (the active one when there is none). */
export function contextOf(carried: TraceContext | undefined): Context {
  return carried ? propagation.extract(ROOT_CONTEXT, carried) : context.active();
}

export interface SpanOptions {
  kind: SpanKind;
  attributes?: Attributes;
  /** The context the span continues; the active one unless given. */
  parent?: Context;
}

/**
 * Runs `work` in a new span, active for everything it awaits. A throw marks the span failed with
 * the error's class name only: an error's message may quote what a customer wrote.
 */
export function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  return trace
    .getTracer(TRACER)
    .startActiveSpan(
      name,
      { kind: options.kind, ...(options.attributes ? { attributes: options.attributes } : {}) },
      options.parent ?? context.active(),
      async (span) => {
        try {
          return await work(span);
        } catch (error) {
          const type = error instanceof Error ? error.name : 'error';
          span.setAttribute('error.type', type);
          span.setStatus({ code: SpanStatusCode.ERROR, message: type });
          throw error;
        } finally {
          span.end();
        }
      },
    );
}

/**
 * A queue sender that puts each message on its trace: a producer span per send, whose context
 * the message carries (`traceparent`, `tracestate`) to the worker that takes it. A message that
 * already names its trace (an agent's reply joins the conversation's) is sent within that one.
 */
export class TracedQueueSender implements QueueSender {
  constructor(private readonly inner: QueueSender) {}

  send(queue: QueueName, message: OutgoingMessage): Promise<void> {
    // No span to carry: the message goes as it is (with the trace context it may already name).
    if (!tracingOn()) return this.inner.send(queue, message);
    return inSpan(
      `send ${queue}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.operation.type': 'send', 'messaging.destination.name': queue },
        ...(message.traceContext ? { parent: contextOf(message.traceContext) } : {}),
      },
      async () => {
        const traceContext = currentTraceContext() ?? message.traceContext;
        await this.inner.send(queue, traceContext ? { ...message, traceContext } : message);
      },
    );
  }

  /**
   * One producer span for the whole batch (a fan-out of thousands is one operation, not thousands
   * of spans); every message that names no trace of its own carries the batch's.
   */
  sendBatch(queue: QueueName, messages: readonly OutgoingMessage[]): Promise<void> {
    return inSpan(
      `send ${queue}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.operation.type': 'send',
          'messaging.destination.name': queue,
          'messaging.batch.message_count': messages.length,
        },
      },
      async () => {
        const traceContext = currentTraceContext();
        await this.inner.sendBatch(
          queue,
          traceContext
            ? messages.map((message) => (message.traceContext ? message : { ...message, traceContext }))
            : messages,
        );
      },
    );
  }
}
