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

const dir = mkdtempSync(join(tmpdir(), 'sms-restart-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The compiled twin of a module (the test setup builds dist/), for a thread of its own. */
const compiled = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;

/** Spins until the checkpoint thread has asked for a turn (the writer's steps come often). */
function untilWanted(gate: WalRestartGate) {
  const deadline = Date.now() + 5000;
  while (!gate.restartWanted) if (Date.now() > deadline) throw new Error('no restart was asked for');
}

describe('the WAL restart gate between the writer and the checkpoint thread', () => {
  it('holds the writer that steps aside until the restart has ended, then lets it go on', async () => {
    const gate = new WalRestartGate();
    const marks = new SharedArrayBuffer(8);
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       import(workerData.gate).then(({ WalRestartGate }) => {
         const gate = new WalRestartGate(workerData.buffer);
         const marks = new Int32Array(workerData.marks);
         gate.whileWriterAside(() => {
           Atomics.store(marks, 0, 1);
           Atomics.wait(marks, 1, 0, 30);
           Atomics.store(marks, 0, 2);
         });
         parentPort.postMessage('done');
       });`,
      {
        eval: true,
        workerData: { gate: compiled('shared/adapters/wal-restart-gate.js'), buffer: gate.buffer, marks },
      },
    );
    const done = new Promise((resolve) => worker.once('message', resolve));
    untilWanted(gate);

    gate.stepAside();

    // The restart ran (1) and ended (2) before the writer went on.
    expect(Atomics.load(new Int32Array(marks), 0)).toBe(2);
    expect(gate.restartWanted).toBe(false);
    await done;
    await worker.terminate();
  });

  it('goes ahead with a restart when the writer has nothing to do and never comes to a step', () => {
    const gate = new WalRestartGate();
    expect(gate.whileWriterAside(() => 'restarted', 5)).toBe('restarted');
    expect(gate.restartWanted).toBe(false);
    // A writer coming to a step afterwards goes straight on.
    gate.stepAside(1000);
  });

  it('lets the writer go on when the restart does not end in time, and opens the gate again', async () => {
    const gate = new WalRestartGate();
    const marks = new SharedArrayBuffer(8);
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       import(workerData.gate).then(({ WalRestartGate }) => {
         new WalRestartGate(workerData.buffer).whileWriterAside(() => {
           Atomics.wait(new Int32Array(workerData.marks), 1, 0);
         });
       });`,
      {
        eval: true,
        workerData: { gate: compiled('shared/adapters/wal-restart-gate.js'), buffer: gate.buffer, marks },
      },
    );
    untilWanted(gate);

    gate.stepAside(20);

    expect(gate.restartWanted).toBe(false);
    await worker.terminate();
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
        restartGate: gate,
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
