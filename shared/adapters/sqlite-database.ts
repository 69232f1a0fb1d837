import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;
export type SqliteSynchronous = 'full' | 'normal';

/**
 * Opens the embedded database. WAL lets readers run beside the one writer; `synchronous=FULL`
 * makes every commit durable before we answer 2xx (NORMAL survives a process crash but not a
 * power cut). A busy timeout makes a second process wait for the write lock instead of failing.
 */
export function openSqlite(file: string, synchronous: SqliteSynchronous = 'full'): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
