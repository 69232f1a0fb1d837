import type { Channel } from '../domain/channel.js';
import type { AutoCloseBounds } from '../domain/configuration.js';
import type { DirectoryView } from '../domain/directory.js';
import type { SendRates } from '../domain/sender-pace.js';
import type {
  Clock,
  IdGenerator,
  Logger,
  Metrics,
  PacingClock,
  QueueSender,
  SmsSender,
  Store,
} from '../ports.js';

/** Everything a use case may touch, injected once at start-up. */
export interface CoreDeps {
  store: Store;
  queue: QueueSender;
  directory: DirectoryView;
  /** Called after this instance changed the configuration, so every reader sees it at once. */
  configurationChanged: () => Promise<void>;
  /** Limits an admin's settings must respect. */
  limits: { autoClose: AutoCloseBounds };
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** The figures operations watch (names and attributes in shared/ports.ts). */
  metrics: Metrics;
  senders: SenderRegistry;
  sendRates: SendRates;
  /** Real time for pacing sends: provider limits do not follow a manual domain clock. */
  pacingClock: PacingClock;
  /**
   * The deployment's secret for the keyed hash an erased customer's opt-outs are kept by
   * (SMS_ERASURE_KEY); erasing is refused without it.
   */
  erasureKey?: string | undefined;
}

export interface SenderRegistry {
  /** The sender for a channel; throws ConfigurationError when its provider is not configured. */
  forChannel(channel: Channel): SmsSender;
  /** Makes a channel's sender ready (resolving an ACS resource by id), or says why it cannot be. */
  prepare(channel: Channel): Promise<void>;
}
