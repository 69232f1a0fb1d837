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
  /** The sender for a channel's provider; throws ConfigurationError when it is not configured. */
  forProvider(provider: string): SmsSender;
}
