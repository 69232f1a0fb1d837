import type { AddressInfo } from 'node:net';
import { CosmosClient, type Database } from '@azure/cosmos';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { stateContainerDefinition } from '../shared/adapters/cosmos-store.js';

/**
 * @vercel/cosmosdb-server on a free port, with the real SDK's client on it (HTTP, no endpoint
 * discovery: see DESIGN.md's caveats). Each call to `container()` gives a fresh, empty container.
 */
export async function startCosmosServer() {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new CosmosClient({
    endpoint: `http://127.0.0.1:${port}`,
    key: Buffer.from('cosmosdb-server takes any key').toString('base64'),
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const database: Database = (await client.databases.createIfNotExists({ id: 'sms' })).database;
  let n = 0;
  return {
    database,
    container: async () =>
      (await database.containers.createIfNotExists(stateContainerDefinition(`state-${n++}`))).container,
    close: async () => {
      client.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
