import type { TokenCredential } from '@azure/core-auth';
import type { CommonClientOptions } from '@azure/core-client';
import type { Config } from '../config.js';
import { ConfigurationError } from '../errors.js';
import type { Logger, SmsSender } from '../ports.js';
import { AccountSenders } from './account-senders.js';
import type { ProviderAccounts } from './accounts.js';
import { resolveAcsEndpoint } from './acs/resource.js';
import { AcsSender } from './acs/sender.js';
import { ProviderRegistry } from './registry.js';
import { TeleSignSender } from './telesign/sender.js';
import { TwilioSender } from './twilio/sender.js';

/** Plain HTTP is allowed only to a server on this machine (the tests' ACS stand-in). */
export function isLoopback(connection: { connectionString: string } | { endpoint: string }): boolean {
  const endpoint =
    'endpoint' in connection
      ? connection.endpoint
      : /endpoint=([^;]+)/i.exec(connection.connectionString)?.[1];
  const host = endpoint ? new URL(endpoint).hostname : '';
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/** What the channels' own accounts are built from: who they are, and where their secrets are read. */
export interface AccountSources {
  accounts: ProviderAccounts;
  logger: Logger;
}

export interface SenderOptions {
  /** Client options for Azure Resource Manager and the resolved ACS endpoints (tests: a local CA). */
  azureClientOptions?: Pick<CommonClientOptions, 'tlsOptions'>;
}

/** Where a provider calls back: the public base URL is needed by every Twilio or TeleSign account. */
function publicBase(config: Config, provider: string): string {
  if (!config.publicBaseUrl) {
    throw new ConfigurationError(
      `a channel names its own ${provider} account, but SMS_PUBLIC_BASE_URL (where ${provider} calls back) is not set`,
    );
  }
  return config.publicBaseUrl;
}

/**
 * Builds every provider client once, from configuration: one per configured provider (the local
 * provider on the embedded default), one per account a channel names (built when first needed),
 * and a resolver for channels that name their own ACS resource.
 */
export function buildSenders(
  config: Config,
  identity: () => TokenCredential,
  localProvider: SmsSender | undefined,
  sources: AccountSources,
  options: SenderOptions = {},
): ProviderRegistry {
  const senders: ConstructorParameters<typeof ProviderRegistry>[0] = localProvider
    ? { local: localProvider }
    : {};
  if (config.acs) {
    const connection =
      'connectionString' in config.acs
        ? config.acs
        : { endpoint: config.acs.endpoint, credential: identity() };
    senders.acs = new AcsSender(connection, { allowInsecureConnection: isLoopback(config.acs) });
  }
  if (config.telesign && config.publicBaseUrl) {
    senders.telesign = new TeleSignSender({ ...config.telesign, publicBaseUrl: config.publicBaseUrl });
  }
  if (config.twilio && config.publicBaseUrl) {
    senders.twilio = new TwilioSender({ ...config.twilio, publicBaseUrl: config.publicBaseUrl });
  }
  const accounts = new AccountSenders(
    sources.accounts,
    {
      twilio: (account, authToken, hint) =>
        new TwilioSender({
          accountSid: account.accountSid,
          authToken,
          apiBaseUrl: config.providerApis.twilio,
          publicBaseUrl: publicBase(config, 'Twilio'),
          credentialsHint: hint,
        }),
      telesign: (account, apiKey, hint) =>
        new TeleSignSender({
          customerId: account.customerId,
          apiKey,
          apiBaseUrl: config.providerApis.telesign,
          publicBaseUrl: publicBase(config, 'TeleSign'),
          credentialsHint: hint,
        }),
      acs: (endpoint, accessKey, hint) =>
        new AcsSender(
          accessKey === undefined
            ? { endpoint, credential: identity() }
            : { connectionString: `endpoint=${endpoint};accesskey=${accessKey}` },
          { allowInsecureConnection: isLoopback({ endpoint }), ...options.azureClientOptions },
          hint,
        ),
    },
    sources.logger,
  );
  return new ProviderRegistry(
    senders,
    async (resourceId) => {
      const endpoint = await resolveAcsEndpoint(resourceId, identity(), {
        endpoint: config.azureResourceManagerUrl,
        ...options.azureClientOptions,
      });
      return new AcsSender({ endpoint, credential: identity() }, options.azureClientOptions);
    },
    accounts,
  );
}
