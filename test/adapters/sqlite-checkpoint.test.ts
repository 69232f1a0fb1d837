import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkpointWal,
  openCheckpointConnection,
  RESTART_WAIT_MS,
} from '../../shared/adapters/sqlite-checkpoint.js';
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
  const checkpointing = () => {
    const db = openCheckpointConnection(file);
    open.push(db);
    return db;
  };
  return { file, writer, connect, checkpointing, write };
}

/** 50 rows, then a reader's snapshot, then `rowsAfter` more rows the reader keeps from being copied. */
function readerOnOldFrames(rowsAfter: number) {
  const { connect, checkpointing, write } = database();
  const checkpointer = checkpointing();
  const reader = connect(false);
  write(50);
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM rows').get();
  write(rowsAfter);
  return { checkpointer, reader, write };
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

  it("are made on a connection that waits for the writer's batch and the readers only briefly: a restart blocks new writers while it waits", () => {
    const checkpointer = database().checkpointing();
    expect(checkpointer.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(checkpointer.pragma('busy_timeout', { simple: true })).toBe(RESTART_WAIT_MS);
  });

  it('copy every committed frame into the database file without waiting for a writer in the middle of a transaction', () => {
    const { writer, checkpointing, write } = database();
    write(200);
    writer.exec('BEGIN IMMEDIATE');
    writer.prepare('INSERT INTO rows (body) VALUES (?)').run('not committed yet');

    const outcome = checkpointWal(checkpointing());

    expect(outcome.frames).toBeGreaterThan(200);
    expect(outcome).toMatchObject({ copied: outcome.frames, restarted: false });
    writer.exec('COMMIT');
  });

  it('let the writer start the WAL over once everything is copied, so the file stops growing', () => {
    const { file, checkpointing, write } = database();
    const checkpointer = checkpointing();
    write(300);
    const first = checkpointWal(checkpointer);
    const size = statSync(`${file}-wal`).size;

    write(300);
    const second = checkpointWal(checkpointer);

    // Without the restart the second 300 rows would follow the first: twice the frames and the file.
    expect(second.frames).toBeLessThan(1.5 * first.frames);
    expect(statSync(`${file}-wal`).size).toBeLessThan(1.5 * size);
  });

  it('start the WAL over past the bound, which the writer does only when it finds everything copied', () => {
    const { checkpointer, reader, write } = readerOnOldFrames(300);
    // The writer's commits found frames the reader kept from being copied: the WAL was never restarted.
    reader.exec('COMMIT');

    const outcome = checkpointWal(checkpointer, 100);

    expect(outcome.frames).toBeGreaterThan(300);
    expect(outcome).toMatchObject({ copied: outcome.frames, restarted: true });
    write(1);
    expect(checkpointWal(checkpointer, 100).frames).toBeLessThan(10);
  });

  it('give up a restart while a reader still reads old frames, and say so', () => {
    const { checkpointer, reader } = readerOnOldFrames(50);

    const outcome = checkpointWal(checkpointer, 10);

    expect(outcome.restarted).toBe(false);
    expect(outcome.copied).toBeLessThan(outcome.frames);
    reader.exec('COMMIT');
  });
});
