import { Worker } from 'node:worker_threads';
import type { CheckpointOutcome } from '../shared/adapters/sqlite-checkpoint.js';

export interface CheckpointSetup {
  /** The embedded default's data directory (the thread opens its database file). */
  dataDir: string;
  everyMs: number;
}

export type ToCheckpointer = { type: 'stop' };

export type FromCheckpointer =
  | { type: 'started' }
  | { type: 'start-failed'; message: string }
  | { type: 'checkpointed'; outcome: CheckpointOutcome }
  | { type: 'failed'; message: string };

export interface CheckpointHooks {
  /** A checkpoint that failed (the next one tries again): for the log. */
  failed: (message: string) => void;
  /** Every checkpoint that found frames in the WAL. */
  checkpointed?: (outcome: CheckpointOutcome) => void;
}

/** How often the checkpoint thread looks at the WAL. */
export const CHECKPOINT_EVERY_MS = 250;

/** The compiled thread; from source (the tests), its compiled twin, which the test setup builds. */
function threadUrl(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts')
    ? new URL('../dist/local/checkpoint-thread.js', here)
    : new URL('./checkpoint-thread.js', here);
}

/**
 * The embedded database's WAL checkpoints, on a thread of their own. The host's connections are
 * opened with `checkpointOnCommit: false`: a checkpoint in a commit stopped the committing thread
 * for 35-56 ms about once a second under load (node dist/bench/fanout.js), and with it every send
 * slot of a number sending a message a millisecond (docs/decisions.md, "WAL checkpoints").
 */
export class WalCheckpointer {
  private readonly stopped: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.stopped = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  static async start(dataDir: string, hooks: CheckpointHooks, everyMs = CHECKPOINT_EVERY_MS) {
    const worker = new Worker(threadUrl(), { workerData: { dataDir, everyMs } satisfies CheckpointSetup });
    const checkpointer = new WalCheckpointer(worker);
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (message: FromCheckpointer) => {
        if (message.type === 'started') resolve();
        else if (message.type === 'start-failed')
          reject(new Error(`the WAL checkpoint thread could not open the database: ${message.message}`));
        else if (message.type === 'failed') hooks.failed(message.message);
        else if (message.type === 'checkpointed') hooks.checkpointed?.(message.outcome);
      });
    });
    worker.on('error', (error) => hooks.failed(error.message));
    // The host's stop waits for it; otherwise it never keeps the process alive.
    worker.unref();
    return checkpointer;
  }

  /** Stops the checkpoints and closes the thread's connection. */
  async stop(): Promise<void> {
    this.worker.postMessage({ type: 'stop' } satisfies ToCheckpointer);
    await this.stopped;
  }
}
