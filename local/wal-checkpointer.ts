import { Worker } from 'node:worker_threads';
import type { CheckpointOutcome } from '../shared/adapters/sqlite-checkpoint.js';
import { threadUrl } from './thread-url.js';

export interface CheckpointSetup {
  /** The embedded default's data directory (the thread opens its database file). */
  dataDir: string;
  everyMs: number;
  /** Post every checkpoint that found frames (a hook asked for them). */
  report: boolean;
  /** The queue thread's side of the WAL restart gate (shared/adapters/wal-restart-gate.ts). */
  walRestartGate?: SharedArrayBuffer;
}

export type ToCheckpointer = { type: 'stop' };

export type FromCheckpointer =
  | { type: 'started' }
  | { type: 'start-failed'; message: string }
  | { type: 'checkpointed'; outcome: CheckpointOutcome }
  | { type: 'failed'; message: string };

export interface CheckpointHooks {
  /**
   * For the log: a checkpoint that failed (reported once until one succeeds; the next round tries
   * again), or the thread ending without being asked, after which the WAL is no longer checkpointed
   * until the host restarts.
   */
  failed: (message: string) => void;
  /** Every checkpoint that found frames in the WAL. */
  checkpointed?: (outcome: CheckpointOutcome) => void;
}

export interface CheckpointOptions {
  /** How often the thread checkpoints. */
  everyMs?: number;
  /** The thread's script; the compiled local/checkpoint-thread.js unless given. */
  thread?: URL;
  /** The gate the writer steps aside at for a restart; without it a restart waits for the lock. */
  walRestartGate?: SharedArrayBuffer;
}

/** How often the checkpoint thread looks at the WAL. */
export const CHECKPOINT_EVERY_MS = 250;

/**
 * The embedded database's WAL checkpoints, on a thread of their own. The host's connections are
 * opened with `checkpointOnCommit: false`: a checkpoint in a commit stopped the committing thread
 * for 35-56 ms about once a second under load (node dist/bench/fanout.js), and with it the sends of
 * every number (docs/decisions.md, "WAL checkpoints on a thread of their own").
 */
export class WalCheckpointer {
  private stopping = false;
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  static async start(dataDir: string, hooks: CheckpointHooks, options: CheckpointOptions = {}) {
    const setup: CheckpointSetup = {
      dataDir,
      everyMs: options.everyMs ?? CHECKPOINT_EVERY_MS,
      report: hooks.checkpointed !== undefined,
      ...(options.walRestartGate ? { walRestartGate: options.walRestartGate } : {}),
    };
    const worker = new Worker(options.thread ?? threadUrl('checkpoint-thread.js'), { workerData: setup });
    const checkpointer = new WalCheckpointer(worker);
    await new Promise<void>((resolve, reject) => {
      const early = (code: number) =>
        reject(new Error(`the WAL checkpoint thread ended before it started (exit code ${code})`));
      worker.once('error', reject);
      worker.once('exit', early);
      worker.on('message', (message: FromCheckpointer) => {
        if (message.type === 'started') {
          worker.off('error', reject);
          worker.off('exit', early);
          resolve();
        } else if (message.type === 'start-failed')
          reject(new Error(`the WAL checkpoint thread could not open the database: ${message.message}`));
        else if (message.type === 'failed') hooks.failed(message.message);
        else hooks.checkpointed?.(message.outcome);
      });
    });
    worker.on('error', (error) => hooks.failed(`the WAL checkpoint thread failed: ${error.message}`));
    worker.once('exit', (code) => {
      if (!checkpointer.stopping)
        hooks.failed(`the WAL checkpoint thread ended (exit code ${code}); the WAL grows until a restart`);
    });
    return checkpointer;
  }

  /** Stops the checkpoints and closes the thread's connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.worker.postMessage({ type: 'stop' } satisfies ToCheckpointer);
    await this.exited;
  }
}
