import type { Metrics } from '../shared/ports.js';

/** One recording, as it crosses from the queue thread to the HTTP thread. */
export type MetricRecord =
  | { kind: 'add'; name: Parameters<Metrics['add']>[0]; value: number; attributes: Record<string, string> }
  | {
      kind: 'record';
      name: Parameters<Metrics['record']>[0];
      value: number;
      attributes: Record<string, string>;
    }
  | {
      kind: 'gauge';
      name: Parameters<Metrics['gauge']>[0];
      value: number;
      attributes: Record<string, string>;
    };

/**
 * The queue thread's Metrics: its recordings go to the HTTP thread, whose registry the metrics
 * endpoint reads, so one scrape shows both threads' figures. Batched per turn of the event loop:
 * a message handled records a few figures, and one post carries them all.
 */
export class ForwardedMetrics implements Metrics {
  private batch: MetricRecord[] = [];

  constructor(private readonly post: (records: MetricRecord[]) => void) {}

  private push(record: MetricRecord) {
    if (this.batch.length === 0) setImmediate(() => this.flush());
    this.batch.push(record);
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const records = this.batch;
    this.batch = [];
    this.post(records);
  }

  add: Metrics['add'] = (name, attributes, value = 1) =>
    this.push({ kind: 'add', name, value, attributes: { ...attributes } });

  record: Metrics['record'] = (name, value, attributes) =>
    this.push({ kind: 'record', name, value, attributes: { ...attributes } });

  gauge: Metrics['gauge'] = (name, value, attributes) =>
    this.push({ kind: 'gauge', name, value, attributes: { ...attributes } });
}

/** Records what the queue thread forwarded into this thread's Metrics. */
export function replayMetrics(records: MetricRecord[], into: Metrics): void {
  // The names and attributes were checked by the compiler on the queue thread's side.
  const loose = into as unknown as Record<MetricRecord['kind'], (...args: unknown[]) => void>;
  for (const r of records) {
    if (r.kind === 'add') loose.add(r.name, r.attributes, r.value);
    else loose[r.kind](r.name, r.value, r.attributes);
  }
}
