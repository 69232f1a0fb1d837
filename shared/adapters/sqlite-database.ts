import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** The embedded default's one database file in its data directory. */
export const databaseFile = (dataDir: string) => join(dataDir, 'sms.db');

export interface SqliteOpenOptions {
  /**
   * False where a thread of its own checkpoints the WAL (the local host, local/wal-checkpointer.ts):
   * a commit then never copies the WAL into the database file itself, which under load took the
   * committing thread 35-56 ms about once a second, and a number's send slots with it.
   */
  checkpointOnCommit?: boolean;
}

/**
 * Opens the embedded database. WAL lets readers run beside the one writer; `synchronous=FULL` puts
 * every commit on disk before it returns, so an accepted message survives a power cut, not only a
 * crash. That costs one fsync per commit, which is why the local host's threads set it otherwise:
 * the queue thread batches its commits and group-commits accepted work, and the HTTP thread syncs
 * the WAL before it answers (both at `synchronous=NORMAL`, syncing the file themselves). A busy
 * timeout makes a second connection wait for the write lock instead of failing.
 */
export function openSqlite(file: string, options: SqliteOpenOptions = {}): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // When commits checkpoint, less often: a page rewritten many times is copied to the database file
  // once per checkpoint, so a larger WAL (up to about 40 MB) means fewer copies, then it is cut back.
  db.pragma(`wal_autocheckpoint = ${options.checkpointOnCommit === false ? 0 : 10000}`);
  db.pragma('journal_size_limit = 67108864');
  db.pragma('cache_size = -65536');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Savepoint journals in memory: the queue thread's write batch is one transaction, so every store
  // write inside it is a savepoint, and past 64 KB SQLite spilled their journal to a temporary file
  // that each savepoint then wrote its pages to (a conversation's insert 76-84 µs against 55-59).
  db.pragma('temp_store = MEMORY');
  return db;
}

/**
 * Adds the columns a table lacks (a file written before them), in a write transaction: more than
 * one connection may open the same file at once, and only one of them must add each column.
 */
export function addMissingColumns(
  db: SqliteDatabase,
  table: string,
  columns: readonly { name: string; type: string }[],
): void {
  db.transaction(() => {
    const present = new Set(
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((column) => column.name),
    );
    for (const { name, type } of columns)
      if (!present.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
  }).immediate();
}
