import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StopTelemetry, startLocalTracing } from '../../shared/telemetry/start.js';
import { inSpan, SpanKind, TracedQueueSender } from '../../shared/telemetry/tracing.js';
import { RecordingQueue } from '../support/core.js';

const OWN_TRACE = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };

describe('a batch sent on a trace', () => {
  const exporter = new InMemorySpanExporter();
  let stop: StopTelemetry = async () => {};
  beforeAll(async () => {
    stop = await startLocalTracing(new SimpleSpanProcessor(exporter));
  });
  afterAll(async () => {
    await stop();
  });

  it('is one producer span whose context each message carries, unless it names a trace of its own', async () => {
    const inner = new RecordingQueue();
    const queue = new TracedQueueSender(inner);
    await inSpan('POST notifications', { kind: SpanKind.SERVER }, () =>
      queue.sendBatch('sms-outbound', [
        { id: 'n-1', sessionId: '+14255550100', body: {} },
        { id: 'n-2', sessionId: '+14255550100', body: {} },
        { id: 'n-3', sessionId: '+14255550101', body: {}, traceContext: OWN_TRACE },
      ]),
    );
    const sends = exporter.getFinishedSpans().filter((span) => span.name === 'send sms-outbound');
    expect(sends).toHaveLength(1);
    const [send] = sends;
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(send?.attributes['messaging.batch.message_count']).toBe(3);
    const { traceId, spanId } = send?.spanContext() ?? { traceId: '', spanId: '' };
    const [first, second, own] = inner.on('sms-outbound');
    expect(first?.traceContext?.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(second?.traceContext).toEqual(first?.traceContext);
    expect(own?.traceContext).toEqual(OWN_TRACE);
    expect(inner.batches).toEqual([3]);
  });
});
