/**
 * How the local host's HTTP thread gets a turn at the embedded database's write lock from the
 * queue thread. The queue thread keeps a write batch open almost without a break under load (it
 * commits every 2 ms, or at its next step, and opens the next batch at once), so a write on the
 * HTTP thread used to find the lock taken and sleep in SQLite's busy handler, 1, 2, 5, 10 and up
 * to 100 ms between tries, each try likely to meet the next batch: a notification's one insert
 * took 0.45 ms at the median, 36 ms at the 90th percentile and 0.9-1.7 s at the 99th, with the
 * HTTP thread (every webhook and every agent's request) standing still all that time. Now the HTTP
 * thread says it wants a turn, the queue thread commits its batch at its next step and waits while
 * the HTTP thread writes, then goes on.
 *
 * One 32-bit word shared by the two threads (a SharedArrayBuffer), as the WAL restart gate
 * (wal-restart-gate.ts), which stays apart: each gate has one thread on each side.
 */
/** The queue thread holds no batch: a write goes ahead (the lock itself covers a batch opened meanwhile). */
const IDLE = 0;
/** The queue thread holds a batch open. */
const HELD = 1;
/** The HTTP thread waits for the queue thread to commit its batch and step aside. */
const WANTED = 2;
/** The queue thread has committed and waits while the HTTP thread writes. */
const ASIDE = 3;

/**
 * Longest the HTTP thread waits for the queue thread to come to a step. Its steps come every few
 * milliseconds while it works; past this it is taken to be stuck, and the write waits for the
 * lock as any connection does.
 */
export const TURN_WAIT_MS = 50;
/**
 * Longest the queue thread waits while the HTTP thread writes. A write takes well under a
 * millisecond (its commit waits for no sync: the host syncs before it answers); past this the queue
 * thread goes on (and waits for the lock as any connection does).
 */
export const WRITER_ASIDE_MAX_MS = 100;

export class WriteTurnGate {
  private readonly word: Int32Array;

  /** A new gate, or the other side of one whose buffer another thread made. */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.word = new Int32Array(buffer);
  }

  /**
   * For the queue thread, once its batch holds the write lock. A word not idle (a batch that ended
   * in an error, never told committed, and a write waiting on it) is left as it is: the next step
   * honours a wanted turn.
   */
  batchOpened(): void {
    Atomics.compareExchange(this.word, 0, IDLE, HELD);
  }

  /** For the queue thread, at each step: whether a write waits for its batch to commit. */
  get turnWanted(): boolean {
    return Atomics.load(this.word, 0) === WANTED;
  }

  /**
   * For the queue thread, once its batch has committed: it holds no lock now, and when a turn was
   * wanted meanwhile it waits until that write is done (`maxMs` at most) before it opens another.
   */
  batchCommitted(maxMs = WRITER_ASIDE_MAX_MS): void {
    if (Atomics.compareExchange(this.word, 0, HELD, IDLE) !== WANTED) return;
    // The HTTP thread may have given up waiting at this very moment (it then set the word idle).
    if (Atomics.compareExchange(this.word, 0, WANTED, ASIDE) !== WANTED) return;
    Atomics.notify(this.word, 0);
    Atomics.wait(this.word, 0, ASIDE, maxMs);
    // A write that did not end in time: the word is idle again for the next batch to claim.
    Atomics.compareExchange(this.word, 0, ASIDE, IDLE);
  }

  /**
   * For the HTTP thread: runs `write` once the queue thread has committed its open batch and
   * stepped aside, or at once when it holds none, and lets it go on when `write` returns or throws.
   */
  duringTurn<T>(write: () => T, waitMs = TURN_WAIT_MS): T {
    if (Atomics.compareExchange(this.word, 0, HELD, WANTED) !== HELD) return write();
    Atomics.wait(this.word, 0, WANTED, waitMs);
    // Not stepped aside in time: give the turn up; the write waits for the lock instead.
    if (Atomics.compareExchange(this.word, 0, WANTED, IDLE) === WANTED) return write();
    try {
      return write();
    } finally {
      Atomics.compareExchange(this.word, 0, ASIDE, IDLE);
      Atomics.notify(this.word, 0);
    }
  }
}
