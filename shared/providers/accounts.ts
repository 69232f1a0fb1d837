import type { Config } from '../config.js';
import type { Channel } from '../domain/channel.js';
import type { SecretSource } from '../ports.js';

/** A provider secret: held by name in the secret store, or given by a setting (fixed until restart). */
export interface HeldSecret {
  /** Where it is held, for messages an admin acts on: `secret <name>` or the setting's name. */
  readonly where: string;
  get(): Promise<string>;
  /** Reads it again because a provider refused the value in hand; the same value when nothing is newer. */
  refresh(): Promise<string>;
  /** The value the latest rotation replaced, while it may still sign what the provider sends. */
  previous(): string | undefined;
}

export interface TwilioAccount {
  /** One sender per key: the same account and secret make the same key. */
  key: string;
  accountSid: string;
  authToken: HeldSecret;
}

export interface TeleSignAccount {
  key: string;
  customerId: string;
  apiKey: HeldSecret;
}

const fixed = (where: string, value: string): HeldSecret => ({
  where,
  get: () => Promise.resolve(value),
  refresh: () => Promise.resolve(value),
  previous: () => undefined,
});

/**
 * Which provider account serves a channel: the one the channel names (its secret read by name from
 * the secret store), else the deployment's from settings. Sending, checking credentials and
 * checking webhook signatures all ask here, so they agree on the account.
 */
export class ProviderAccounts {
  constructor(
    private readonly config: Pick<Config, 'twilio' | 'telesign'>,
    private readonly secrets: SecretSource,
  ) {}

  held(name: string): HeldSecret {
    return {
      where: `secret ${name}`,
      get: () => this.secrets.get(name),
      refresh: () => this.secrets.refresh(name),
      previous: () => this.secrets.previous(name),
    };
  }

  /** The channel's own Twilio account, if it names one. */
  ownTwilio(channel: Channel | undefined): TwilioAccount | undefined {
    const own = channel?.twilio;
    if (!own?.accountSid || !own.authTokenSecret) return undefined;
    return {
      key: `twilio|${own.accountSid}|${own.authTokenSecret}`,
      accountSid: own.accountSid,
      authToken: this.held(own.authTokenSecret),
    };
  }

  /** The account a Twilio channel uses (its own, else the settings'); undefined: none configured. */
  twilio(channel: Channel | undefined): TwilioAccount | undefined {
    const own = this.ownTwilio(channel);
    if (own) return own;
    const settings = this.config.twilio;
    return settings
      ? {
          key: 'twilio|settings',
          accountSid: settings.accountSid,
          authToken: fixed('TWILIO_AUTH_TOKEN', settings.authToken),
        }
      : undefined;
  }

  ownTeleSign(channel: Channel | undefined): TeleSignAccount | undefined {
    const own = channel?.telesign;
    if (!own) return undefined;
    return {
      key: `telesign|${own.customerId}|${own.apiKeySecret}`,
      customerId: own.customerId,
      apiKey: this.held(own.apiKeySecret),
    };
  }

  telesign(channel: Channel | undefined): TeleSignAccount | undefined {
    const own = this.ownTeleSign(channel);
    if (own) return own;
    const settings = this.config.telesign;
    return settings
      ? {
          key: 'telesign|settings',
          customerId: settings.customerId,
          apiKey: fixed('TELESIGN_API_KEY', settings.apiKey),
        }
      : undefined;
  }
}

/**
 * A webhook signature checked with an account's secret; when it does not match, the secret is
 * read again once (the secret store limits how often) in case it was rotated, and checked again;
 * then with the value a recent rotation replaced, which the provider may sign with until its own
 * switch (a secondary token set in the vault before it is promoted).
 */
export async function verifiedWith<V extends string>(
  secret: HeldSecret,
  verify: (value: string) => V | Promise<V>,
): Promise<V> {
  const value = await secret.get();
  const first = await verify(value);
  if (first !== 'invalid') return first;
  const fresh = await secret.refresh().catch(() => value);
  const second = fresh === value ? first : await verify(fresh);
  if (second !== 'invalid') return second;
  const previous = secret.previous();
  return previous === undefined || previous === value || previous === fresh ? second : verify(previous);
}
