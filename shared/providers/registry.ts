import type { Channel, ProviderName } from '../domain/channel.js';
import { ConfigurationError } from '../errors.js';
import type { SmsSender } from '../ports.js';
import type { SenderRegistry } from '../use-cases/deps.js';

/**
 * The providers this deployment can send with. Keyed by the closed list of provider names, so
 * adding a provider without handling it here is a compile error elsewhere, not a runtime surprise.
 */
export class ProviderRegistry implements SenderRegistry {
  constructor(
    private readonly senders: Partial<Record<ProviderName, SmsSender>>,
    /** Channels with a provider account of their own (an ACS resource named by id). */
    private readonly byChannel: ReadonlyMap<string, SmsSender> = new Map(),
  ) {}

  has(channel: Channel): boolean {
    return this.byChannel.has(channel.id) || this.senders[channel.provider] !== undefined;
  }

  forChannel(channel: Channel): SmsSender {
    const sender = this.byChannel.get(channel.id) ?? this.senders[channel.provider];
    if (!sender)
      throw new ConfigurationError(`provider ${channel.provider} is not configured in this deployment`);
    return sender;
  }
}
