import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DiskSyncFailedError, errorText, LockLostError } from '../errors.js';
import type {
  Clock,
  DeadLetter,
  DeadLetterPage,
  Logger,
  OutgoingMessage,
  QueueName,
  QueueReceiver,
  QueueSender,
  ReceivedMessage,
  TraceContext,
} from '../ports.js';
import { replayMessageId } from '../ports.js';
import { addMissingColumns, type SqliteDatabase } from './sqlite-database.js';
import type { WalRestartGate } from './wal-restart-gate.js';
import { WalSync } from './wal-sync.js';
import type { WriteTurnGate } from './write-turn-gate.js';

/*
 * Messages wait in `queue_messages` (state active or dead). Each session row points at its head,
 * the oldest active message, so a receive reads one index in head order and skips only the few
 * sessions that are locked or waiting out a retry delay, however long the queue. Scheduled
 * messages wait apart, in `queue_scheduled`, and join the queue when due, as Service Bus enqueues
 * a scheduled message at its time.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS queue_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL, id TEXT NOT NULL, session_id TEXT NOT NULL, body TEXT NOT NULL,
  enqueued_at INTEGER NOT NULL, delivery_count INTEGER NOT NULL DEFAULT 0,
  lock_token TEXT, state TEXT NOT NULL DEFAULT 'active', dead_reason TEXT
);
CREATE INDEX IF NOT EXISTS queue_messages_session ON queue_messages (queue, session_id, state, seq);
CREATE TABLE IF NOT EXISTS queue_sessions (
  queue TEXT NOT NULL, session_id TEXT NOT NULL, head_seq INTEGER,
  locked_until INTEGER NOT NULL DEFAULT 0, lock_token TEXT, blocked_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (queue, session_id)
);
CREATE INDEX IF NOT EXISTS queue_sessions_head ON queue_sessions (queue, head_seq) WHERE head_seq IS NOT NULL;
CREATE TABLE IF NOT EXISTS queue_scheduled (
  rowid INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL, id TEXT NOT NULL, session_id TEXT NOT NULL, body TEXT NOT NULL, due_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_scheduled_due ON queue_scheduled (due_at);
CREATE TABLE IF NOT EXISTS queue_seen_ids (
  queue TEXT NOT NULL, id TEXT NOT NULL, seen_at INTEGER NOT NULL, PRIMARY KEY (queue, id)
);
CREATE INDEX IF NOT EXISTS queue_seen_ids_age ON queue_seen_ids (seen_at);
`;

/**
 * Columns added after the first release: a data directory made before them gets them on open.
 * `trace_context` is the message's W3C trace context as JSON, Service Bus' application properties.
 */
const ADDED_COLUMNS = [{ name: 'trace_context', type: 'TEXT' }] as const;

const traceColumn = (trace: TraceContext | undefined): string | null =>
  trace ? JSON.stringify(trace) : null;

function traceFrom(column: string | null): TraceContext | undefined {
  return column ? (JSON.parse(column) as TraceContext) : undefined;
}

/** A dead letter's sequence as the row's seq; undefined for anything that cannot be one. */
function sequenceOf(sequence: string): number | undefined {
  if (!/^\d{1,15}$/.test(sequence)) return undefined;
  return Number(sequence);
}

/** How long the queue thread keeps a write batch open before committing it. */
const BATCH_MS = 2;

export interface SqliteQueueOptions {
  /** How long a receiver holds a message before another may take it (Service Bus: lock duration). */
  lockMs: number;
  /** Deliveries before a message is dead-lettered (Service Bus: MaxDeliveryCount). */
  maxDeliveryCount: number;
  /** Window in which a repeated message id is dropped (Service Bus: duplicate detection window). */
  duplicateWindowMs: number;
  /**
   * Batch commits (the queue thread of the local host): a receive opens a transaction that the
   * store writes of the work it starts join, committed every few milliseconds or at the next send.
   * A crash loses a batch whole, completions included, so its messages are simply redelivered.
   */
  batchWrites?: boolean;
  /**
   * With batched writes: puts committed work on disk, resolving once it is there. By default an
   * fsync of the database's write-ahead log in libuv's thread pool (a database without a WAL file
   * commits accepted work with `synchronous=FULL` instead). A failure is sticky: from the first
   * sync that fails, every acceptance is refused (`DiskSyncFailedError`) before it is inserted,
   * for as long as this queue lives (the local host: until it restarts).
   */
  syncToDisk?: () => Promise<void>;
  /** Where the first failed sync is logged (`queue.sync-failed`), once. */
  logger?: Logger;
  /**
   * With batched writes: the turn the WAL's checkpoint thread asks for to start the WAL over. The
   * queue commits its batch and steps aside before its next receive or batch (wal-restart-gate.ts).
   */
  walRestartGate?: WalRestartGate;
  /**
   * With batched writes: the turn the HTTP thread asks for to write (write-turn-gate.ts). The
   * queue commits its batch at its next step and waits while that write is done.
   */
  writeTurnGate?: WriteTurnGate;
}

interface PendingSend {
  queue: QueueName;
  message: OutgoingMessage;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface MessageRow {
  seq: number;
  id: string;
  session_id: string;
  body: string;
  enqueued_at: number;
  delivery_count: number;
  trace_context: string | null;
}

/**
 * The embedded queue, with the Service Bus features the design relies on: sessions (a session's
 * messages go out in order, to one receiver at a time), duplicate detection by message id,
 * scheduled messages, locks that expire, a delivery count and dead-lettering.
 *
 * Only the head of a session can be received, and abandoning with a delay blocks the whole
 * session until then, so a retry never lets a later message of the same session overtake it.
 */
export class SqliteQueue implements QueueSender, QueueReceiver {
  /**
   * Emits `ready` with a queue name whenever a message may have become receivable, to wake
   * in-process consumers; `committed` after each batch's commit; `sync-failed` with the refusal
   * (a DiskSyncFailedError) once, when a sync of accepted work first fails.
   */
  readonly events = new EventEmitter();
  private readonly statements;
  private pending: PendingSend[] = [];
  private batchTimer: NodeJS.Timeout | undefined;
  /** One transaction wrapper, built once: creating one per call showed in profiles. */
  private readonly atomic;
  private readonly walSync: WalSync | undefined;
  /** With batched writes, how accepted work reaches the disk after its commit (see options). */
  private readonly syncToDisk: (() => Promise<void>) | undefined;
  /** Set when a sync of accepted work failed: every acceptance from then on is refused with it. */
  private syncFailure: DiskSyncFailedError | undefined;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock,
    private readonly options: SqliteQueueOptions,
  ) {
    // A batch lost to a power cut is redone from the queue (see batchWrites), so batches need not
    // wait for the disk; accepted work always does (flush). The WAL is opened before this
    // connection writes (see WalSync).
    if (options.batchWrites) {
      if (options.syncToDisk) this.syncToDisk = options.syncToDisk;
      else if (!db.memory && db.pragma('journal_mode', { simple: true }) === 'wal') {
        this.walSync = new WalSync(db);
        this.syncToDisk = this.walSync.sync;
      }
    }
    db.exec(SCHEMA);
    for (const table of ['queue_messages', 'queue_scheduled']) addMissingColumns(db, table, ADDED_COLUMNS);
    this.atomic = db.transaction((work: () => unknown) => work());
    if (options.batchWrites) db.pragma('synchronous = NORMAL');
    this.events.setMaxListeners(0);
    this.statements = {
      seen: db.prepare('INSERT OR IGNORE INTO queue_seen_ids (queue, id, seen_at) VALUES (?, ?, ?)'),
      forgetSeen: db.prepare('DELETE FROM queue_seen_ids WHERE seen_at < ?'),
      insert: db.prepare(
        'INSERT INTO queue_messages (queue, id, session_id, body, enqueued_at, trace_context) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      // A new message becomes its session's head only when the session has none.
      pointHead: db.prepare(
        `INSERT INTO queue_sessions (queue, session_id, head_seq) VALUES (?, ?, ?)
         ON CONFLICT (queue, session_id) DO UPDATE SET head_seq = COALESCE(head_seq, excluded.head_seq)`,
      ),
      schedule: db.prepare(
        'INSERT INTO queue_scheduled (queue, id, session_id, body, due_at, trace_context) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      due: db.prepare<
        [number],
        {
          rowid: number;
          queue: QueueName;
          id: string;
          session_id: string;
          body: string;
          trace_context: string | null;
        }
      >(
        'SELECT rowid, queue, id, session_id, body, trace_context FROM queue_scheduled WHERE due_at <= ? ORDER BY due_at, rowid',
      ),
      anyDue: db.prepare<[number], { one: number }>(
        'SELECT 1 AS one FROM queue_scheduled WHERE due_at <= ? LIMIT 1',
      ),
      unschedule: db.prepare('DELETE FROM queue_scheduled WHERE rowid = ?'),
      next: db.prepare<{ queue: string; now: number }, { session_id: string; head_seq: number }>(
        `SELECT session_id, head_seq FROM queue_sessions
         WHERE queue = @queue AND head_seq IS NOT NULL AND locked_until <= @now AND blocked_until <= @now
         ORDER BY head_seq LIMIT 1`,
      ),
      message: db.prepare<[number], MessageRow>(
        'SELECT seq, id, session_id, body, enqueued_at, delivery_count, trace_context FROM queue_messages WHERE seq = ?',
      ),
      lockSession: db.prepare(
        'UPDATE queue_sessions SET locked_until = ?, lock_token = ? WHERE queue = ? AND session_id = ?',
      ),
      lockMessage: db.prepare(
        'UPDATE queue_messages SET delivery_count = delivery_count + 1, lock_token = ? WHERE seq = ?',
      ),
      // The session's lock holder holds its head message: both lock tokens must match.
      holder: db.prepare<[string, string, string, number, string], { seq: number }>(
        `SELECT m.seq FROM queue_sessions s JOIN queue_messages m ON m.seq = s.head_seq
         WHERE s.queue = ? AND s.session_id = ? AND s.lock_token = ? AND s.locked_until > ?
           AND m.lock_token = ? AND m.state = 'active'`,
      ),
      remove: db.prepare('DELETE FROM queue_messages WHERE seq = ?'),
      release: db.prepare('UPDATE queue_messages SET lock_token = NULL WHERE seq = ?'),
      bury: db.prepare(
        "UPDATE queue_messages SET state = 'dead', dead_reason = ?, lock_token = NULL WHERE seq = ?",
      ),
      unlockSession: db.prepare(
        `UPDATE queue_sessions SET locked_until = 0, lock_token = NULL, blocked_until = @blockedUntil,
           head_seq = (SELECT MIN(seq) FROM queue_messages
                       WHERE queue = @queue AND session_id = @sessionId AND state = 'active')
         WHERE queue = @queue AND session_id = @sessionId`,
      ),
      renew: db.prepare(
        'UPDATE queue_sessions SET locked_until = ? WHERE queue = ? AND session_id = ? AND lock_token = ?',
      ),
      releaseLocks: db.prepare('UPDATE queue_sessions SET locked_until = 0, lock_token = NULL'),
      // LIMIT -1: no limit.
      dead: db.prepare<[string, number, number], MessageRow & { dead_reason: string }>(
        "SELECT * FROM queue_messages WHERE queue = ? AND state = 'dead' AND seq > ? ORDER BY seq LIMIT ?",
      ),
      deadOne: db.prepare<[string, number], MessageRow>(
        "SELECT * FROM queue_messages WHERE queue = ? AND state = 'dead' AND seq = ?",
      ),
      depth: db.prepare<[string, string], { n: number }>(
        `SELECT (SELECT COUNT(*) FROM queue_messages WHERE queue = ? AND state = 'active')
              + (SELECT COUNT(*) FROM queue_scheduled WHERE queue = ?) AS n`,
      ),
    };
  }

  private enqueue(
    queue: QueueName,
    id: string,
    sessionId: string,
    body: string,
    now: number,
    trace: string | null,
  ) {
    const seq = this.statements.insert.run(queue, id, sessionId, body, now, trace).lastInsertRowid;
    this.statements.pointHead.run(queue, sessionId, seq);
  }

  /**
   * Sends work from this process's own use cases. With batched writes it joins the open batch:
   * if a crash loses the batch, it loses the completion of the message whose handling made this
   * send too, so that message is redelivered and the send made again. Otherwise it is accepted
   * durably, like outside work.
   */
  send(queue: QueueName, message: OutgoingMessage): Promise<void> {
    if (!this.options.batchWrites) return this.accept(queue, message);
    try {
      this.openBatch();
      const now = this.clock.now().getTime();
      this.atomic(() => {
        this.statements.forgetSeen.run(now - this.options.duplicateWindowMs);
        this.insert(queue, message, now);
      });
    } catch (error) {
      return Promise.reject(error);
    }
    this.events.emit('ready', queue);
    return Promise.resolve();
  }

  /**
   * Sends many messages in one transaction: with batched writes they join the open batch, as
   * `send` does; otherwise they are accepted durably, all in the same commit.
   */
  sendBatch(queue: QueueName, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    if (!this.options.batchWrites) return this.acceptBatch(queue, messages);
    try {
      this.openBatch();
      const now = this.clock.now().getTime();
      this.atomic(() => {
        this.statements.forgetSeen.run(now - this.options.duplicateWindowMs);
        for (const message of messages) this.insert(queue, message, now);
      });
    } catch (error) {
      return Promise.reject(error);
    }
    this.events.emit('ready', queue);
    return Promise.resolve();
  }

  /**
   * Accepts many messages of outside work durably, in one commit: they join the acceptances
   * gathered for the next flush, and all of them settle with it.
   */
  acceptBatch(queue: QueueName, messages: readonly OutgoingMessage[]): Promise<void> {
    return Promise.all(messages.map((message) => this.accept(queue, message))).then(() => undefined);
  }

  /**
   * Accepts outside work (a webhook's message): group-committed, so every acceptance made in the
   * same turn of the event loop shares one transaction, and each caller's promise settles only
   * once that transaction is on disk. Under load one fsync accepts many messages. Once a sync
   * has failed, refused at once (see `syncToDisk`).
   */
  accept(queue: QueueName, message: OutgoingMessage): Promise<void> {
    if (this.syncFailure) return Promise.reject(this.syncFailure);
    return new Promise((resolve, reject) => {
      this.pending.push({ queue, message, resolve, reject });
      if (this.pending.length === 1) this.scheduleFlush();
    });
  }

  /**
   * The next turn of the event loop gathers every acceptance that arrived with this one (in the
   * queue thread, all the HTTP thread's messages the same poll delivered), and one commit and one
   * sync take them all. Waiting a millisecond more for others (as the queue thread did) gathered
   * more per commit but made each caller wait: the ingest bench accepted 3450-3680 msg/s with the
   * wait, 3590-4110 without it.
   */
  private scheduleFlush(): void {
    setImmediate(() => this.flush());
  }

  private insert(queue: QueueName, message: OutgoingMessage, now: number): void {
    if (this.statements.seen.run(queue, message.id, now).changes === 0) return;
    const body = JSON.stringify(message.body);
    const dueAt = message.scheduledAt?.getTime();
    const trace = traceColumn(message.traceContext);
    if (dueAt !== undefined && dueAt > now) {
      this.statements.schedule.run(queue, message.id, message.sessionId, body, dueAt, trace);
    } else {
      this.enqueue(queue, message.id, message.sessionId, body, now, trace);
    }
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    // Gathered while the sync that failed ran: refused before it is inserted, so no consumer
    // handles work whose sender was told it failed (and may send it again, or elsewhere).
    if (this.syncFailure) {
      for (const item of batch) item.reject(this.syncFailure);
      return;
    }
    const now = this.clock.now().getTime();
    const insertAll = () =>
      this.atomic(() => {
        this.statements.forgetSeen.run(now - this.options.duplicateWindowMs);
        for (const { queue, message } of batch) this.insert(queue, message, now);
      });
    const { syncToDisk } = this;
    try {
      if (syncToDisk) {
        // The acceptances join the open batch, which commits now without waiting for the disk;
        // the sync below then covers it and every batch before it.
        this.openBatch();
        insertAll();
        this.db.exec('COMMIT');
      } else if (this.options.batchWrites) {
        // Batches commit without waiting for the disk; accepted work does wait, and its fsync of
        // the one WAL covers every batch before it. (SQLite will not change the safety level
        // inside a transaction, so the open batch commits first.)
        if (this.db.inTransaction) this.db.exec('COMMIT');
        // exec, not db.pragma(), which prepares a statement each call (five times the cost).
        this.db.exec('PRAGMA synchronous = FULL');
        try {
          insertAll();
        } finally {
          this.db.exec('PRAGMA synchronous = NORMAL');
        }
      } else {
        insertAll();
      }
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    // The sync starts before the batch is told committed: a write of the HTTP thread given its
    // turn there would otherwise hold it back.
    const synced = syncToDisk?.();
    this.batchCommitted();
    // Consumers may take the work at once: a process that dies keeps what it wrote (the page
    // cache outlives it); only its callers wait for the disk, so a message is answered as
    // accepted once a power cut could not lose it.
    for (const queue of new Set(batch.map((item) => item.queue))) this.events.emit('ready', queue);
    if (!synced) {
      for (const item of batch) item.resolve();
      return;
    }
    synced.then(
      () => {
        for (const item of batch) item.resolve();
      },
      (error: unknown) => {
        const refusal = this.syncFailed(error, batch.length);
        for (const item of batch) item.reject(refusal);
      },
    );
  }

  /**
   * Records the first failed sync of accepted work and logs it. The batch it should have covered
   * is committed and may already be in a consumer's hands (consumers do not wait for the disk);
   * what comes after is refused before it is inserted.
   */
  private syncFailed(error: unknown, refused: number): DiskSyncFailedError {
    if (this.syncFailure) return this.syncFailure;
    this.syncFailure = new DiskSyncFailedError(
      `accepted work could not be put on disk (a sync of the write-ahead log failed: ${errorText(error)}); nothing more is accepted until the host restarts`,
      { cause: error },
    );
    this.options.logger?.error('queue.sync-failed', { refusedAcceptances: refused }, this.syncFailure);
    this.events.emit('sync-failed', this.syncFailure);
    return this.syncFailure;
  }

  /** The refusal every acceptance meets since a sync of accepted work failed; undefined before. */
  get failedSync(): DiskSyncFailedError | undefined {
    return this.syncFailure;
  }

  private openBatch(): void {
    if (!this.options.batchWrites) return;
    // IMMEDIATE: a batch that started as a read could not later write if another connection wrote
    // meanwhile (WAL snapshots); holding the write lock for a few milliseconds avoids that.
    if (!this.db.inTransaction) {
      this.options.walRestartGate?.stepAside();
      this.db.exec('BEGIN IMMEDIATE');
      this.options.writeTurnGate?.batchOpened();
    }
    this.batchTimer ??= setTimeout(() => this.commitBatch(), BATCH_MS);
  }

  /** Commits the open write batch, if any (also before closing the database). */
  commitBatch(): void {
    try {
      if (this.db.inTransaction) this.db.exec('COMMIT');
    } catch (error) {
      // A batch SQLite would not commit is still open for the next step to commit, or was rolled
      // back (its work is redelivered): either way the next batch needs a timer of its own, and
      // the HTTP thread's writes must not wait on a batch that is gone.
      if (this.batchTimer) clearTimeout(this.batchTimer);
      this.batchTimer = undefined;
      if (!this.db.inTransaction) this.options.writeTurnGate?.batchCommitted();
      throw error;
    }
    this.batchCommitted();
  }

  /** Commits the open batch and lets go of the WAL file; the caller closes the database. */
  close(): void {
    this.commitBatch();
    this.walSync?.close();
  }

  private batchCommitted(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.options.writeTurnGate?.batchCommitted();
    this.events.emit('committed');
  }

  /** Moves scheduled messages that fell due into their queues, in due order. */
  private promoteDue(now: number): void {
    for (const row of this.statements.due.all(now)) {
      this.enqueue(row.queue, row.id, row.session_id, row.body, now, row.trace_context);
      this.statements.unschedule.run(row.rowid);
    }
  }

  async receive(queue: QueueName): Promise<ReceivedMessage | undefined> {
    // Between two messages is the writer's step: a restart of the WAL or a write of the HTTP thread
    // waiting for its turn gets it now rather than when the batch's timer fires (up to 20 ms later
    // while a consumer is busy).
    if (this.options.walRestartGate?.restartWanted || this.options.writeTurnGate?.turnWanted)
      this.commitBatch();
    const now = this.clock.now().getTime();
    const lockedUntil = now + this.options.lockMs;
    // A batch is opened only when there is work. A head read inside the open batch (which holds the
    // write lock) is still the first when the batch takes it: a scheduled message that falls due now
    // joins with a later seq. One read outside it is read again once the lock is held.
    const inBatch = this.db.inTransaction;
    const head = this.statements.next.get({ queue, now });
    if (!head && !this.statements.anyDue.get(now)) return undefined;
    this.openBatch();
    return this.atomic.immediate((): ReceivedMessage | undefined => {
      this.promoteDue(now);
      const session = inBatch && head ? head : this.statements.next.get({ queue, now });
      if (!session) return undefined;
      const row = this.statements.message.get(session.head_seq);
      if (!row) return undefined;
      const lockToken = randomUUID();
      this.statements.lockSession.run(lockedUntil, lockToken, queue, row.session_id);
      this.statements.lockMessage.run(lockToken, row.seq);
      const traceContext = traceFrom(row.trace_context);
      return {
        ...(traceContext ? { traceContext } : {}),
        id: row.id,
        sessionId: row.session_id,
        body: JSON.parse(row.body) as unknown,
        deliveryCount: row.delivery_count + 1,
        enqueuedAt: new Date(row.enqueued_at),
        lockToken,
        lockedUntil: new Date(lockedUntil),
      };
    }) as ReceivedMessage | undefined;
  }

  private held(queue: QueueName, message: ReceivedMessage): number {
    const row = this.statements.holder.get(
      queue,
      message.sessionId,
      message.lockToken,
      this.clock.now().getTime(),
      message.lockToken,
    );
    if (!row) throw new LockLostError(`the lock on message ${message.id} expired or was lost`);
    return row.seq;
  }

  private settle(
    queue: QueueName,
    message: ReceivedMessage,
    action: (seq: number) => void,
    blockedUntil = 0,
  ) {
    this.atomic.immediate(() => {
      const seq = this.held(queue, message);
      action(seq);
      this.statements.unlockSession.run({ blockedUntil, queue, sessionId: message.sessionId });
    });
    this.events.emit('ready', queue);
  }

  async complete(queue: QueueName, message: ReceivedMessage): Promise<void> {
    this.settle(queue, message, (seq) => this.statements.remove.run(seq));
  }

  async abandon(queue: QueueName, message: ReceivedMessage, retryAfterMs = 0): Promise<void> {
    if (message.deliveryCount >= this.options.maxDeliveryCount) {
      return this.deadLetter(queue, message, `delivery count reached ${this.options.maxDeliveryCount}`);
    }
    const blockedUntil = retryAfterMs > 0 ? this.clock.now().getTime() + retryAfterMs : 0;
    this.settle(queue, message, (seq) => this.statements.release.run(seq), blockedUntil);
  }

  async deadLetter(queue: QueueName, message: ReceivedMessage, reason: string): Promise<void> {
    this.settle(queue, message, (seq) => this.statements.bury.run(reason, seq));
  }

  async renewLock(queue: QueueName, message: ReceivedMessage): Promise<ReceivedMessage> {
    const lockedUntil = this.clock.now().getTime() + this.options.lockMs;
    this.atomic.immediate(() => {
      this.held(queue, message);
      this.statements.renew.run(lockedUntil, queue, message.sessionId, message.lockToken);
    });
    return { ...message, lockedUntil: new Date(lockedUntil) };
  }

  /**
   * Frees every session lock. The local host calls it at start-up: it is the only process using
   * the file, so a lock found then belonged to a process that died, and waiting out its expiry
   * would only delay the recovered work. Retry delays (blocked sessions) are kept.
   */
  releaseLocks(): void {
    this.statements.releaseLocks.run();
  }

  async deadLetters(queue: QueueName, page: DeadLetterPage = {}): Promise<DeadLetter[]> {
    const after = page.after === undefined ? 0 : sequenceOf(page.after);
    if (after === undefined) return [];
    return this.statements.dead.all(queue, after, page.limit ?? -1).map((row) => {
      const traceContext = traceFrom(row.trace_context);
      return {
        sequence: String(row.seq),
        id: row.id,
        sessionId: row.session_id,
        body: JSON.parse(row.body) as unknown,
        deliveryCount: row.delivery_count,
        reason: row.dead_reason,
        enqueuedAt: new Date(row.enqueued_at),
        ...(traceContext ? { traceContext } : {}),
      };
    });
  }

  /**
   * One transaction: the dead letter goes and its replay comes, or neither. The replay passes
   * duplicate detection like any send (an id seen inside the window is dropped).
   */
  async replayDeadLetter(queue: QueueName, sequence: string): Promise<boolean> {
    const seq = sequenceOf(sequence);
    if (seq === undefined) return false;
    const now = this.clock.now().getTime();
    const replayed = this.atomic.immediate(() => {
      const row = this.statements.deadOne.get(queue, seq);
      if (!row) return false;
      this.statements.remove.run(seq);
      this.statements.forgetSeen.run(now - this.options.duplicateWindowMs);
      const traceContext = traceFrom(row.trace_context);
      this.insert(
        queue,
        {
          id: replayMessageId(row.id, sequence),
          sessionId: row.session_id,
          body: JSON.parse(row.body) as unknown,
          ...(traceContext ? { traceContext } : {}),
        },
        now,
      );
      return true;
    }) as boolean;
    if (replayed) this.events.emit('ready', queue);
    return replayed;
  }

  async discardDeadLetter(queue: QueueName, sequence: string): Promise<boolean> {
    const seq = sequenceOf(sequence);
    if (seq === undefined) return false;
    return this.atomic.immediate(() => {
      if (!this.statements.deadOne.get(queue, seq)) return false;
      this.statements.remove.run(seq);
      return true;
    }) as boolean;
  }

  /** Messages waiting, scheduled ones included (dead letters are not). */
  async depth(queue: QueueName): Promise<number> {
    return this.statements.depth.get(queue, queue)?.n ?? 0;
  }
}
