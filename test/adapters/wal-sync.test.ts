import { fstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDatabase } from '../../shared/adapters/sqlite-database.js';
import { SyncAfterCommits, WalSync } from '../../shared/adapters/wal-sync.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-wal-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database in WAL mode with a commit in its WAL. */
function written(name: string): SqliteDatabase {
  const db = openSqlite(join(dir, name));
  db.exec('CREATE TABLE notes (text TEXT)');
  db.prepare('INSERT INTO notes (text) VALUES (?)').run('kept');
  return db;
}

const turns = () => new Promise((resolve) => setImmediate(resolve));

const eio = () => Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });

/**
 * The kernel's side of fsync, held until the spec lets the disk finish. A failed write-back is
 * reported as Linux does: to the first fsync of the descriptor that ends after it, and to no other.
 */
function heldFsyncs() {
  const held: ((error: NodeJS.ErrnoException | null) => void)[] = [];
  const fds: number[] = [];
  let began = 0;
  return {
    began: () => began,
    /** The descriptor each fsync was given. */
    fds,
    fsync: (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => {
      began += 1;
      fds.push(fd);
      held.push(done);
    },
    /** Ends the fsync that began first of those under way. */
    endOne: (writeBackFailed: boolean) => held.shift()?.(writeBackFailed ? eio() : null),
    /** Ends every fsync under way, and any that begins meanwhile; the first hears of a failure. */
    finish: async (writeBackFailed: boolean) => {
      let unreported = writeBackFailed;
      for (let done = held.shift(); done; done = held.shift()) {
        done(unreported ? eio() : null);
        unreported = false;
        await turns();
      }
    },
  };
}

describe("a sync of a database's WAL", () => {
  it('syncs the file, as often as asked', async () => {
    const db = written('synced.db');
    const wal = new WalSync(db);
    await wal.sync();
    await wal.sync();
    wal.close();
    db.close();
  });

  it("syncs a new database's WAL, made before anything read or wrote it", async () => {
    const db = openSqlite(join(dir, 'new.db'));
    const wal = new WalSync(db);
    await wal.sync();
    wal.close();
    db.close();
  });

  it('fails when made, not at its first sync, for a database without a WAL file', () => {
    const db = written('rollback-journal.db');
    db.pragma('journal_mode = DELETE');

    expect(() => new WalSync(db)).toThrow(/ENOENT/);
    db.close();
  });

  it('fails every sync after an fsync that failed, though the file would sync again', async () => {
    const db = written('failed.db');
    let fsyncs = 0;
    const wal = new WalSync(db, (_fd, done) => {
      fsyncs += 1;
      done(fsyncs === 1 ? Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }) : null);
    });

    await expect(wal.sync()).rejects.toThrow(/EIO/);
    await expect(wal.sync()).rejects.toThrow(/EIO/);

    expect(fsyncs).toBe(1);
    wal.close();
    db.close();
  });

  it('fails a sync asked while a failing one ran, though the file reports the failure to one fsync', async () => {
    const db = written('overlapped.db');
    const disk = heldFsyncs();
    const wal = new WalSync(db, disk.fsync);
    const first = wal.sync();
    const second = wal.sync();
    const outcomes = Promise.allSettled([first, second]);
    await turns();

    await disk.finish(true);

    const [firstOutcome, secondOutcome] = await outcomes;
    expect(firstOutcome).toMatchObject({ status: 'rejected', reason: { code: 'EIO' } });
    expect(secondOutcome).toMatchObject({ status: 'rejected', reason: { code: 'EIO' } });
    expect(disk.began()).toBe(1);
    wal.close();
    db.close();
  });

  it('lets the syncs asked before it closes end on the open file, and fails those asked after', async () => {
    const db = written('closing.db');
    const disk = heldFsyncs();
    const wal = new WalSync(db, disk.fsync);
    const asked = Promise.all([wal.sync(), wal.sync()]);
    await turns();

    wal.close();

    const afterClose = wal.sync().then(
      () => 'synced',
      (error: Error) => error.message,
    );
    const [fd] = disk.fds;
    expect(fstatSync(fd ?? -1).size).toBeGreaterThan(0);
    await disk.finish(false);
    await asked;
    expect(await afterClose).toMatch(/closed/);
    expect(disk.began()).toBe(2);
    expect(new Set(disk.fds).size).toBe(1);
    db.close();
  });

  it('runs one fsync at a time: those asked meanwhile share one that begins after it ends', async () => {
    const db = written('serial.db');
    const disk = heldFsyncs();
    const wal = new WalSync(db, disk.fsync);
    let ended = 0;
    const first = wal.sync().then(() => (ended += 1));
    await turns();
    const meanwhile = [wal.sync(), wal.sync()].map((sync) => sync.then(() => (ended += 1)));
    await turns();
    expect(disk.began()).toBe(1);

    disk.endOne(false);
    await first;
    await turns();
    expect(disk.began()).toBe(2);
    expect(ended).toBe(1);

    disk.endOne(false);
    await Promise.all(meanwhile);
    expect(ended).toBe(3);
    expect(disk.began()).toBe(2);
    wal.close();
    db.close();
  });
});

/** Syncs the spec ends one by one, counting how many began. */
function syncs() {
  const running: { end: () => void; fail: (error: Error) => void }[] = [];
  let began = 0;
  return {
    running,
    began: () => began,
    sync: () =>
      new Promise<void>((resolve, reject) => {
        began += 1;
        running.push({ end: resolve, fail: reject });
      }),
  };
}

describe('commits synced before anyone is told they are done', () => {
  it('settles at once, with no sync, when nothing was committed', async () => {
    const disk = syncs();
    const commits = new SyncAfterCommits(disk.sync);
    await commits.settled();
    expect(disk.began()).toBe(0);
  });

  it('covers every commit made before a sync began with that one sync', async () => {
    const disk = syncs();
    const commits = new SyncAfterCommits(disk.sync);
    commits.committedOne();
    commits.committedOne();
    let settled = 0;
    const waiting = [commits.settled(), commits.settled()].map((p) => p.then(() => (settled += 1)));
    await turns();
    expect(settled).toBe(0);

    disk.running[0]?.end();
    await Promise.all(waiting);

    expect(disk.began()).toBe(1);
    expect(settled).toBe(2);
    await commits.settled();
    expect(disk.began()).toBe(1);
  });

  it('makes a commit counted while a sync runs wait for the next sync, not the one running', async () => {
    const disk = syncs();
    const commits = new SyncAfterCommits(disk.sync);
    commits.committedOne();
    const first = commits.settled();
    await turns();
    commits.committedOne();
    let secondSettled = false;
    const second = commits.settled().then(() => {
      secondSettled = true;
    });

    disk.running[0]?.end();
    await first;
    await turns();
    expect(secondSettled).toBe(false);
    expect(disk.began()).toBe(2);

    disk.running[1]?.end();
    await second;
    expect(secondSettled).toBe(true);
  });

  it('fails everyone waiting on a sync that failed, and every wait after it, starting no other sync', async () => {
    const disk = syncs();
    const commits = new SyncAfterCommits(disk.sync);
    commits.committedOne();
    const waiting = [commits.settled(), commits.settled()];
    await turns();

    disk.running[0]?.fail(new Error('EIO: i/o error, fsync'));

    for (const wait of waiting) await expect(wait).rejects.toThrow(/EIO/);
    // A later sync of the same file could succeed without the lost pages: nothing is durable now.
    commits.committedOne();
    await expect(commits.settled()).rejects.toThrow(/EIO/);
    expect(disk.began()).toBe(1);
  });

  it('starts no sync once closed, and fails a wait for commits it could not sync', async () => {
    const disk = syncs();
    const commits = new SyncAfterCommits(disk.sync);
    await commits.settled();
    commits.close();
    await commits.settled();

    commits.committedOne();

    await expect(commits.settled()).rejects.toThrow(/closed/);
    expect(disk.began()).toBe(0);
  });
});
