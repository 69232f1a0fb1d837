import { closeSync, fsync, openSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * An fsync of the WAL file, run in libuv's thread pool so the thread that committed keeps working
 * while the disk does. A commit at `synchronous=NORMAL` has written its frames to the WAL (the page
 * cache); once the file is synced they survive a power cut, as at `synchronous=FULL`. SQLite
 * never replaces the WAL file of an open database (it rewinds or truncates it in place), and a
 * checkpoint syncs the database file before the WAL is rewound, so syncing this descriptor after
 * the commit is enough whatever happened in between.
 *
 * A failed fsync fails every sync after it. Linux reports a failed write-back once: a later fsync
 * of the file succeeds without the pages it lost, and the commits after them, chained to them in
 * the WAL, would be lost with them at the next power cut. What was synced before stays safe;
 * nothing new is answered as on disk until the host restarts. At the next open SQLite's recovery
 * replays the WAL's frames up to the last valid commit frame whose checksums chain correctly from
 * the WAL's header, and ignores the frames after it. A webhook is refused meanwhile (the queue
 * refuses its work before inserting it, and the local host's health answers 503), and its sender
 * treats it as any failure (Event Grid retries for a day; Twilio and TeleSign far less:
 * docs/decisions.md).
 */
export class WalSync {
  private readonly fd: number;
  private closed = false;
  private failed: NodeJS.ErrnoException | undefined;
  /** The fsync under way: at most one runs at a time. */
  private running: Promise<void> | undefined;
  /** The fsync that starts once the running one has ended, shared by every sync asked meanwhile. */
  private next: Promise<void> | undefined;

  /**
   * Opens the WAL of this database (a file database in WAL mode), before the caller's commits it
   * is to cover: a failed write-back is reported to the descriptors open when it failed, and one
   * opened after another descriptor was told would never hear of it. Throws when there is no WAL
   * file. `fsyncFile` is a spec's stand-in.
   */
  constructor(
    db: SqliteDatabase,
    private readonly fsyncFile: (
      fd: number,
      done: (error: NodeJS.ErrnoException | null) => void,
    ) => void = fsync,
  ) {
    // A new database has no WAL file until the connection first reads or writes it.
    db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    this.fd = openSync(`${resolvePath(db.name)}-wal`, 'r');
  }

  /**
   * Resolves once an fsync that began after this call has ended. One runs at a time: Linux reports
   * a failed write-back to one fsync of a descriptor, so a second one running beside it could
   * succeed and answer as stored what the first found lost. A sync asked while one runs waits for
   * it and then shares the next fsync with every other asked meanwhile, or fails with it if it
   * failed.
   */
  sync = (): Promise<void> => {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error('the WAL file is closed: nothing was synced'));
    if (!this.running) return this.fsyncNow();
    this.next ??= this.running.then(
      () => this.fsyncNow(),
      () => this.fsyncNow(),
    );
    return this.next;
  };

  private fsyncNow(): Promise<void> {
    this.next = undefined;
    const running = new Promise<void>((resolve, reject) => {
      if (this.failed) {
        reject(this.failed);
        return;
      }
      this.fsyncFile(this.fd, (error) => {
        if (!error) return resolve();
        this.failed ??= error;
        reject(error);
      });
    });
    this.running = running;
    const ended = () => {
      if (this.running === running) this.running = undefined;
    };
    running.then(ended, ended);
    return running;
  }

  /**
   * Lets go of the WAL file: a sync asked from now on fails, and those already asked end first on
   * the descriptor, closed once they have (closed under an fsync in libuv's pool, that fsync could
   * fail, or sync another file that took the number).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const closeFile = () => closeSync(this.fd);
    const last = this.next ?? this.running;
    if (last) last.then(closeFile, closeFile);
    else closeFile();
  }
}

/**
 * Commits made without a sync of their own (`synchronous=NORMAL`), put on disk before anyone is
 * told they are done: `settled()` resolves once a sync that began after every commit counted so
 * far has ended. Commits counted while a sync runs wait for the next one, and one sync serves every
 * commit made before it began (the local host's HTTP thread: its writes no longer stop the thread
 * for the disk; in the traced fan-out bench, its sync at `synchronous=FULL` while the checkpoint
 * thread wrote the database file put its inserts at 0.2-0.7 s at the 99th percentile).
 *
 * A failed sync fails every wait from then on. The commits it should have covered are already
 * visible to readers and may not be on disk, and Linux reports a failed write-back once: a later
 * sync of the same file would succeed without them. Nothing can be promised durable after that,
 * so every request that waits fails (500; the local host's health 503) until the host is
 * restarted.
 */
export class SyncAfterCommits {
  private committed = 0;
  private synced = 0;
  private running: Promise<void> | undefined;
  private failed: unknown;
  private closed = false;

  constructor(private readonly sync: () => Promise<void>) {}

  /** The error of the sync that failed, once one has; undefined before. */
  get failure(): unknown {
    return this.failed;
  }

  /** Counts a commit that the next sync must cover. */
  committedOne(): void {
    this.committed += 1;
  }

  /** Resolves once every commit counted so far is on disk; rejects once a sync has failed. */
  async settled(): Promise<void> {
    const target = this.committed;
    while (this.synced < target) {
      if (this.failed !== undefined) throw this.failed;
      if (this.closed) throw new Error('the database is closed: its last writes were not synced');
      this.running ??= this.syncNow();
      await this.running;
    }
  }

  /** After the last `settled()`: a later wait starts no sync on a file being closed. */
  close(): void {
    this.closed = true;
  }

  private syncNow(): Promise<void> {
    const covers = this.committed;
    return this.sync()
      .then(
        () => {
          this.synced = Math.max(this.synced, covers);
        },
        (error: unknown) => {
          this.failed = error;
          throw error;
        },
      )
      .finally(() => {
        this.running = undefined;
      });
  }
}
