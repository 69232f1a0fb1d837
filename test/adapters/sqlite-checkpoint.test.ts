import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointWal } from '../../shared/adapters/sqlite-checkpoint.js';
import { databaseFile, openSqlite, type SqliteDatabase } from '../../shared/adapters/sqlite-database.js';

const dirs: string[] = [];
const open: SqliteDatabase[] = [];

function database() {
  const dir = mkdtempSync(join(tmpdir(), 'sms-checkpoint-'));
  dirs.push(dir);
  const file = databaseFile(dir);
  const connect = (checkpointOnCommit: boolean) => {
    const db = openSqlite(file, { checkpointOnCommit });
    open.push(db);
    return db;
  };
  const writer = connect(false);
  writer.exec('CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = writer.prepare('INSERT INTO rows (body) VALUES (?)');
  // 2 KB a row, one commit each: a frame or more per commit.
  const write = (rows: number) => {
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(2048));
  };
  return { file, writer, connect, write };
}

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('WAL checkpoints', () => {
  it('are left to the checkpoint thread by a connection opened without checkpoints on commit, and made on commit otherwise', () => {
    const { writer, connect } = database();
    expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(connect(true).pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
  });

  it('copy every committed frame into the database file without waiting for a writer in the middle of a transaction', () => {
    const { writer, connect, write } = database();
    write(200);
    writer.exec('BEGIN IMMEDIATE');
    writer.prepare('INSERT INTO rows (body) VALUES (?)').run('not committed yet');

    const outcome = checkpointWal(connect(false));

    expect(outcome.frames).toBeGreaterThan(200);
    expect(outcome).toMatchObject({ copied: outcome.frames, restarted: false });
    writer.exec('COMMIT');
  });

  it('let the writer start the WAL over once everything is copied, so the file stops growing', () => {
    const { file, connect, write } = database();
    const checkpointer = connect(false);
    write(300);
    const first = checkpointWal(checkpointer);
    const size = statSync(`${file}-wal`).size;

    write(300);
    const second = checkpointWal(checkpointer);

    // Without the restart the second 300 rows would follow the first: twice the frames and the file.
    expect(second.frames).toBeLessThan(1.5 * first.frames);
    expect(statSync(`${file}-wal`).size).toBeLessThan(1.5 * size);
  });

  it('wait for readers and start the WAL over only past the bound, and only when a reader kept frames from being copied', () => {
    const { connect, write } = database();
    const checkpointer = connect(false);
    checkpointer.pragma('busy_timeout = 20');
    const reader = connect(false);
    write(50);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM rows').get();
    write(50);

    const withinBound = checkpointWal(checkpointer, 1_000_000);
    expect(withinBound.copied).toBeLessThan(withinBound.frames);
    expect(withinBound.restarted).toBe(false);
    // Past the bound the checkpoint waits for the reader, which still reads: it gives up, and says so.
    expect(checkpointWal(checkpointer, 10).restarted).toBe(false);

    reader.exec('COMMIT');
    write(10);
    const afterReader = checkpointWal(checkpointer, 10);
    expect(afterReader.frames).toBeGreaterThan(10);
    expect(afterReader.copied).toBe(afterReader.frames);
  });
});

describe('the WAL file', () => {
  it('is removed when the last connection closes, checkpointed or not', () => {
    const { file, writer, write } = database();
    write(20);
    writer.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
