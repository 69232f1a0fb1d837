/**
 * The local host's checkpoint thread: copies the embedded database's WAL into the database file
 * every few hundred milliseconds, on a connection of its own, so neither the HTTP thread nor the
 * queue thread ever stops to do it in a commit (local/wal-checkpointer.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointWal } from '../shared/adapters/sqlite-checkpoint.js';
import { databaseFile, openSqlite, type SqliteDatabase } from '../shared/adapters/sqlite-database.js';
import type { CheckpointSetup, FromCheckpointer, ToCheckpointer } from './wal-checkpointer.js';

if (!parentPort) throw new Error('local/checkpoint-thread.js runs as a worker thread of the local host');
const port = parentPort;
const setup = workerData as CheckpointSetup;
const post = (message: FromCheckpointer) => port.postMessage(message);

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function run(db: SqliteDatabase) {
  const timer = setInterval(() => {
    try {
      const outcome = checkpointWal(db);
      if (outcome.frames > 0) post({ type: 'checkpointed', outcome });
    } catch (error) {
      post({ type: 'failed', message: errorText(error) });
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
  run(openSqlite(databaseFile(setup.dataDir), { checkpointOnCommit: false }));
} catch (error) {
  post({ type: 'start-failed', message: errorText(error) });
  port.close();
}
