import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteStore } from '../../shared/adapters/sqlite-store.js';
import { aConversation, aCustomerState, aMessage } from '../support/builders.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-write-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Another connection to the same file committing small writes until told to stop, as the local
 * host's HTTP thread does beside its queue thread. Plain better-sqlite3: a worker cannot load the
 * TypeScript sources, and any writer at all is what the store must live beside.
 */
function startOtherWriter(file: string) {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const Database = require('better-sqlite3');
     const db = new Database(workerData.file);
     db.pragma('busy_timeout = 5000');
     db.exec('CREATE TABLE IF NOT EXISTS other_writes (n INTEGER)');
     const write = db.prepare('INSERT INTO other_writes (n) VALUES (?)');
     let n = 0;
     write.run(n++);
     parentPort.postMessage('writing');
     while (Atomics.load(workerData.stop, 0) === 0) write.run(n++);
     db.close();
     parentPort.postMessage(n);`,
    { eval: true, workerData: { file, stop } },
  );
  const writing = new Promise((resolve) => worker.once('message', resolve));
  return {
    writing,
    async stop(): Promise<number> {
      Atomics.store(stop, 0, 1);
      const written = await new Promise<number>((resolve) =>
        worker.on('message', (m) => typeof m === 'number' && resolve(m)),
      );
      await worker.terminate();
      return written;
    },
  };
}

describe('the SQLite store beside another connection that writes', () => {
  it('never fails a change that reads before it writes with "database is locked"', async () => {
    const file = join(dir, 'shared.db');
    const store = new SqliteStore(openSqlite(file));
    const conversation = aConversation();
    const message = aMessage({ direction: 'outbound', status: 'queued' });
    await store.createConversation(conversation);
    let storedMessage = await store.createMessage(message);
    let customer = await store.putCustomer(aCustomerState(), null);
    const other = startOtherWriter(file);
    await other.writing;

    // Each of these reads the row it replaces (the ETag check, the events it records) and then
    // writes: begun as a read, such a transaction could not take the write lock once the other
    // connection had committed since, and SQLite answers that at once, without waiting.
    const failures: string[] = [];
    for (let i = 0; i < 1500; i += 1) {
      try {
        customer = await store.putCustomer({ ...customer.value, optedOut: i % 2 === 0 }, customer.etag);
        storedMessage = await store.replaceMessage(
          { ...storedMessage.value, text: `attempt ${i}` },
          storedMessage.etag,
        );
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    const otherWrites = await other.stop();

    expect(otherWrites).toBeGreaterThan(1);
    expect(failures).toEqual([]);
    expect((await store.getMessage(message.conversationId, message.id))?.value.text).toBe('attempt 1499');
  });
});
