import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;
/**
 * `accept`: the commits that accept work onto the queue wait for the disk (fsync); the others
 * survive a process crash and, after a power cut, are lost only as a suffix of the one WAL, which
 * the queue redelivers. `every-commit`: every commit waits for the disk.
 */
export type SqliteDurability = 'accept' | 'every-commit';

/**
 * Opens the embedded database. WAL lets readers run beside the one writer. A busy timeout makes a
 * second connection wait for the write lock instead of failing.
 */
export function openSqlite(file: string, durability: SqliteDurability = 'accept'): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'every-commit' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
