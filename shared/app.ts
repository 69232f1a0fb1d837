import { readFileSync } from 'node:fs';
import type { TokenCredential } from '@azure/core-auth';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import { metrics as otelMetrics } from '@opentelemetry/api';
import { AppIdentity } from './adapters/app-identity.js';
import type { AzureAdapters } from './adapters/azure.js';
import { ManualClock, SystemClock } from './adapters/clocks.js';
import { type EmbeddedAdapters, embeddedAdapters } from './adapters/embedded.js';
import { EventGridPublisher } from './adapters/event-grid-publisher.js';
import { KeyVaultSecrets } from './adapters/key-vault-secrets.js';
import { LocalLiveHub } from './adapters/local-live-hub.js';
import { RandomIds } from './adapters/random-ids.js';
import { SettingsSecrets } from './adapters/settings-secrets.js';
import type { SqliteDatabase } from './adapters/sqlite-database.js';
import { TokenEndpointIdentity } from './adapters/token-endpoint-identity.js';
import type { WalRestartGate } from './adapters/wal-restart-gate.js';
import { WebPubSubLive, type WebPubSubOptions } from './adapters/web-pubsub-live.js';
import type { WriteTurnGate } from './adapters/write-turn-gate.js';
import type { Config } from './config.js';
import { parseSeed, type Seed } from './domain/seed.js';
import { AlreadyExistsError, ConcurrencyError, ConfigurationError, ValidationError } from './errors.js';
import { createLogger, type LogSink, stdoutSink } from './logger.js';
import type {
  Clock,
  EventPublisher,
  EventSubscriptions,
  LiveAccess,
  LiveUpdates,
  Logger,
  Metrics,
  QueueReceiver,
  QueueSender,
  SecretSource,
  Store,
} from './ports.js';
import { ProviderAccounts } from './providers/accounts.js';
import { buildSenders, isLoopback, type SenderOptions } from './providers/build-senders.js';
import type { ProviderRegistry } from './providers/registry.js';
import { METER_NAME, OtelMetrics } from './telemetry/otel-metrics.js';
import { TracedQueueSender } from './telemetry/tracing.js';
import { AgentIndex } from './use-cases/agent-index.js';
import type { CoreDeps } from './use-cases/deps.js';
import { withLiveUpdates } from './use-cases/live-changes.js';
import { LiveDirectory } from './use-cases/live-directory.js';
import { retentionDaysOf } from './use-cases/retention.js';

/** Everything built once at start-up and handed to the functions. */
export interface App {
  config: Config;
  deps: CoreDeps;
  /** The configuration this instance serves, re-read when it changes. */
  directory: LiveDirectory;
  /** Which provider account serves each channel (its own, else the settings'): webhooks check with it. */
  accounts: ProviderAccounts;
  /** Which agent a signed-in person is. */
  agents: AgentIndex;
  /** The queue as a host sees it (the local host consumes from it; on Azure the Functions host does). */
  queue: QueueSender & QueueReceiver;
  /** The embedded default's own parts (the SQLite queue, the local provider's outbox), when chosen. */
  embedded: EmbeddedAdapters | undefined;
  /**
   * Integration events: the publisher the outbox drains into (an Event Grid topic, or the webhook
   * subscribers of the embedded default; none on Azure until EVENTGRID_TOPIC_ENDPOINT is set, and
   * the events wait in the outbox), and the webhook subscriptions an admin manages (embedded only).
   */
  events: { publisher: EventPublisher | undefined; subscriptions: EventSubscriptions | undefined };
  /** Present when SMS_CLOCK=manual. */
  manualClock: ManualClock | undefined;
  /** Hands signed-in people their live stream's URL; absent where there is no stream. */
  liveAccess: LiveAccess | undefined;
  /** The local host's own stream (the embedded default without Web PubSub): it serves the sockets. */
  localLive: LocalLiveHub | undefined;
  close(): Promise<void>;
}

function readSeed(file: string, config: Config): Seed {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`cannot read the seed file ${file} (SMS_SEED_FILE)`, { cause: error });
  }
  try {
    return parseSeed(raw, config.autoClose);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const detail = error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new ConfigurationError(`seed file ${file} is invalid: ${detail}`, { cause: error });
  }
}

/**
 * A fresh deployment starts from the seed file: its configuration and agents are imported when the
 * store has no configuration yet. From then on the stored configuration is the truth (the admin
 * API changes it); the seed file is not read again. Every channel must be able to send first, so a
 * seed naming an unconfigured provider stops start-up, saying which setting is missing. Agents go
 * in first and the configuration last: its presence marks the import done, so a start that died
 * half-way imports again instead of leaving the agents out.
 */
async function importSeed(store: Store, senders: ProviderRegistry, config: Config, logger: Logger) {
  if (!config.seedFile || (await store.getConfiguration())) return;
  const seed = readSeed(config.seedFile, config);
  for (const channel of seed.channels) await senders.prepare(channel);
  for (const agent of seed.agents) {
    try {
      await store.createAgent({ ...agent, assignments: [] });
    } catch (error) {
      // An earlier, interrupted import or another process starting at the same time put it there.
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
  }
  try {
    await store.putConfiguration(seed.configuration, null);
  } catch (error) {
    // Another process imported it first: the same file, the same result.
    if (!(error instanceof ConcurrencyError)) throw error;
    return;
  }
  logger.info('configuration.imported', { channels: seed.channels.length, agents: seed.agents.length });
}

export interface CreateAppOptions extends SenderOptions {
  logSink?: LogSink;
  db?: SqliteDatabase;
  /** Where use cases send queue messages; the queue itself unless a host routes them. */
  queueSender?: QueueSender;
  /** Import the seed file on a first start (once per process group). Default true. */
  importSeed?: boolean;
  /** Batch the embedded queue's and store's commits (the local host's queue thread). */
  batchWrites?: boolean;
  /** With `batchWrites`: stands in for the queue's sync of the WAL for accepted work (a spec's). */
  syncAcceptedWork?: () => Promise<void>;
  /** False when the host checkpoints the embedded database's WAL on a thread of its own. */
  checkpointOnCommit?: boolean;
  /** The turn that thread asks of the embedded queue's batches to start the WAL over. */
  walRestartGate?: WalRestartGate;
  /** The embedded queue's batches give the HTTP thread's writes their turn (the queue thread). */
  writeTurnGate?: WriteTurnGate;
  /**
   * The local host's HTTP thread: its writes on the embedded database take their turn from the
   * queue thread and are synced before each answer (`embedded.writesOnDisk()`).
   */
  httpThread?: { writeTurns: WriteTurnGate; syncWal?: () => Promise<void> };
  /** The app's Azure identity; DefaultAzureCredential (managed identity in Azure) unless given. */
  azureCredential?: TokenCredential;
  /** Where changes are published when this process serves no stream itself (the queue thread). */
  liveUpdates?: LiveUpdates;
  /** TLS settings for a Web PubSub stand-in (tests). */
  webPubSub?: WebPubSubOptions;
  /** Where figures are recorded; the global OpenTelemetry meter (Azure Monitor's) unless given. */
  metrics?: Metrics;
}

/** A refusal re-reads a secret at most this often, however many sends or forged webhooks are refused. */
const SECRET_MIN_REFRESH_MS = 30_000;

/**
 * The channels' provider secrets: Key Vault with the app's identity, or the SMS_SECRETS map. The
 * cache runs on the app's clock, so a manual clock (development, tests) moves a rotation along as
 * it moves the timers.
 */
function secretSource(
  config: Config,
  identity: () => TokenCredential,
  logger: Logger,
  clock: Clock,
): SecretSource {
  const { secrets } = config;
  if ('values' in secrets) return new SettingsSecrets(secrets.values);
  return new KeyVaultSecrets(secrets.keyVaultUrl, identity(), logger, {
    ttlMs: secrets.cacheMs,
    minRefreshMs: Math.min(SECRET_MIN_REFRESH_MS, secrets.cacheMs),
    now: () => clock.now().getTime(),
    client: keyVaultClientOptions(secrets.keyVaultUrl, secrets.ca),
  });
}

/**
 * A vault on this machine is a stand-in: no public authority signs its certificate (SMS_KEY_VAULT_CA_FILE
 * names the one to trust) and its challenge cannot name a *.vault.azure.net resource matching its
 * host, which the SDK checks of a real vault.
 */
function keyVaultClientOptions(vaultUrl: string, ca: string | undefined): SecretClientOptions {
  const local = isLoopback({ endpoint: vaultUrl });
  return {
    ...(ca ? { tlsOptions: { ca } } : {}),
    ...(local ? { disableChallengeResourceVerification: true } : {}),
  };
}

/** Web PubSub when configured; else the local host's own stream on the embedded default. */
function chooseLive(config: Config, options: CreateAppOptions, identity: () => TokenCredential) {
  if (config.webPubSub) {
    const { endpoint, hub } = config.webPubSub;
    const live = new WebPubSubLive(endpoint, hub, identity(), options.webPubSub);
    return { updates: live as LiveUpdates, access: live as LiveAccess, local: undefined };
  }
  if (options.liveUpdates) return { updates: options.liveUpdates, access: undefined, local: undefined };
  if (config.mode !== 'embedded') return { updates: undefined, access: undefined, local: undefined };
  const local = new LocalLiveHub();
  return { updates: local as LiveUpdates, access: local as LiveAccess, local };
}

function eventsOf(
  config: Config,
  adapters: EmbeddedAdapters | AzureAdapters,
  identity: () => TokenCredential,
): App['events'] {
  const { eventGridEndpoint, source } = config.events;
  if (eventGridEndpoint) {
    return {
      publisher: new EventGridPublisher(eventGridEndpoint, identity(), source),
      subscriptions: undefined,
    };
  }
  if (adapters.kind === 'embedded') return { publisher: adapters.webhooks, subscriptions: adapters.webhooks };
  return { publisher: undefined, subscriptions: undefined };
}

export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const logger = createLogger(options.logSink ?? stdoutSink(), config.logLevel);
  const manualClock = config.clock === 'manual' ? new ManualClock() : undefined;
  const clock: Clock = manualClock ?? new SystemClock();
  let credential = options.azureCredential;
  const identity = () => {
    credential ??= config.devIdentityEndpoint
      ? new TokenEndpointIdentity(config.devIdentityEndpoint)
      : new AppIdentity();
    return credential;
  };
  const adapters: EmbeddedAdapters | AzureAdapters =
    config.mode === 'azure'
      ? // Imported here: Cosmos DB's and Service Bus' SDKs are the embedded default's to skip.
        await (await import('./adapters/azure.js')).azureAdapters(config, identity)
      : await embeddedAdapters(config, clock, {
          ...(options.db ? { db: options.db } : {}),
          logger,
          batchWrites: options.batchWrites ?? false,
          ...(options.syncAcceptedWork ? { syncAcceptedWork: options.syncAcceptedWork } : {}),
          checkpointOnCommit: options.checkpointOnCommit,
          ...(options.walRestartGate ? { walRestartGate: options.walRestartGate } : {}),
          ...(options.writeTurnGate ? { writeTurnGate: options.writeTurnGate } : {}),
          ...(options.httpThread ? { httpThread: options.httpThread } : {}),
        });
  const { store } = adapters;
  const accounts = new ProviderAccounts(config, secretSource(config, identity, logger, clock));
  const senders = buildSenders(
    config,
    identity,
    adapters.kind === 'embedded' ? adapters.localProvider : undefined,
    { accounts, logger },
    options,
  );
  const directory = new LiveDirectory(store, config.autoClose, logger);
  directory.onChange(() => senders.sync(directory.channels(), logger));
  // Cosmos DB expires messages itself: each is written with its channel's retention as its ttl.
  if (adapters.kind === 'azure') {
    adapters.store.retainMessagesFor(retentionDaysOf(directory));
  }
  try {
    if (options.importSeed !== false) await importSeed(store, senders, config, logger);
    await directory.refresh();
  } catch (error) {
    await adapters.close();
    throw error;
  }
  directory.start(config.configRefreshMs);

  const live = chooseLive(config, options, identity);
  const deps: CoreDeps = {
    store: live.updates
      ? withLiveUpdates(store, live.updates, { clock, logger, phone: adapters.kind === 'embedded' })
      : store,
    queue: new TracedQueueSender(options.queueSender ?? adapters.queue),
    directory,
    configurationChanged: () => directory.refresh(),
    limits: { autoClose: config.autoClose },
    clock,
    ids: new RandomIds(),
    logger,
    metrics: options.metrics ?? new OtelMetrics(() => otelMetrics.getMeter(METER_NAME)),
    senders,
    sendRates: config.sendRates,
    pacingClock: new SystemClock(),
    erasureKey: config.dataLife.erasureKey,
  };
  return {
    config,
    deps,
    directory,
    accounts,
    agents: new AgentIndex(store),
    queue: adapters.queue,
    embedded: adapters.kind === 'embedded' ? adapters : undefined,
    events: eventsOf(config, adapters, identity),
    manualClock,
    liveAccess: live.access,
    localLive: live.local,
    close: async () => {
      directory.stop();
      await adapters.close();
    },
  };
}
