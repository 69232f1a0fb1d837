import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Container, CosmosClient } from '@azure/cosmos';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/adapters/clocks.js';
import {
  CosmosStore,
  OUTBOX_PARTITION,
  stateContainerDefinition,
} from '../../shared/adapters/cosmos-store.js';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteStore } from '../../shared/adapters/sqlite-store.js';
import { WebhookEvents } from '../../shared/adapters/webhook-events.js';
import { transition } from '../../shared/domain/conversation.js';
import { createLogger } from '../../shared/logger.js';
import type { Store } from '../../shared/ports.js';
import { publishPendingEvents } from '../../shared/use-cases/publish-events.js';
import { closeServer, listenOnLoopback, readBody } from '../../stand-ins/http.js';
import { aConversation, aMessage } from '../support/builders.js';
import { RecordingPublisher } from '../support/recording-publisher.js';

/*
 * Never lost, never invented, across a crash: each "process" is a store opened afresh on the same
 * SQLite file or Cosmos DB container, and dies by simply never running its next step.
 */
const logger = createLogger(() => {}, 'error');

/** A process that dies after publishing, before it forgets what it published. */
function diesBeforeForgetting(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'removeEvents') return async () => Promise.reject(new Error('process died'));
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function crashSuite(name: string, open: () => Promise<() => Store>) {
  describe(`an outbox that survives a crash: ${name}`, () => {
    it('publishes a change written before a crash once, later, and a repeat after a second crash with the same id', async () => {
      const reopen = await open();
      // Process 1 writes the conversation, its first message and its assignment, then dies before publishing.
      const first = reopen();
      const created = await first.createConversationWithMessage(aConversation({ lastSeq: 1 }), aMessage());
      const stored = await first.getConversation('conv-1');
      await first.replaceConversation(
        transition(
          stored?.value ?? aConversation(),
          { type: 'assign', agentId: 'alice' },
          { kind: 'system' },
          '2026-11-23T09:01:00.000Z',
        ),
        created.etag,
      );

      // Process 2 publishes, then dies before it can forget what it published.
      const subscriber = new RecordingPublisher();
      await expect(
        publishPendingEvents({ store: diesBeforeForgetting(reopen()), publisher: subscriber, logger }),
      ).rejects.toThrow('process died');
      const ids = subscriber.received.map((event) => event.id);
      expect(subscriber.received.map((event) => event.type)).toEqual([
        'conversation.opened',
        'conversation.queued',
        'message.received',
        'conversation.assigned',
      ]);

      // Process 3 publishes the same events again, with the same ids; then the outbox is empty.
      expect(await publishPendingEvents({ store: reopen(), publisher: subscriber, logger })).toEqual({
        published: 4,
      });
      expect(subscriber.received.slice(4).map((event) => event.id)).toEqual(ids);
      expect(subscriber.distinct()).toHaveLength(4);
      expect(await publishPendingEvents({ store: reopen(), publisher: subscriber, logger })).toEqual({
        published: 0,
      });
      expect(subscriber.received).toHaveLength(8);
    });

    it('keeps the events when the publish fails, and publishes them on the next run', async () => {
      const reopen = await open();
      await reopen().createConversation(aConversation());
      const subscriber = new RecordingPublisher();
      subscriber.failNext = new Error('topic unavailable');
      await expect(publishPendingEvents({ store: reopen(), publisher: subscriber, logger })).rejects.toThrow(
        'topic unavailable',
      );
      expect(await publishPendingEvents({ store: reopen(), publisher: subscriber, logger })).toEqual({
        published: 2,
      });
      expect(subscriber.received.map((event) => event.type)).toEqual([
        'conversation.opened',
        'conversation.queued',
      ]);
    });

    it('a webhook subscriber gets each event once though a crash made the publisher send them twice', async () => {
      const reopen = await open();
      await reopen().createConversationWithMessage(aConversation({ lastSeq: 1 }), aMessage());
      const received: string[] = [];
      const server = createServer((req, res) => {
        void readBody(req).then((body) => {
          received.push((JSON.parse(body) as { id: string }).id);
          res.writeHead(204);
          res.end();
        });
      });
      const url = await listenOnLoopback(server);
      try {
        const webhooks = new WebhookEvents(openSqlite(':memory:'), {
          source: 'urn:test',
          clock: new ManualClock(),
          textOf: async () => undefined,
        });
        await webhooks.put('flow', {
          url,
          types: [],
          secret: 'a-secret-of-24-characters',
          includeText: false,
        });
        await expect(
          publishPendingEvents({ store: diesBeforeForgetting(reopen()), publisher: webhooks, logger }),
        ).rejects.toThrow('process died');
        expect(await publishPendingEvents({ store: reopen(), publisher: webhooks, logger })).toEqual({
          published: 3,
        });
        expect(received).toEqual([
          'conv-1:0:conversation.opened',
          'conv-1:0:conversation.queued',
          'conv-1:local:m1:message.received',
        ]);
        expect((await webhooks.deliveries('flow', 10)).map((d) => d.status)).toEqual([
          'delivered',
          'delivered',
          'delivered',
        ]);
      } finally {
        await closeServer(server);
      }
    });

    it('adds the channel, queue and agent to a message event from its conversation', async () => {
      const reopen = await open();
      await reopen().createConversationWithMessage(
        aConversation({ lastSeq: 1, agentId: 'alice' }),
        aMessage(),
      );
      const subscriber = new RecordingPublisher();
      await publishPendingEvents({ store: reopen(), publisher: subscriber, logger });
      expect(subscriber.received.find((event) => event.type === 'message.received')?.data).toMatchObject({
        conversationId: 'conv-1',
        channelId: 'support',
        queueId: 'general',
        agentId: 'alice',
        messageId: 'local:m1',
      });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'sms-outbox-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

crashSuite('SQLite', async () => {
  const file = join(dir, `outbox-${files++}.db`);
  return () => new SqliteStore(openSqlite(file));
});

const server = createHttpServer();
let client: CosmosClient;
let containers = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new CosmosClient({
    endpoint: `http://127.0.0.1:${port}`,
    key: Buffer.from('cosmosdb-server takes any key').toString('base64'),
    connectionPolicy: { enableEndpointDiscovery: false },
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

crashSuite('Cosmos DB (real SDK, cosmosdb-server)', async () => {
  const { database } = await client.databases.createIfNotExists({ id: 'sms' });
  const { container } = await database.containers.createIfNotExists(
    stateContainerDefinition(`outbox-${containers++}`),
  );
  // Each process gets its own client on the same container, as a restarted instance would.
  const endpoint = client.getReadEndpoint();
  const url = await endpoint;
  return () => {
    const fresh = new CosmosClient({
      endpoint: url,
      key: Buffer.from('cosmosdb-server takes any key').toString('base64'),
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const same: Container = fresh.database('sms').container(container.id);
    return new CosmosStore(same);
  };
});

/** A container whose transactional batches never arrive: the process dies just before each. */
function diesBeforeTheBatch(container: Container): Container {
  const items = new Proxy(container.items, {
    get(target, property, receiver) {
      if (property === 'batch') return async () => Promise.reject(new Error('process died'));
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return new Proxy(container, {
    get(target, property, receiver) {
      if (property === 'items') return items;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('the Cosmos DB outbox partition', () => {
  const fresh = async () => {
    const { database } = await client.databases.createIfNotExists({ id: 'sms' });
    const { container } = await database.containers.createIfNotExists(
      stateContainerDefinition(`outbox-${containers++}`),
    );
    return container;
  };
  const pointers = async (container: Container) =>
    (
      await container.items
        .query<{ id: string }>("SELECT c.id FROM c WHERE c.kind = 'outbox'", {
          partitionKey: OUTBOX_PARTITION,
        })
        .fetchAll()
    ).resources;

  it('publishes nothing for a write that died after its pointer and before its batch, and drops the pointer once stale', async () => {
    const container = await fresh();
    await expect(
      new CosmosStore(diesBeforeTheBatch(container)).createConversationWithMessage(
        aConversation({ lastSeq: 1 }),
        aMessage(),
      ),
    ).rejects.toThrow('process died');
    expect(await pointers(container)).toHaveLength(1);

    const subscriber = new RecordingPublisher();
    // While the write may still be under way, the pointer is kept.
    await publishPendingEvents({ store: new CosmosStore(container), publisher: subscriber, logger });
    expect(await pointers(container)).toHaveLength(1);
    await publishPendingEvents({
      store: new CosmosStore(container, { staleAfterMs: -1 }),
      publisher: subscriber,
      logger,
    });
    expect(subscriber.received).toEqual([]);
    expect(await pointers(container)).toEqual([]);
    expect(await new CosmosStore(container).getConversation('conv-1')).toBeUndefined();
  });

  it("drops the pointer of a write the service refused, keeps the winner's, and empties once published", async () => {
    const container = await fresh();
    const store = new CosmosStore(container);
    await store.createConversation(aConversation());
    // A second create makes the same event ids; its batch is refused (409) after its pointer was written.
    await expect(store.createConversation(aConversation({ agentId: 'bob' }))).rejects.toThrow(
      'already exists',
    );
    expect(await pointers(container)).toHaveLength(1);
    const subscriber = new RecordingPublisher();
    await publishPendingEvents({ store, publisher: subscriber, logger });
    expect(subscriber.received.map((event) => [event.type, event.data.agentId])).toEqual([
      ['conversation.opened', null],
      ['conversation.queued', null],
    ]);
    expect(await pointers(container)).toEqual([]);
  });

  it("publishes a pointer's events a page at a time, forgetting the pointer with its last event", async () => {
    const container = await fresh();
    const store = new CosmosStore(container);
    await store.createConversationWithMessage(aConversation({ lastSeq: 1 }), aMessage());
    const subscriber = new RecordingPublisher();
    expect(await publishPendingEvents({ store, publisher: subscriber, logger }, { batchSize: 2 })).toEqual({
      published: 3,
    });
    expect(subscriber.received.map((event) => event.type)).toEqual([
      'conversation.opened',
      'conversation.queued',
      'message.received',
    ]);
    expect(await pointers(container)).toEqual([]);
  });
});
