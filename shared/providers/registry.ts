import type { Channel, ProviderName } from '../domain/channel.js';
import { ConfigurationError } from '../errors.js';
import type { Logger, SmsSender } from '../ports.js';
import type { SenderRegistry } from '../use-cases/deps.js';
import type { AccountSenders } from './account-senders.js';

/** What a provider needs before a channel may use it. */
const missingSettings: Partial<Record<ProviderName, string>> = {
  local: ' (the local provider exists only on the embedded default)',
  twilio:
    ' (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and SMS_PUBLIC_BASE_URL, or give the channel its own twilio.accountSid and twilio.authTokenSecret)',
  acs: ' (set ACS_CONNECTION_STRING, or ACS_ENDPOINT to use the managed identity, or give the channel an acs.resourceId)',
  telesign:
    ' (set TELESIGN_CUSTOMER_ID, TELESIGN_API_KEY and SMS_PUBLIC_BASE_URL, or give the channel its own telesign.customerId and telesign.apiKeySecret)',
};

/** Builds a sender for a Communication Services resource named by its Azure resource id. */
export type AcsResolver = (resourceId: string) => Promise<SmsSender>;

/**
 * The providers this deployment can send with, keyed by the closed list of provider names. A
 * channel that names its own ACS resource gets a sender for it, resolved once per resource when
 * the channel is first seen (or checked by an admin before it is saved).
 */
export class ProviderRegistry implements SenderRegistry {
  private readonly byResource = new Map<string, SmsSender | Error>();

  constructor(
    private readonly senders: Partial<Record<ProviderName, SmsSender>>,
    private readonly resolveAcs: AcsResolver | undefined = undefined,
    /** The accounts channels name themselves; the settings' account serves the others. */
    private readonly accounts: AccountSenders | undefined = undefined,
  ) {}

  forChannel(channel: Channel): SmsSender {
    const own = this.accounts?.forChannel(channel);
    if (own) return own;
    const resourceId = channel.acs?.resourceId;
    if (resourceId) {
      const resolved = this.byResource.get(resourceId);
      if (resolved instanceof Error) {
        throw new ConfigurationError(`channel ${channel.id}: ${resolved.message}`, { cause: resolved });
      }
      if (!resolved)
        throw new ConfigurationError(`channel ${channel.id}: its ACS resource is not resolved yet`);
      return resolved;
    }
    const sender = this.senders[channel.provider];
    if (!sender) {
      throw new ConfigurationError(
        `channel ${channel.id} uses provider ${channel.provider}, which is not configured${missingSettings[channel.provider] ?? ''}`,
      );
    }
    return sender;
  }

  /** Makes the channel's sender ready, or says why it cannot be (nothing is cached on failure). */
  async prepare(channel: Channel): Promise<void> {
    await this.accounts?.prepare(channel);
    const resourceId = channel.acs?.resourceId;
    if (
      resourceId &&
      !(this.byResource.get(resourceId) && !(this.byResource.get(resourceId) instanceof Error))
    ) {
      if (!this.resolveAcs)
        throw new ConfigurationError('ACS resources cannot be resolved in this deployment');
      this.byResource.set(resourceId, await this.resolveAcs(resourceId));
    }
    this.forChannel(channel);
  }

  /** Prepares every channel; one that cannot be prepared is logged and fails its sends with the reason. */
  async sync(channels: Channel[], logger: Logger): Promise<void> {
    for (const channel of channels) {
      try {
        await this.prepare(channel);
      } catch (error) {
        const resourceId = channel.acs?.resourceId;
        if (resourceId)
          this.byResource.set(resourceId, error instanceof Error ? error : new Error(String(error)));
        logger.error('provider.unavailable', { channelId: channel.id, provider: channel.provider }, error);
      }
    }
  }
}
