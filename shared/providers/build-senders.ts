import type { TokenCredential } from '@azure/core-auth';
import type { CommonClientOptions } from '@azure/core-client';
import type { Config } from '../config.js';
import type { SmsSender } from '../ports.js';
import { resolveAcsEndpoint } from './acs/resource.js';
import { AcsSender } from './acs/sender.js';
import { ProviderRegistry } from './registry.js';
import { TeleSignSender } from './telesign/sender.js';
import { TwilioSender } from './twilio/sender.js';

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
  /** Client options for Azure Resource Manager and the resolved ACS endpoints (tests: a local CA). */
  azureClientOptions?: Pick<CommonClientOptions, 'tlsOptions'>;
}

/**
 * Builds every provider client once, from configuration: one per configured provider (the local
 * provider on the embedded default), and a resolver for channels that name their own ACS resource.
 */
export function buildSenders(
  config: Config,
  identity: () => TokenCredential,
  localProvider: SmsSender | undefined,
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
  return new ProviderRegistry(senders, async (resourceId) => {
    const endpoint = await resolveAcsEndpoint(resourceId, identity(), {
      endpoint: config.azureResourceManagerUrl,
      ...options.azureClientOptions,
    });
    return new AcsSender({ endpoint, credential: identity() }, options.azureClientOptions);
  });
}
