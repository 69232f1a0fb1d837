import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WalCheckpointer } from '../../local/wal-checkpointer.js';
import type { CheckpointOutcome } from '../../shared/adapters/sqlite-checkpoint.js';
import { databaseFile, openSqlite } from '../../shared/adapters/sqlite-database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("the local host's checkpoint thread", () => {
  it('copies what another connection commits into the database file, and closes its own connection when stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-checkpointer-'));
    dirs.push(dir);
    const file = databaseFile(dir);
    const writer = openSqlite(file, { checkpointOnCommit: false });
    writer.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const seen: CheckpointOutcome[] = [];
    const failures: string[] = [];
    const checkpointer = await WalCheckpointer.start(
      dir,
      { failed: (message) => failures.push(message), checkpointed: (outcome) => seen.push(outcome) },
      10,
    );

    const insert = writer.prepare('INSERT INTO rows (body) VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(2048));
    await until(
      () => seen.some((outcome) => outcome.frames >= 200 && outcome.copied === outcome.frames),
      'a checkpoint of the 200 commits',
    );
    await checkpointer.stop();
    writer.close();

    // The last connection to close removes the WAL: the thread's was closed before the writer's.
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(failures).toEqual([]);
  });

  it('refuses to start on a database it cannot open, saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-checkpointer-'));
    dirs.push(dir);
    // A directory where the database file should be.
    mkdirSync(databaseFile(dir));
    await expect(WalCheckpointer.start(dir, { failed: () => {} }, 10)).rejects.toThrow(/open|directory/i);
  });
});
