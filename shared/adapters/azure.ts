import type { TokenCredential } from '@azure/core-auth';
import { type Container, CosmosClient } from '@azure/cosmos';
import { ServiceBusClient } from '@azure/service-bus';
import type { Config, CosmosSettings } from '../config.js';
import { ConfigurationError } from '../errors.js';
import type { Clock } from '../ports.js';
import { SystemClock } from './clocks.js';
import { CosmosStore, stateContainerDefinition } from './cosmos-store.js';
import { ServiceBusQueue } from './service-bus-queue.js';

export interface AzureAdapters {
  kind: 'azure';
  store: CosmosStore;
  queue: ServiceBusQueue;
  close(): Promise<void>;
}

const isLoopback = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

function cosmosClient(settings: CosmosSettings, identity: () => TokenCredential): CosmosClient {
  if ('endpoint' in settings)
    return new CosmosClient({ endpoint: settings.endpoint, aadCredentials: identity() });
  const endpoint = /AccountEndpoint=([^;]+)/i.exec(settings.connectionString)?.[1] ?? '';
  const key = /AccountKey=([^;]+)/i.exec(settings.connectionString)?.[1] ?? '';
  return new CosmosClient({
    endpoint,
    key,
    // A local server (the emulator, cosmosdb-server) has no regional endpoints to discover.
    ...(isLoopback(endpoint) ? { connectionPolicy: { enableEndpointDiscovery: false } } : {}),
  });
}

/**
 * The container must exist. With a key (development) it is created when missing; with the app's
 * identity it cannot be (creating is a control-plane right the identity does not get), so the
 * Bicep deployment creates it and start-up says so when it is not there.
 */
async function stateContainer(client: CosmosClient, settings: CosmosSettings): Promise<Container> {
  if ('connectionString' in settings) {
    const { database } = await client.databases.createIfNotExists({ id: settings.database });
    return (await database.containers.createIfNotExists(stateContainerDefinition(settings.container)))
      .container;
  }
  const container = client.database(settings.database).container(settings.container);
  try {
    await container.read();
  } catch (error) {
    throw new ConfigurationError(
      `Cosmos DB container ${settings.database}/${settings.container} cannot be read with the app's identity (COSMOS_ENDPOINT, COSMOS_DATABASE, COSMOS_CONTAINER; the identity needs the Cosmos DB Built-in Data Contributor role)`,
      { cause: error },
    );
  }
  return container;
}

/** Cosmos DB and Service Bus, each by the app's managed identity or, for development, a connection string. */
export async function azureAdapters(config: Config, identity: () => TokenCredential): Promise<AzureAdapters> {
  const settings = config.azure;
  if (!settings)
    throw new ConfigurationError('Azure adapters need COSMOS_* and ServiceBusConnection settings');
  const cosmos = cosmosClient(settings.cosmos, identity);
  let container: Container;
  try {
    container = await stateContainer(cosmos, settings.cosmos);
  } catch (error) {
    // A start that is retried must not leave a client (and its timers) behind per attempt.
    cosmos.dispose();
    throw error;
  }
  const bus =
    'connectionString' in settings.serviceBus
      ? new ServiceBusClient(settings.serviceBus.connectionString)
      : new ServiceBusClient(settings.serviceBus.namespace, identity());
  // Retry delays kept in session state run on real time, like every queue lock.
  const clock: Clock = new SystemClock();
  const queue = new ServiceBusQueue(bus, clock, { maxDeliveryCount: config.queue.maxDeliveryCount });
  return {
    kind: 'azure',
    store: new CosmosStore(container),
    queue,
    close: async () => {
      await queue.close();
      cosmos.dispose();
    },
  };
}
