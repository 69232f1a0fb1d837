import type { Counter, Gauge, Histogram, Meter } from '@opentelemetry/api';
import type {
  CounterAttributes,
  CounterName,
  GaugeAttributes,
  GaugeName,
  HistogramAttributes,
  HistogramName,
  Metrics,
} from '../ports.js';
import { counters, gauges, histograms } from './metric-catalogue.js';

/** The instrumentation scope the figures are published under. */
export const METER_NAME = 'omnichannel-sms';

/**
 * The Metrics port over an OpenTelemetry meter: on Azure the global one the Azure Monitor distro
 * registers (exported to Application Insights as custom metrics), on the local host the in-process
 * registry's. The meter is asked for at each record, since the global provider is registered in
 * the background after start: instruments made on the no-op meter before then would stay no-ops.
 */
export class OtelMetrics implements Metrics {
  private meter: Meter | undefined;
  private readonly instruments = new Map<string, Counter | Histogram | Gauge>();

  constructor(private readonly meterOf: () => Meter) {}

  private instrument<T extends Counter | Histogram | Gauge>(name: string, make: (meter: Meter) => T): T {
    const meter = this.meterOf();
    if (meter !== this.meter) {
      this.meter = meter;
      this.instruments.clear();
    }
    let instrument = this.instruments.get(name);
    if (!instrument) {
      instrument = make(meter);
      this.instruments.set(name, instrument);
    }
    return instrument as T;
  }

  add<N extends CounterName>(name: N, attributes: CounterAttributes[N], value = 1): void {
    this.instrument(name, (meter) => meter.createCounter(name, counters[name])).add(value, attributes);
  }

  record<N extends HistogramName>(name: N, value: number, attributes: HistogramAttributes[N]): void {
    const { description, unit, buckets } = histograms[name];
    this.instrument(name, (meter) =>
      meter.createHistogram(name, { description, unit, advice: { explicitBucketBoundaries: buckets } }),
    ).record(Math.max(0, value), attributes);
  }

  gauge<N extends GaugeName>(name: N, value: number, attributes: GaugeAttributes[N]): void {
    this.instrument(name, (meter) => meter.createGauge(name, gauges[name])).record(value, attributes);
  }
}
