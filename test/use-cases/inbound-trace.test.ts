import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StopTelemetry, startLocalTracing } from '../../shared/telemetry/start.js';
import { inSpan, SpanKind } from '../../shared/telemetry/tracing.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { coreHarness } from '../support/core.js';

describe('a conversation opened while tracing is on', () => {
  const exporter = new InMemorySpanExporter();
  let stop: StopTelemetry = async () => {};
  beforeAll(async () => {
    stop = await startLocalTracing(new SimpleSpanProcessor(exporter));
  });
  afterAll(async () => {
    await stop();
  });

  it("keeps the trace of the customer's first message, for the agent's answers to join", async () => {
    const h = coreHarness();
    const outcome = await inSpan('process sms-inbound', { kind: SpanKind.CONSUMER }, () =>
      receiveInbound(h.deps, h.sms({ text: 'Hello' })),
    );
    if (outcome.status !== 'stored') throw new Error('not stored');
    const [span] = exporter.getFinishedSpans().filter((s) => s.name === 'process sms-inbound');
    const { traceId, spanId } = span?.spanContext() ?? { traceId: '', spanId: '' };
    expect((await h.store.getConversation(outcome.conversationId))?.value.traceContext).toEqual({
      traceparent: `00-${traceId}-${spanId}-01`,
    });
  });
});
