import type { Metrics } from '../../shared/ports.js';

export interface Recorded {
  kind: 'add' | 'record' | 'gauge';
  name: string;
  value: number;
  attributes: Record<string, string>;
}

/** A Metrics that keeps every recording, for tests to read back. */
export class RecordingMetrics implements Metrics {
  readonly recorded: Recorded[] = [];

  add: Metrics['add'] = (name, attributes, value = 1) => {
    this.recorded.push({ kind: 'add', name, value, attributes: { ...attributes } });
  };

  record: Metrics['record'] = (name, value, attributes) => {
    this.recorded.push({ kind: 'record', name, value, attributes: { ...attributes } });
  };

  gauge: Metrics['gauge'] = (name, value, attributes) => {
    this.recorded.push({ kind: 'gauge', name, value, attributes: { ...attributes } });
  };

  /** The sum added to a counter with these attributes (all of them when none are given). */
  count(name: string, attributes: Record<string, string> = {}): number {
    return this.of(name, attributes).reduce((sum, r) => sum + r.value, 0);
  }

  of(name: string, attributes: Record<string, string> = {}): Recorded[] {
    return this.recorded.filter(
      (r) =>
        r.name === name && Object.entries(attributes).every(([key, value]) => r.attributes[key] === value),
    );
  }
}
