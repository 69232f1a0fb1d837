/**
 * The local host's checkpoint thread: copies the embedded database's WAL into the database file
 * every few hundred milliseconds, on a connection of its own, so neither the HTTP thread nor the
 * queue thread ever stops to do it in a commit (local/wal-checkpointer.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointWal, openCheckpointConnection } from '../shared/adapters/sqlite-checkpoint.js';
import { databaseFile, type SqliteDatabase } from '../shared/adapters/sqlite-database.js';
import { WalRestartGate } from '../shared/adapters/wal-restart-gate.js';
import { errorText } from '../shared/errors.js';
import type { CheckpointSetup, FromCheckpointer, ToCheckpointer } from './wal-checkpointer.js';

if (!parentPort) throw new Error('local/checkpoint-thread.js runs as a worker thread of the local host');
const port = parentPort;
const setup = workerData as CheckpointSetup;
const post = (message: FromCheckpointer) => port.postMessage(message);

function run(db: SqliteDatabase) {
  // A failure that lasts (a full disk) is reported once, not four times a second.
  let lastFailure: string | undefined;
  const gate = setup.walRestartGate ? new WalRestartGate(setup.walRestartGate) : undefined;
  const timer = setInterval(() => {
    try {
      const outcome = checkpointWal(db, undefined, gate);
      lastFailure = undefined;
      if (setup.report && outcome.frames > 0) post({ type: 'checkpointed', outcome });
    } catch (error) {
      const message = errorText(error);
      if (message !== lastFailure) post({ type: 'failed', message });
      lastFailure = message;
    }
  }, setup.everyMs);
  post({ type: 'started' });
  port.on('message', (message: ToCheckpointer) => {
    if (message.type !== 'stop') return;
    clearInterval(timer);
    db.close();
    port.close();
  });
}

try {
  run(openCheckpointConnection(databaseFile(setup.dataDir)));
} catch (error) {
  post({ type: 'start-failed', message: errorText(error) });
  port.close();
}
