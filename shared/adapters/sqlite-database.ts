import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;
/**
 * Opens the embedded database. WAL lets readers run beside the one writer; `synchronous=FULL` puts
 * every commit on disk before it returns, so an accepted message survives a power cut, not only a
 * crash. That costs one fsync per commit, which is why the local host's queue thread batches its
 * commits and group-commits accepted work. A busy timeout makes a second connection wait for the
 * write lock instead of failing.
 */
export function openSqlite(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
