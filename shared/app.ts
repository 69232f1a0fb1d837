import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, SystemClock } from './adapters/clocks.js';
import { RandomIds } from './adapters/random-ids.js';
import { openSqlite, type SqliteDatabase } from './adapters/sqlite-database.js';
import { SqliteQueue } from './adapters/sqlite-queue.js';
import { SqliteStore } from './adapters/sqlite-store.js';
import type { Config } from './config.js';
import type { Agent } from './domain/agent.js';
import { Directory } from './domain/directory.js';
import { parseSeed, type Seed } from './domain/seed.js';
import { ConfigurationError, ValidationError } from './errors.js';
import { createLogger, type LogSink } from './logger.js';
import type { Clock, QueueSender, Store } from './ports.js';
import { buildSenders, type SenderOptions } from './providers/build-senders.js';
import { LocalSmsProvider } from './providers/local-provider.js';
import type { CoreDeps } from './use-cases/deps.js';
import { retryOnConflict } from './use-cases/optimistic.js';

/** Everything built once at start-up and handed to the functions. */
export interface App {
  config: Config;
  deps: CoreDeps;
  /** The queue as a host sees it: the local host consumes from it. */
  queue: SqliteQueue;
  /** Present when the local provider is in use: its outbox is readable over HTTP. */
  localProvider: LocalSmsProvider;
  /** Present when SMS_CLOCK=manual. */
  manualClock: ManualClock | undefined;
  close(): void;
}

function readSeed(config: Config): Seed {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(config.seedFile, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`cannot read the seed file ${config.seedFile} (SMS_SEED_FILE)`, {
      cause: error,
    });
  }
  try {
    return parseSeed(raw, config.autoClose);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const detail = error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new ConfigurationError(`seed file ${config.seedFile} is invalid: ${detail}`, { cause: error });
  }
}

/**
 * Seed agents: created when new; name, capacity and queues follow the file, while live state
 * (presence, assignments) survives restarts.
 */
async function seedAgents(store: Store, seed: Seed) {
  for (const agentSeed of seed.agents) {
    await retryOnConflict(async () => {
      const existing = await store.getAgent(agentSeed.id);
      if (!existing) {
        const agent: Agent = { ...agentSeed, assignments: [] };
        await store.createAgent(agent);
        return;
      }
      const { name, capacity, queueIds, skills } = agentSeed;
      await store.replaceAgent({ ...existing.value, name, capacity, queueIds, skills }, existing.etag);
    });
  }
}

export interface CreateAppOptions extends SenderOptions {
  logSink?: LogSink;
  db?: SqliteDatabase;
  /** Where use cases send queue messages; the SQLite queue itself unless a host routes them. */
  queueSender?: QueueSender;
  /** Create or update agents from the seed file (once per process group). Default true. */
  seedAgents?: boolean;
  /** Batch the queue's and the store's commits (the local host's queue thread). */
  batchWrites?: boolean;
}

export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const seed = readSeed(config);
  const db = options.db ?? openSqlite(join(config.dataDir, 'sms.db'));
  const manualClock = config.clock === 'manual' ? new ManualClock() : undefined;
  const clock: Clock = manualClock ?? new SystemClock();
  const store = new SqliteStore(db);
  // Queue locks and retry delays run on real time even when the domain clock is manual.
  const queue = new SqliteQueue(db, new SystemClock(), {
    ...config.queue,
    batchWrites: options.batchWrites ?? false,
  });
  const localProvider = new LocalSmsProvider(db, clock);
  let senders: Awaited<ReturnType<typeof buildSenders>>;
  try {
    senders = await buildSenders(config, seed.channels, localProvider, options);
  } catch (error) {
    if (!options.db) db.close();
    throw error;
  }
  if (options.seedAgents !== false) await seedAgents(store, seed);
  const logger = createLogger(
    options.logSink ?? ((line) => process.stdout.write(`${line}\n`)),
    config.logLevel,
  );
  const deps: CoreDeps = {
    store,
    queue: options.queueSender ?? queue,
    directory: new Directory(seed.channels, seed.queues),
    clock,
    ids: new RandomIds(),
    logger,
    senders,
    sendRates: config.sendRates,
    pacingClock: new SystemClock(),
  };
  const close = () => {
    queue.commitBatch();
    db.close();
  };
  return { config, deps, queue, localProvider, manualClock, close };
}
