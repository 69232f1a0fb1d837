import type { Config } from '../shared/config.js';
import type { LiveMessage } from '../shared/domain/live.js';
import type { OutgoingMessage, QueueName } from '../shared/ports.js';
import type { CompletedMessage } from './consumer.js';
import type { MetricRecord } from './forwarded-metrics.js';

/** What the main thread hands the queue thread at start. */
export interface WorkerSetup {
  config: Config;
  /** Forward each completed queue message (the benchmark's latency hook). */
  reportCompleted: boolean;
  /** The WAL restart gate shared with the checkpoint thread (shared/adapters/wal-restart-gate.ts). */
  walRestartGate?: SharedArrayBuffer;
  /** The gate through which the HTTP thread's writes get their turn (shared/adapters/write-turn-gate.ts). */
  writeTurnGate?: SharedArrayBuffer;
  /**
   * Every sync of accepted work fails, as after a failed write-back of the WAL (a spec's: a thread
   * is handed data, so a stand-in function such as the HTTP thread's `syncWal` cannot cross).
   */
  syncsFail?: boolean;
}

export type ToWorker =
  | { type: 'send'; requestId: number; queue: QueueName; message: OutgoingMessage }
  | { type: 'send-batch'; requestId: number; queue: QueueName; messages: readonly OutgoingMessage[] }
  | { type: 'clock'; at: number }
  | { type: 'invoke'; requestId: number; name: string }
  | { type: 'configuration-changed'; requestId: number }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'started' }
  | { type: 'start-failed'; message: string }
  | { type: 'sent'; requestId: number; error?: string }
  | { type: 'invoked'; requestId: number; error?: string }
  | { type: 'refreshed'; requestId: number; error?: string }
  | { type: 'completed'; message: CompletedMessage }
  | { type: 'log'; line: string }
  | { type: 'live'; groups: string[]; message: LiveMessage }
  | { type: 'metrics'; records: MetricRecord[] }
  /** A sync of accepted work failed: the queue refuses all work from now on (the error's text). */
  | { type: 'sync-failed'; message: string }
  /** Several of the above in one post: each post wakes the HTTP thread, and costs the sender more than its content. */
  | { type: 'batch'; messages: FromWorker[] }
  | { type: 'stopped' };
