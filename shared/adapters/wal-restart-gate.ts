/**
 * How the embedded database's writer (the local host's queue thread) and its checkpoint thread take
 * turns when the WAL is started over. A restart must hold the write lock while it copies what is
 * left and syncs the database file. Without a turn, the writer learned of it only by finding the
 * lock taken: SQLite's busy handler then slept 1, 2, 5 and 10 ms between tries, so the writer
 * stood still about 18 ms each time (34 once), and the restart itself waited as long for a gap
 * between the writer's batches (8-33 ms a restart in the ingest bench). Now the checkpoint thread says it wants
 * a turn, the writer commits its open batch and steps aside at its next step, and takes the lock
 * back the moment the restart is done.
 *
 * One 32-bit word shared by the two threads (a SharedArrayBuffer), so neither waits on the other's
 * event loop.
 */
const OPEN = 0;
/** The checkpoint thread waits for the writer to step aside. */
const WANTED = 1;
/** The writer has stepped aside and waits for the restart to end. */
const ASIDE = 2;

/**
 * Longest the writer waits for a restart to end. A restart takes a few milliseconds (most of it the
 * sync of the database file); past this the checkpoint thread is taken to be gone, and the writer
 * goes on (waiting for the write lock as any connection does). The word is left as it is: a gate
 * the writer finds stepped aside is, to it, an open one.
 */
export const WRITER_ASIDE_MAX_MS = 100;
/**
 * Longest the checkpoint thread waits for the writer to step aside. A writer with nothing to do
 * never comes to a step, and then the restart simply goes ahead: the writer is not writing.
 */
export const RESTART_TURN_WAIT_MS = 50;

export class WalRestartGate {
  private readonly word: Int32Array;

  /** A new gate, or the other side of one whose buffer another thread made. */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.word = new Int32Array(buffer);
  }

  /** For the writer: whether a restart waits for it to step aside. One atomic read. */
  get restartWanted(): boolean {
    return Atomics.load(this.word, 0) === WANTED;
  }

  /**
   * For the writer, outside any transaction: lets a wanted restart run and waits for its end, or
   * `maxMs` at most (a restart that does not end in time is taken to be gone).
   */
  stepAside(maxMs = WRITER_ASIDE_MAX_MS): void {
    if (Atomics.compareExchange(this.word, 0, WANTED, ASIDE) !== WANTED) return;
    Atomics.notify(this.word, 0);
    Atomics.wait(this.word, 0, ASIDE, maxMs);
  }

  /**
   * For the checkpoint thread: runs `restart` once the writer has stepped aside, or after `waitMs`
   * if it did not (an idle writer), and lets the writer go on when it returns or throws.
   */
  whileWriterAside<T>(restart: () => T, waitMs = RESTART_TURN_WAIT_MS): T {
    Atomics.store(this.word, 0, WANTED);
    Atomics.wait(this.word, 0, WANTED, waitMs);
    try {
      return restart();
    } finally {
      Atomics.store(this.word, 0, OPEN);
      Atomics.notify(this.word, 0);
    }
  }
}
