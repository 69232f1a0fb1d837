import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../shared/adapters/clocks.js';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteQueue } from '../../shared/adapters/sqlite-queue.js';
import { takeWriteTurns } from '../../shared/adapters/sqlite-write-turns.js';
import { WriteTurnGate } from '../../shared/adapters/write-turn-gate.js';
import { queueContractOptions } from '../contracts/queue.contract.js';
import { busyFor, compiled, gateSide, spinUntil } from '../support/gate-threads.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-write-turns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Spins until the HTTP thread has asked for a turn. */
const untilWanted = (gate: WriteTurnGate) => spinUntil(() => gate.turnWanted, 'a turn to be asked for');

/** The HTTP thread's side, `marks` 1 while writing and 2 once written. */
const httpSide = (gate: WriteTurnGate, script: string) =>
  gateSide(gate, 'shared/adapters/write-turn-gate.js', 'WriteTurnGate', script);

describe('the write turn gate between the queue thread and the HTTP thread', () => {
  it("holds a write until the queue thread's batch commits, and the queue thread until the write is done", async () => {
    const gate = new WriteTurnGate();
    gate.batchOpened();
    const http = httpSide(
      gate,
      `gate.duringTurn(() => {
         Atomics.store(marks, 0, 1);
         Atomics.wait(marks, 1, 0, 30);
         Atomics.store(marks, 0, 2);
       }, 5000);`,
    );
    untilWanted(gate);
    busyFor(20);
    expect(Atomics.load(http.marks, 0)).toBe(0);

    gate.batchCommitted(5000);

    expect(Atomics.load(http.marks, 0)).toBe(2);
    expect(gate.turnWanted).toBe(false);
    await http.stop();
  });

  it('lets a write go at once while the queue thread holds no batch', () => {
    const gate = new WriteTurnGate();
    // Were it to wait for a step that never comes, this would take a minute.
    expect(gate.duringTurn(() => 'written', 60_000)).toBe('written');
    gate.batchOpened();
    gate.batchCommitted();
    expect(gate.duringTurn(() => 'written again', 60_000)).toBe('written again');
  });

  it('gives the turn up when the queue thread does not come to a step in time, and the next commit does not wait', () => {
    const gate = new WriteTurnGate();
    gate.batchOpened();

    expect(gate.duringTurn(() => 'written', 5)).toBe('written');

    expect(gate.turnWanted).toBe(false);
    // A commit that waited for a write no longer there would take a minute.
    gate.batchCommitted(60_000);
    expect(gate.duringTurn(() => 'written again', 60_000)).toBe('written again');
  });

  it('keeps a wanted turn when a batch opens after one that ended without being told committed', async () => {
    const gate = new WriteTurnGate();
    gate.batchOpened();
    const http = httpSide(gate, `gate.duringTurn(() => Atomics.store(marks, 0, 2), 5000);`);
    untilWanted(gate);

    // The batch the write waits on ended in an error; the next one opens.
    gate.batchOpened();

    expect(gate.turnWanted).toBe(true);
    gate.batchCommitted(5000);
    expect(Atomics.load(http.marks, 0)).toBe(2);
    await http.stop();
  });

  it('lets the queue thread go on when the write does not end in time, and claim its next batch', async () => {
    const gate = new WriteTurnGate();
    gate.batchOpened();
    const http = httpSide(
      gate,
      `gate.duringTurn(() => {
         Atomics.store(marks, 0, 1);
         Atomics.wait(marks, 1, 0);
       }, 5000);`,
    );
    untilWanted(gate);

    gate.batchCommitted(20);

    // Gone on though the write, which did start, never ends.
    spinUntil(() => Atomics.load(http.marks, 0) !== 0, 'the write to start');
    expect(Atomics.load(http.marks, 0)).toBe(1);
    gate.batchOpened();
    expect(gate.turnWanted).toBe(false);
    await http.stop();
  });
});

describe("a connection whose writes take turns (the HTTP thread's)", () => {
  /** A gate that counts the turns asked of it and grants each at once. */
  function counted() {
    const db = openSqlite(':memory:');
    let turns = 0;
    takeWriteTurns(db, {
      duringTurn: (write) => {
        turns += 1;
        return write();
      },
    });
    return { db, turns: () => turns };
  }

  it('asks a turn for each statement that writes, whichever way it is run, and none for a read', () => {
    const { db, turns } = counted();
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    expect(turns()).toBe(1);

    db.prepare('INSERT INTO notes (text) VALUES (?)').run('one');
    expect(db.prepare('INSERT INTO notes (text) VALUES (?) RETURNING id').get('two')).toEqual({ id: 2 });
    expect(db.prepare('UPDATE notes SET text = upper(text) RETURNING text').all()).toHaveLength(2);
    expect(turns()).toBe(4);

    expect(db.prepare('SELECT text FROM notes ORDER BY id').all()).toEqual([
      { text: 'ONE' },
      { text: 'TWO' },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 2 });
    expect(turns()).toBe(4);
  });

  it('asks one turn for a whole transaction, in each of its forms, and none again for the writes in it', () => {
    const { db, turns } = counted();
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
    const insertAll = db.transaction((texts: string[]) => {
      for (const text of texts) insert.run(text);
      return texts.length;
    });

    expect(insertAll(['a', 'b', 'c'])).toBe(3);
    expect(insertAll.immediate(['d', 'e'])).toBe(2);
    expect(insertAll.deferred(['f'])).toBe(1);
    expect(insertAll.exclusive(['g'])).toBe(1);
    expect(insertAll.default(['h'])).toBe(1);

    expect(turns()).toBe(1 + 5);
    expect(db.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 8 });
  });

  it('lets a failed write throw as it would, and asks its turn again the next time', () => {
    const { db, turns } = counted();
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');

    expect(() => insert.run(null)).toThrow(/NOT NULL/);
    insert.run('kept');

    expect(turns()).toBe(3);
    expect(db.prepare('SELECT text FROM notes').all()).toEqual([{ text: 'kept' }]);
  });
});

describe("the batching SQLite queue and the HTTP thread's writes", () => {
  it('commits its open batch at its next receive and waits while the write is done, so the write never meets the lock', async () => {
    const file = join(dir, 'turns.db');
    const gate = new WriteTurnGate();
    // The batch's own timer never fires here: only the step can commit the batch for the write.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const queue = new SqliteQueue(openSqlite(file, { checkpointOnCommit: false }), new ManualClock(), {
        ...queueContractOptions,
        batchWrites: true,
        writeTurnGate: gate,
      });
      await queue.sendBatch('sms-inbound', [{ id: 'm0', sessionId: 's0', body: {} }]);
      queue.commitBatch();
      // The next batch holds the write lock, as the queue thread's batches do one after another.
      await queue.sendBatch('sms-inbound', [{ id: 'held', sessionId: 'held', body: {} }]);

      // The HTTP thread's connection does not wait for the lock at all: met taken, its write fails.
      const http = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads');
         Promise.all([import(workerData.database), import(workerData.turns), import(workerData.gate)]).then(
           ([{ openSqlite }, { takeWriteTurns }, { WriteTurnGate }]) => {
             const db = openSqlite(workerData.file, { checkpointOnCommit: false });
             db.pragma('busy_timeout = 0');
             const gate = new WriteTurnGate(workerData.buffer);
             // A turn waited for as long as the test takes: a loaded machine may be slow to step.
             takeWriteTurns(db, { duringTurn: (write) => gate.duringTurn(write, 10000) });
             try {
               db.prepare('INSERT INTO queue_seen_ids (queue, id, seen_at) VALUES (?, ?, ?)').run('sms-inbound', 'from-http', 0);
               parentPort.postMessage('written');
             } catch (error) {
               parentPort.postMessage(String(error));
             }
             db.close();
           });`,
        {
          eval: true,
          workerData: {
            database: compiled('shared/adapters/sqlite-database.js'),
            turns: compiled('shared/adapters/sqlite-write-turns.js'),
            gate: compiled('shared/adapters/write-turn-gate.js'),
            buffer: gate.buffer,
            file,
          },
        },
      );
      const outcome = new Promise<string>((resolve) => http.once('message', resolve));
      untilWanted(gate);

      // The consumer's next message is the queue thread's step.
      expect(await queue.receive('sms-inbound')).toMatchObject({ id: 'm0' });

      expect(await outcome).toBe('written');
      queue.close();
      await http.terminate();
    } finally {
      vi.useRealTimers();
    }
  });
});
