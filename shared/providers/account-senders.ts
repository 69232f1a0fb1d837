import type { Channel } from '../domain/channel.js';
import { ConfigurationError } from '../errors.js';
import type { Logger, SmsSender } from '../ports.js';
import type { HeldSecret, ProviderAccounts, TeleSignAccount, TwilioAccount } from './accounts.js';
import { SecretBackedSender } from './secret-backed-sender.js';

/** How each provider's client is made for an account, given its secret's current value. */
export interface AccountClients {
  twilio(account: TwilioAccount, authToken: string, hint: string): SmsSender;
  telesign(account: TeleSignAccount, apiKey: string, hint: string): SmsSender;
  /** An ACS resource by endpoint: with its access key when one is named, else the app's identity. */
  acs(endpoint: string, accessKey: string | undefined, hint: string): SmsSender;
}

interface OwnAccount {
  key: string;
  provider: 'twilio' | 'telesign' | 'acs';
  account: string;
  secret: HeldSecret | undefined;
  build(value: string | undefined): SmsSender;
}

/**
 * The senders of the accounts channels name themselves: one per account, built when a channel of
 * that account is first seen and shared by every channel naming the same account.
 */
export class AccountSenders {
  private readonly byAccount = new Map<string, SmsSender>();

  constructor(
    private readonly accounts: ProviderAccounts,
    private readonly clients: AccountClients,
    private readonly logger: Logger,
  ) {}

  /** The account the channel names, if any; a channel naming another provider's account is refused. */
  private own(channel: Channel): OwnAccount | undefined {
    const named = [
      channel.twilio?.accountSid ? 'twilio' : undefined,
      channel.telesign ? 'telesign' : undefined,
      channel.acs?.endpoint ? 'acs' : undefined,
    ].filter((provider) => provider !== undefined);
    const foreign = named.find((provider) => provider !== channel.provider);
    if (foreign) {
      throw new ConfigurationError(
        `channel ${channel.id} uses provider ${channel.provider} but names a ${foreign} account`,
      );
    }
    const twilio = channel.provider === 'twilio' ? this.accounts.ownTwilio(channel) : undefined;
    if (twilio) {
      const hint = `check the account SID and ${twilio.authToken.where}`;
      return {
        key: twilio.key,
        provider: 'twilio',
        account: twilio.accountSid,
        secret: twilio.authToken,
        build: (value) => this.clients.twilio(twilio, value ?? '', hint),
      };
    }
    const telesign = channel.provider === 'telesign' ? this.accounts.ownTeleSign(channel) : undefined;
    if (telesign) {
      const hint = `check the customer id and ${telesign.apiKey.where}`;
      return {
        key: telesign.key,
        provider: 'telesign',
        account: telesign.customerId,
        secret: telesign.apiKey,
        build: (value) => this.clients.telesign(telesign, value ?? '', hint),
      };
    }
    const endpoint = channel.provider === 'acs' ? channel.acs?.endpoint : undefined;
    if (endpoint) {
      const name = channel.acs?.accessKeySecret;
      const secret = name ? this.accounts.held(name) : undefined;
      const hint = secret
        ? `check ${secret.where}, the resource's access key`
        : "check the app identity's role on the resource";
      return {
        key: `acs|${endpoint}|${name ?? 'identity'}`,
        provider: 'acs',
        account: new URL(endpoint).host,
        secret,
        build: (value) => this.clients.acs(endpoint, value, hint),
      };
    }
    return undefined;
  }

  /** The sender of the account the channel names; undefined when it names none (the default serves it). */
  forChannel(channel: Channel): SmsSender | undefined {
    const own = this.own(channel);
    if (!own) return undefined;
    let sender = this.byAccount.get(own.key);
    if (!sender) {
      const { secret } = own;
      sender = secret
        ? new SecretBackedSender({
            provider: own.provider,
            idempotent: own.provider === 'acs',
            account: own.account,
            secret,
            build: own.build,
            logger: this.logger,
          })
        : own.build(undefined);
      this.byAccount.set(own.key, sender);
    }
    return sender;
  }

  /** Reads the secret the channel names, so a missing or unreadable one is said when the channel is saved. */
  async prepare(channel: Channel): Promise<void> {
    const own = this.own(channel);
    if (!own?.secret) return;
    try {
      await own.secret.get();
    } catch (error) {
      throw new ConfigurationError(`channel ${channel.id}: ${(error as Error).message}`, { cause: error });
    }
  }
}
