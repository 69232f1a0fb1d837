import type { Config } from '../config.js';
import type { Clock, Logger } from '../ports.js';
import { SystemClock } from './clocks.js';
import type { LocalSmsProvider } from './local-sms-provider.js';
import type { SqliteDatabase } from './sqlite-database.js';
import type { SqliteQueue } from './sqlite-queue.js';
import type { SqliteStore } from './sqlite-store.js';
import { takeWriteTurns } from './sqlite-write-turns.js';
import type { WalRestartGate } from './wal-restart-gate.js';
import { SyncAfterCommits, WalSync } from './wal-sync.js';
import type { WebhookEvents } from './webhook-events.js';
import type { WriteTurnGate } from './write-turn-gate.js';

export interface EmbeddedAdapters {
  kind: 'embedded';
  store: SqliteStore;
  queue: SqliteQueue;
  localProvider: LocalSmsProvider;
  /** The admin's webhook subscribers and their deliveries, in the same SQLite file. */
  webhooks: WebhookEvents;
  /**
   * Resolves once every write this connection committed so far is on disk: at once, unless its
   * commits wait for no sync (`httpThread`), when it syncs the WAL, one sync for many writes.
   */
  writesOnDisk(): Promise<void>;
  /**
   * The error of the first failed sync of the WAL on this connection (the HTTP thread's writes, or
   * the queue's accepted work), once one has failed: nothing written since can be promised on
   * disk until the host restarts. Undefined before.
   */
  syncFailure(): unknown;
  close(): Promise<void>;
}

/**
 * The embedded default: one SQLite file for the store, the queues and the local provider's outbox.
 * Imported only when chosen, so a deployment on Azure never loads the native SQLite module.
 */
export async function embeddedAdapters(
  config: Config,
  clock: Clock,
  options: {
    db?: SqliteDatabase;
    /** Where the queue logs a failed sync of accepted work. */
    logger?: Logger;
    /** With `batchWrites`: stands in for the queue's sync of the WAL for accepted work (a spec's). */
    syncAcceptedWork?: () => Promise<void>;
    batchWrites?: boolean;
    checkpointOnCommit?: boolean;
    walRestartGate?: WalRestartGate;
    /** The queue's batches give the other thread's writes their turn (the local host's queue thread). */
    writeTurnGate?: WriteTurnGate;
    /**
     * The local host's HTTP thread: every write on this connection takes its turn from the queue
     * thread, and commits without a sync of its own; `writesOnDisk()` syncs them, which the host
     * awaits before each answer. `syncWal` stands in for the WAL's fsync (a spec's).
     */
    httpThread?: { writeTurns: WriteTurnGate; syncWal?: () => Promise<void> };
  },
): Promise<EmbeddedAdapters> {
  const [
    { databaseFile, openSqlite },
    { SqliteStore },
    { SqliteQueue },
    { LocalSmsProvider },
    { WebhookEvents },
  ] = await Promise.all([
    import('./sqlite-database.js'),
    import('./sqlite-store.js'),
    import('./sqlite-queue.js'),
    import('./local-sms-provider.js'),
    import('./webhook-events.js'),
  ]);
  const db =
    options.db ??
    openSqlite(databaseFile(config.dataDir), { checkpointOnCommit: options.checkpointOnCommit });
  const { httpThread } = options;
  let walSync: WalSync | undefined;
  let commits: SyncAfterCommits | undefined;
  if (httpThread) {
    // Syncs of the WAL file after the commit stand for SQLite's own only where there is one.
    const wal = !db.memory && db.pragma('journal_mode', { simple: true }) === 'wal';
    let written = () => {};
    if (wal) {
      db.pragma('synchronous = NORMAL');
      // Opened before this connection writes (see WalSync), unless a spec stands in for it.
      let sync = httpThread.syncWal;
      if (!sync) {
        walSync = new WalSync(db);
        sync = walSync.sync;
      }
      const counted = new SyncAfterCommits(sync);
      commits = counted;
      written = () => counted.committedOne();
    }
    takeWriteTurns(db, httpThread.writeTurns, written);
  }
  // Queue locks and retry delays run on real time even when the domain clock is manual.
  const queue = new SqliteQueue(db, new SystemClock(), {
    ...config.queue,
    batchWrites: options.batchWrites ?? false,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.syncAcceptedWork ? { syncToDisk: options.syncAcceptedWork } : {}),
    ...(options.walRestartGate ? { walRestartGate: options.walRestartGate } : {}),
    ...(options.writeTurnGate ? { writeTurnGate: options.writeTurnGate } : {}),
  });
  const store = new SqliteStore(db, clock);
  return {
    kind: 'embedded',
    store,
    webhooks: new WebhookEvents(db, {
      source: config.events.source,
      clock,
      textOf: async (conversationId, messageId) =>
        (await store.getMessage(conversationId, messageId))?.value.text,
    }),
    queue,
    localProvider: new LocalSmsProvider(db, clock),
    writesOnDisk: async () => commits?.settled(),
    syncFailure: () => commits?.failure ?? queue.failedSync,
    close: async () => {
      try {
        await commits?.settled();
      } finally {
        // Closed whatever the sync did: the last connection's close checkpoints with a sync too.
        commits?.close();
        queue.close();
        walSync?.close();
        if (!options.db) db.close();
      }
    },
  };
}
