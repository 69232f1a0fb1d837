import type { Channel } from '../domain/channel.js';
import type { Directory } from '../domain/directory.js';
import type { Clock, IdGenerator, Logger, QueueSender, SmsSender, Store } from '../ports.js';
import type { SendRates } from './send-pace.js';

/** Everything a use case may touch, injected once at start-up. */
export interface CoreDeps {
  store: Store;
  queue: QueueSender;
  directory: Directory;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  senders: SenderRegistry;
  sendRates: SendRates;
  /** Real time for pacing sends: provider limits do not follow a manual domain clock. */
  pacingClock: Clock;
}

export interface SenderRegistry {
  /** The sender for a channel; throws ConfigurationError when its provider is not configured. */
  forChannel(channel: Channel): SmsSender;
}
