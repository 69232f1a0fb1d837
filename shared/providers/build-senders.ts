import type { TokenCredential } from '@azure/core-auth';
import type { CommonClientOptions } from '@azure/core-client';
import { DefaultAzureCredential } from '@azure/identity';
import type { Config } from '../config.js';
import type { Channel } from '../domain/channel.js';
import { ConfigurationError } from '../errors.js';
import type { SmsSender } from '../ports.js';
import { resolveAcsEndpoint } from './acs/resource.js';
import { type AcsConnection, AcsSender } from './acs/sender.js';
import type { LocalSmsProvider } from './local-provider.js';
import { ProviderRegistry } from './registry.js';
import { TeleSignSender } from './telesign/sender.js';
import { TwilioSender } from './twilio/sender.js';

/** What a provider needs before a channel may use it. */
const missingSettings: Record<string, string> = {
  twilio: ' (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and SMS_PUBLIC_BASE_URL)',
  acs: ' (set ACS_CONNECTION_STRING, or ACS_ENDPOINT to use the managed identity, or give the channel an acs.resourceId)',
  telesign: ' (set TELESIGN_CUSTOMER_ID, TELESIGN_API_KEY and SMS_PUBLIC_BASE_URL)',
};

/** Plain HTTP is allowed only to a server on this machine (the tests' ACS stand-in). */
function isLoopback(connection: { connectionString: string } | { endpoint: string }): boolean {
  const endpoint =
    'endpoint' in connection
      ? connection.endpoint
      : /endpoint=([^;]+)/i.exec(connection.connectionString)?.[1];
  const host = endpoint ? new URL(endpoint).hostname : '';
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

export interface SenderOptions {
  /** The app's Azure identity; DefaultAzureCredential (managed identity in Azure) unless given. */
  azureCredential?: TokenCredential;
  /** Client options for Azure Resource Manager and the resolved ACS endpoints (tests: a local CA). */
  azureClientOptions?: Pick<CommonClientOptions, 'tlsOptions'>;
}

/**
 * Builds every sender once, from configuration: one per configured provider, and one per channel
 * that names its own ACS resource (its endpoint resolved now, so a missing resource stops start-up).
 */
export async function buildSenders(
  config: Config,
  channels: Channel[],
  localProvider: LocalSmsProvider,
  options: SenderOptions = {},
): Promise<ProviderRegistry> {
  let credential = options.azureCredential;
  const identity = () => {
    credential ??= new DefaultAzureCredential();
    return credential;
  };
  const acsConnection = (): AcsConnection | undefined => {
    if (!config.acs) return undefined;
    return 'connectionString' in config.acs
      ? config.acs
      : { endpoint: config.acs.endpoint, credential: identity() };
  };
  const acs = acsConnection();
  const byProvider: Record<string, SmsSender> = { local: localProvider };
  if (acs && config.acs) {
    byProvider.acs = new AcsSender(acs, { allowInsecureConnection: isLoopback(config.acs) });
  }
  if (config.telesign && config.publicBaseUrl) {
    byProvider.telesign = new TeleSignSender({ ...config.telesign, publicBaseUrl: config.publicBaseUrl });
  }
  if (config.twilio && config.publicBaseUrl) {
    byProvider.twilio = new TwilioSender({
      ...config.twilio,
      publicBaseUrl: config.publicBaseUrl,
      channels: channels.filter((c) => c.provider === 'twilio'),
    });
  }

  const byChannel = new Map<string, SmsSender>();
  for (const channel of channels) {
    if (channel.provider !== 'acs' || !channel.acs) continue;
    const endpoint = await resolveAcsEndpoint(channel.acs.resourceId, identity(), {
      endpoint: config.azureResourceManagerUrl,
      ...options.azureClientOptions,
    });
    byChannel.set(
      channel.id,
      new AcsSender({ endpoint, credential: identity() }, options.azureClientOptions),
    );
  }

  const registry = new ProviderRegistry(byProvider, byChannel);
  for (const channel of channels) {
    if (!registry.has(channel)) {
      throw new ConfigurationError(
        `channel ${channel.id} uses provider ${channel.provider}, which is not configured${missingSettings[channel.provider] ?? ''}`,
      );
    }
  }
  return registry;
}
