import type { AddressInfo } from 'node:net';
import { CosmosClient, type Database } from '@azure/cosmos';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { afterAll, beforeAll } from 'vitest';
import { CosmosStore, stateContainerDefinition } from '../../shared/adapters/cosmos-store.js';
import { storeContract } from '../contracts/store.contract.js';
import { storeDataLifeContract } from '../contracts/store-data-life.contract.js';

/*
 * The store contract against Cosmos DB's REST API as @vercel/cosmosdb-server speaks it, through
 * the real @azure/cosmos SDK. It checks our use of the SDK and our document layout; the server is
 * not Cosmos DB (no TTL, no RU accounting), so it says nothing about throughput or cost.
 */
const server = createHttpServer();
let database: Database;
let n = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new CosmosClient({
    endpoint: `http://127.0.0.1:${port}`,
    key: Buffer.from('cosmosdb-server takes any key').toString('base64'),
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  database = (await client.databases.createIfNotExists({ id: 'sms' })).database;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

storeContract('Cosmos DB (real SDK, cosmosdb-server)', async () => {
  const { container } = await database.containers.createIfNotExists(stateContainerDefinition(`state-${n++}`));
  return new CosmosStore(container);
});

storeDataLifeContract('Cosmos DB (real SDK, cosmosdb-server)', async () => {
  const { container } = await database.containers.createIfNotExists(stateContainerDefinition(`state-${n++}`));
  return new CosmosStore(container);
});
