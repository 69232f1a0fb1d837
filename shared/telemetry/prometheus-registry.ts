import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { Metrics } from '../ports.js';
import { METER_NAME, OtelMetrics } from './otel-metrics.js';

/** Collects when asked (a scrape), never on a schedule of its own. */
class PullReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** The exposition's content type (Prometheus text format 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The local host's figures, in process: an OpenTelemetry meter provider of its own (cumulative, as
 * Prometheus expects) whose figures are written out in the Prometheus text format at each scrape
 * by the OpenTelemetry Prometheus exporter's serializer. The same OtelMetrics adapter records into
 * it as into Azure Monitor's provider, so the names and units are the ones Azure shows.
 */
export class PrometheusRegistry {
  readonly metrics: Metrics;
  private readonly reader = new PullReader();
  private readonly provider: MeterProvider;
  // No target_info or otel_scope_* labels: one app, one scope; the figures are what matters here.
  private readonly serializer = new PrometheusSerializer(undefined, false, undefined, true, true);

  constructor() {
    this.provider = new MeterProvider({ readers: [this.reader] });
    const meter = this.provider.getMeter(METER_NAME);
    this.metrics = new OtelMetrics(() => meter);
  }

  async exposition(): Promise<string> {
    const { resourceMetrics, errors } = await this.reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'collecting the metrics failed');
    return this.serializer.serialize(resourceMetrics);
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
