import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../shared/adapters/clocks.js';
import type { CheckpointOutcome } from '../../shared/adapters/sqlite-checkpoint.js';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteQueue } from '../../shared/adapters/sqlite-queue.js';
import { WalRestartGate } from '../../shared/adapters/wal-restart-gate.js';
import { queueContractOptions } from '../contracts/queue.contract.js';
import { busyFor, compiled, gateSide, spinUntil } from '../support/gate-threads.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-restart-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Spins until the checkpoint thread has asked for a turn. */
const untilWanted = (gate: WalRestartGate) =>
  spinUntil(() => gate.restartWanted, 'a restart to be asked for');

/** The checkpoint thread's side, `marks` 1 while restarting and 2 once restarted. */
const checkpointSide = (gate: WalRestartGate, script: string) =>
  gateSide(gate, 'shared/adapters/wal-restart-gate.js', 'WalRestartGate', script);

describe('the WAL restart gate between the writer and the checkpoint thread', () => {
  it('holds the restart until the writer steps aside, and the writer until the restart has ended', async () => {
    const gate = new WalRestartGate();
    const checkpointer = checkpointSide(
      gate,
      `gate.whileWriterAside(() => {
         Atomics.store(marks, 0, 1);
         Atomics.wait(marks, 1, 0, 30);
         Atomics.store(marks, 0, 2);
       }, 5000);`,
    );
    untilWanted(gate);
    busyFor(20);
    expect(Atomics.load(checkpointer.marks, 0)).toBe(0);

    gate.stepAside(5000);

    expect(Atomics.load(checkpointer.marks, 0)).toBe(2);
    expect(gate.restartWanted).toBe(false);
    await checkpointer.stop();
  });

  it('goes ahead with a restart when the writer has nothing to do and never comes to a step', () => {
    const gate = new WalRestartGate();
    expect(gate.whileWriterAside(() => 'restarted', 5)).toBe('restarted');
    expect(gate.restartWanted).toBe(false);
  });

  it('lets the writer go on when the restart does not end in time', async () => {
    const gate = new WalRestartGate();
    const checkpointer = checkpointSide(
      gate,
      `gate.whileWriterAside(() => {
         Atomics.store(marks, 0, 1);
         Atomics.wait(marks, 1, 0);
       });`,
    );
    untilWanted(gate);

    gate.stepAside(20);

    // Gone on though the restart never ends.
    expect(Atomics.load(checkpointer.marks, 0)).not.toBe(2);
    await checkpointer.stop();
  });
});

describe('the batching SQLite queue and a restart of the WAL', () => {
  it('commits its open batch and steps aside at its next receive, so the restart is not refused for the lock', async () => {
    const file = join(dir, 'restart.db');
    const gate = new WalRestartGate();
    // The batch's own timer never fires here: only the step can commit the batch for the restart.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const queue = new SqliteQueue(openSqlite(file, { checkpointOnCommit: false }), new ManualClock(), {
        ...queueContractOptions,
        batchWrites: true,
        walRestartGate: gate,
      });
      const messages = Array.from({ length: 200 }, (_, index) => ({
        id: `m${index}`,
        sessionId: `s${index}`,
        body: { text: 'x'.repeat(512) },
      }));
      await queue.sendBatch('sms-inbound', messages);
      queue.commitBatch();
      // The next batch holds the write lock, as the queue thread's batches do one after another.
      await queue.sendBatch('sms-inbound', [{ id: 'held', sessionId: 'held', body: {} }]);

      const checkpointer = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads');
         Promise.all([import(workerData.checkpoint), import(workerData.gate)]).then(([checkpoint, { WalRestartGate }]) => {
           const db = checkpoint.openCheckpointConnection(workerData.file);
           parentPort.postMessage(checkpoint.checkpointWal(db, 0, new WalRestartGate(workerData.buffer)));
           db.close();
         });`,
        {
          eval: true,
          workerData: {
            checkpoint: compiled('shared/adapters/sqlite-checkpoint.js'),
            gate: compiled('shared/adapters/wal-restart-gate.js'),
            buffer: gate.buffer,
            file,
          },
        },
      );
      const outcome = new Promise<CheckpointOutcome>((resolve) => checkpointer.once('message', resolve));
      untilWanted(gate);

      // The consumer's next message is the writer's step.
      expect(await queue.receive('sms-inbound')).toMatchObject({ id: 'm0' });

      expect(await outcome).toMatchObject({ restarted: true });
      queue.close();
      await checkpointer.terminate();
    } finally {
      vi.useRealTimers();
    }
  });
});
