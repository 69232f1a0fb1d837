import type { ProviderName } from '../domain/channel.js';
import { ConfigurationError } from '../errors.js';
import type { SmsSender } from '../ports.js';
import type { SenderRegistry } from '../use-cases/deps.js';

/**
 * The providers this deployment can send with. Keyed by the closed list of provider names, so
 * adding a provider without handling it here is a compile error elsewhere, not a runtime surprise.
 */
export class ProviderRegistry implements SenderRegistry {
  constructor(private readonly senders: Partial<Record<ProviderName, SmsSender>>) {}

  has(provider: ProviderName): boolean {
    return this.senders[provider] !== undefined;
  }

  forProvider(provider: string): SmsSender {
    const sender = this.senders[provider as ProviderName];
    if (!sender) throw new ConfigurationError(`provider ${provider} is not configured in this deployment`);
    return sender;
  }
}
