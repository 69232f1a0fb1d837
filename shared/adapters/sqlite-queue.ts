import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { LockLostError } from '../errors.js';
import type {
  Clock,
  DeadLetter,
  OutgoingMessage,
  QueueName,
  QueueReceiver,
  QueueSender,
  ReceivedMessage,
} from '../ports.js';
import type { SqliteDatabase } from './sqlite-database.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queue_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL, id TEXT NOT NULL, session_id TEXT NOT NULL, body TEXT NOT NULL,
  enqueued_at INTEGER NOT NULL, available_at INTEGER NOT NULL, delivery_count INTEGER NOT NULL DEFAULT 0,
  lock_token TEXT, state TEXT NOT NULL DEFAULT 'active', dead_reason TEXT
);
CREATE INDEX IF NOT EXISTS queue_messages_ready ON queue_messages (queue, state, available_at, seq);
CREATE INDEX IF NOT EXISTS queue_messages_session ON queue_messages (queue, session_id, state, seq);
CREATE TABLE IF NOT EXISTS queue_sessions (
  queue TEXT NOT NULL, session_id TEXT NOT NULL, locked_until INTEGER NOT NULL DEFAULT 0,
  lock_token TEXT, blocked_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (queue, session_id)
);
CREATE TABLE IF NOT EXISTS queue_seen_ids (
  queue TEXT NOT NULL, id TEXT NOT NULL, seen_at INTEGER NOT NULL, PRIMARY KEY (queue, id)
);
`;

export interface SqliteQueueOptions {
  /** How long a receiver holds a message before another may take it (Service Bus: lock duration). */
  lockMs: number;
  /** Deliveries before a message is dead-lettered (Service Bus: MaxDeliveryCount). */
  maxDeliveryCount: number;
  /** Window in which a repeated message id is dropped (Service Bus: duplicate detection window). */
  duplicateWindowMs: number;
}

interface MessageRow {
  seq: number;
  id: string;
  session_id: string;
  body: string;
  enqueued_at: number;
  delivery_count: number;
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
  /** Emits a queue name whenever a message may have become receivable, to wake in-process consumers. */
  readonly events = new EventEmitter();
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock,
    private readonly options: SqliteQueueOptions,
  ) {
    db.exec(SCHEMA);
    this.events.setMaxListeners(0);
    this.statements = {
      seen: db.prepare('INSERT OR IGNORE INTO queue_seen_ids (queue, id, seen_at) VALUES (?, ?, ?)'),
      forgetSeen: db.prepare('DELETE FROM queue_seen_ids WHERE queue = ? AND seen_at < ?'),
      insert: db.prepare(
        `INSERT INTO queue_messages (queue, id, session_id, body, enqueued_at, available_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      // The head of each session that is neither locked nor blocked, oldest first.
      next: db.prepare<{ queue: string; now: number }, MessageRow>(
        `SELECT m.seq, m.id, m.session_id, m.body, m.enqueued_at, m.delivery_count
         FROM queue_messages m
         WHERE m.queue = @queue AND m.state = 'active' AND m.available_at <= @now
           AND NOT EXISTS (SELECT 1 FROM queue_messages p
             WHERE p.queue = m.queue AND p.session_id = m.session_id AND p.state = 'active'
               AND p.available_at <= @now AND p.seq < m.seq)
           AND NOT EXISTS (SELECT 1 FROM queue_sessions s
             WHERE s.queue = m.queue AND s.session_id = m.session_id
               AND (s.locked_until > @now OR s.blocked_until > @now))
         ORDER BY m.seq LIMIT 1`,
      ),
      lockSession: db.prepare(
        `INSERT INTO queue_sessions (queue, session_id, locked_until, lock_token) VALUES (?, ?, ?, ?)
         ON CONFLICT (queue, session_id) DO UPDATE SET locked_until = excluded.locked_until, lock_token = excluded.lock_token`,
      ),
      lockMessage: db.prepare(
        'UPDATE queue_messages SET delivery_count = delivery_count + 1, lock_token = ? WHERE seq = ?',
      ),
      holder: db.prepare<[string, string, string, number], { seq: number }>(
        `SELECT m.seq FROM queue_messages m JOIN queue_sessions s ON s.queue = m.queue AND s.session_id = m.session_id
         WHERE m.queue = ? AND m.lock_token = ? AND s.lock_token = ? AND s.locked_until > ? AND m.state = 'active'`,
      ),
      remove: db.prepare('DELETE FROM queue_messages WHERE seq = ?'),
      unlockSession: db.prepare(
        'UPDATE queue_sessions SET locked_until = 0, lock_token = NULL, blocked_until = ? WHERE queue = ? AND session_id = ?',
      ),
      release: db.prepare('UPDATE queue_messages SET lock_token = NULL WHERE seq = ?'),
      bury: db.prepare(
        "UPDATE queue_messages SET state = 'dead', dead_reason = ?, lock_token = NULL WHERE seq = ?",
      ),
      renew: db.prepare(
        'UPDATE queue_sessions SET locked_until = ? WHERE queue = ? AND session_id = ? AND lock_token = ?',
      ),
      dead: db.prepare<[string], MessageRow & { dead_reason: string }>(
        "SELECT * FROM queue_messages WHERE queue = ? AND state = 'dead' ORDER BY seq",
      ),
      releaseLocks: db.prepare('UPDATE queue_sessions SET locked_until = 0, lock_token = NULL'),
      depth: db.prepare<[string], { n: number }>(
        "SELECT COUNT(*) AS n FROM queue_messages WHERE queue = ? AND state = 'active'",
      ),
      nextDue: db.prepare<[string], { at: number | null }>(
        "SELECT MIN(available_at) AS at FROM queue_messages WHERE queue = ? AND state = 'active'",
      ),
    };
  }

  async send(queue: QueueName, message: OutgoingMessage): Promise<void> {
    const now = this.clock.now().getTime();
    const availableAt = message.scheduledAt ? message.scheduledAt.getTime() : now;
    const body = JSON.stringify(message.body);
    this.db.transaction(() => {
      this.statements.forgetSeen.run(queue, now - this.options.duplicateWindowMs);
      if (this.statements.seen.run(queue, message.id, now).changes === 0) return;
      this.statements.insert.run(queue, message.id, message.sessionId, body, now, availableAt);
    })();
    this.events.emit('ready', queue);
  }

  async receive(queue: QueueName): Promise<ReceivedMessage | undefined> {
    const now = this.clock.now().getTime();
    const lockedUntil = now + this.options.lockMs;
    return this.db
      .transaction(() => {
        const row = this.statements.next.get({ queue, now });
        if (!row) return undefined;
        const lockToken = randomUUID();
        this.statements.lockSession.run(queue, row.session_id, lockedUntil, lockToken);
        this.statements.lockMessage.run(lockToken, row.seq);
        return {
          id: row.id,
          sessionId: row.session_id,
          body: JSON.parse(row.body) as unknown,
          deliveryCount: row.delivery_count + 1,
          enqueuedAt: new Date(row.enqueued_at),
          lockToken,
          lockedUntil: new Date(lockedUntil),
        };
      })
      .immediate();
  }

  private held(queue: QueueName, message: ReceivedMessage): number {
    const row = this.statements.holder.get(
      queue,
      message.lockToken,
      message.lockToken,
      this.clock.now().getTime(),
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
    this.db
      .transaction(() => {
        const seq = this.held(queue, message);
        action(seq);
        this.statements.unlockSession.run(blockedUntil, queue, message.sessionId);
      })
      .immediate();
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
    this.db
      .transaction(() => {
        this.held(queue, message);
        this.statements.renew.run(lockedUntil, queue, message.sessionId, message.lockToken);
      })
      .immediate();
    return { ...message, lockedUntil: new Date(lockedUntil) };
  }

  async deadLetters(queue: QueueName): Promise<DeadLetter[]> {
    return this.statements.dead.all(queue).map((row) => ({
      id: row.id,
      sessionId: row.session_id,
      body: JSON.parse(row.body) as unknown,
      deliveryCount: row.delivery_count,
      reason: row.dead_reason,
    }));
  }

  async depth(queue: QueueName): Promise<number> {
    return this.statements.depth.get(queue)?.n ?? 0;
  }

  /**
   * Frees every session lock. The local host calls it at start-up: it is the only process using
   * the file, so a lock found then belonged to a process that died, and waiting out its expiry
   * would only delay the recovered work. Retry delays (blocked sessions) are kept.
   */
  releaseLocks(): void {
    this.statements.releaseLocks.run();
  }

  /** When the earliest waiting message of a queue falls due (for consumers that sleep). */
  nextDueAt(queue: QueueName): number | undefined {
    return this.statements.nextDue.get(queue)?.at ?? undefined;
  }
}
