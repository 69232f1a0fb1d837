import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WalCheckpointer } from '../../local/wal-checkpointer.js';
import type { CheckpointOutcome } from '../../shared/adapters/sqlite-checkpoint.js';
import { databaseFile, openSqlite } from '../../shared/adapters/sqlite-database.js';
import { eventually } from '../support/eventually.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'sms-checkpointer-'));
  dirs.push(dir);
  return dir;
}

/** A stand-in for the thread's script, as a module of its own. */
const script = (source: string) => new URL(`data:text/javascript,${encodeURIComponent(source)}`);

describe("the local host's checkpoint thread", () => {
  it('copies what another connection commits into the database file', async () => {
    const dir = dataDir();
    const writer = openSqlite(databaseFile(dir), { checkpointOnCommit: false });
    writer.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const seen: CheckpointOutcome[] = [];
    const failures: string[] = [];
    const checkpointer = await WalCheckpointer.start(
      dir,
      { failed: (message) => failures.push(message), checkpointed: (outcome) => seen.push(outcome) },
      { everyMs: 10 },
    );

    const insert = writer.prepare('INSERT INTO rows (body) VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(2048));
    await eventually(
      () => seen.some((outcome) => outcome.frames >= 200 && outcome.copied === outcome.frames),
      'a checkpoint of the 200 commits',
    );
    await checkpointer.stop();
    writer.close();
    expect(failures).toEqual([]);
  });

  it('refuses to start on a database it cannot open, saying why', async () => {
    const dir = dataDir();
    // A directory where the database file should be.
    mkdirSync(databaseFile(dir));
    await expect(WalCheckpointer.start(dir, { failed: () => {} }, { everyMs: 10 })).rejects.toThrow(
      /could not open the database/,
    );
  });

  it('refuses to start when its thread ends before it is up, instead of waiting for ever', async () => {
    await expect(
      WalCheckpointer.start(dataDir(), { failed: () => {} }, { thread: script('process.exit(3);') }),
    ).rejects.toThrow(/ended before it started \(exit code 3\)/);
  });

  it('says so when its thread ends without being asked: the WAL is no longer checkpointed', async () => {
    const failures: string[] = [];
    const ending = script(`
      import { parentPort } from 'node:worker_threads';
      parentPort.postMessage({ type: 'started' });
      setTimeout(() => process.exit(7), 20);
    `);
    await WalCheckpointer.start(
      dataDir(),
      { failed: (message) => failures.push(message) },
      { thread: ending },
    );
    await eventually(() => failures.length > 0, 'the thread to end');
    expect(failures).toEqual([
      'the WAL checkpoint thread ended (exit code 7); the WAL grows until a restart',
    ]);
  });

  it('says nothing when it is stopped', async () => {
    const failures: string[] = [];
    const checkpointer = await WalCheckpointer.start(
      dataDir(),
      { failed: (message) => failures.push(message) },
      { everyMs: 10 },
    );
    await checkpointer.stop();
    expect(failures).toEqual([]);
  });
});
