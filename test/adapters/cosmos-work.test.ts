import type { Container } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosmosStore, WORK_PARTITION } from '../../shared/adapters/cosmos-store.js';
import { transition } from '../../shared/domain/conversation.js';
import { aConversation } from '../support/builders.js';
import { startCosmosServer } from '../support/cosmos-server.js';

/*
 * The work partition (one entry per unclosed conversation) lives apart from the conversations, so
 * no batch holds both. These prove what a crash between the two writes leaves, and that a reader
 * repairs it, the conversation being the truth.
 */
let cosmos: Awaited<ReturnType<typeof startCosmosServer>>;
beforeAll(async () => {
  cosmos = await startCosmosServer();
});
afterAll(async () => {
  await cosmos.close();
});

/** A container whose writes to the work partition fail once `failWork` is set: a crash there. */
function crashing(container: Container) {
  const state = { failWork: false };
  const fail = () => Promise.reject(new Error('process died'));
  const proxy = new Proxy(container, {
    get(target, property, receiver) {
      if (property === 'item') {
        return (id: string, pk: string) => {
          const item = target.item(id, pk);
          if (pk !== WORK_PARTITION) return item;
          return new Proxy(item, {
            get(inner, name, r) {
              const value = Reflect.get(inner, name, r) as unknown;
              if (state.failWork && (name === 'patch' || name === 'delete')) return fail;
              return typeof value === 'function' ? value.bind(inner) : value;
            },
          });
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { container: proxy, state };
}

const workEntries = async (container: Container) =>
  (
    await container.items
      .query<{ id: string; state: string; queueId: string; lastActivityAt: string }>(
        {
          query: "SELECT * FROM c WHERE c.pk = @pk AND c.kind = 'work'",
          parameters: [{ name: '@pk', value: WORK_PARTITION }],
        },
        { partitionKey: WORK_PARTITION },
      )
      .fetchAll()
  ).resources;

const ids = async (store: CosmosStore, query: Parameters<CosmosStore['findConversations']>[0]) =>
  (await store.findConversations(query)).map((c) => c.value.id);

describe('the work partition of the Cosmos DB store', () => {
  it('finds a transferred conversation in its new queue when the process died before the entry was settled', async () => {
    const { container, state } = crashing(await cosmos.container());
    const store = new CosmosStore(container);
    const created = await store.createConversation(aConversation());
    const moved = transition(
      created.value,
      { type: 'transfer-to-queue', queueId: 'billing' },
      { kind: 'system' },
      '2026-11-23T09:05:00.000Z',
    );
    state.failWork = true;
    await expect(store.replaceConversation(moved, created.etag)).rejects.toThrow('process died');
    state.failWork = false;

    expect((await store.getConversation('conv-1'))?.value.queueId).toBe('billing');
    expect(await ids(store, { queueId: 'billing', states: ['open'] })).toEqual(['conv-1']);
    // The old entry still says "general"; the conversation says otherwise, so it is not returned.
    expect(await ids(store, { queueId: 'general', states: ['open'] })).toEqual([]);
  });

  it('settles what a crash left once it is stale: the intent goes, the entry tells the truth', async () => {
    const { container, state } = crashing(await cosmos.container());
    const store = new CosmosStore(container, { staleAfterMs: 0 });
    const created = await store.createConversation(aConversation());
    const taken = transition(
      created.value,
      { type: 'assign', agentId: 'alice' },
      { kind: 'system' },
      '2026-11-23T09:05:00.000Z',
    );
    state.failWork = true;
    await expect(store.replaceConversation(taken, created.etag)).rejects.toThrow('process died');
    state.failWork = false;
    expect(await workEntries(container)).toHaveLength(2);

    await new Promise((resolve) => setTimeout(resolve, 1100)); // _ts counts whole seconds
    expect(await ids(store, { agentId: 'alice' })).toEqual(['conv-1']);
    const left = await workEntries(container);
    expect(left.map((e) => [e.id, e.state])).toEqual([['work:conv-1', 'active']]);
  });

  it('removes the entry of a conversation closed behind its back, and of one that never came once stale', async () => {
    const { container, state } = crashing(await cosmos.container());
    const store = new CosmosStore(container, { staleAfterMs: 0 });
    const created = await store.createConversation(aConversation());
    const closed = transition(
      created.value,
      { type: 'close', reason: 'test' },
      { kind: 'system' },
      '2026-11-23T09:05:00.000Z',
    );
    state.failWork = true;
    await expect(store.replaceConversation(closed, created.etag)).rejects.toThrow('process died');
    state.failWork = false;
    await container.items.create({
      id: 'work:ghost',
      pk: WORK_PARTITION,
      kind: 'work',
      conversationId: 'ghost',
      channelId: 'support',
      queueId: 'general',
      agentId: null,
      state: 'open',
      createdAt: '2026-11-23T08:00:00.000Z',
      lastActivityAt: '2026-11-23T08:00:00.000Z',
      version: 1,
    });
    expect(await workEntries(container)).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 1100));

    expect(await ids(store, {})).toEqual([]);
    expect(await workEntries(container)).toEqual([]);
  });

  it('keeps the entry of a conversation still being created (young, no conversation yet)', async () => {
    const container = await cosmos.container();
    const store = new CosmosStore(container);
    await container.items.create({
      id: 'work:coming',
      pk: WORK_PARTITION,
      kind: 'work',
      conversationId: 'coming',
      channelId: 'support',
      queueId: 'general',
      agentId: null,
      state: 'open',
      createdAt: '2026-11-23T08:00:00.000Z',
      lastActivityAt: '2026-11-23T08:00:00.000Z',
      version: 1,
    });
    expect(await ids(store, {})).toEqual([]);
    expect(await workEntries(container)).toHaveLength(1);
  });

  it("brings an entry up to its conversation's last activity when it looked idle, so the timer reads it once", async () => {
    const container = await cosmos.container();
    const store = new CosmosStore(container);
    await store.createConversation(aConversation());
    await store.takeNextSeq('conv-1', '2026-11-23T10:00:00.000Z');
    const idleBefore = '2026-11-23T09:30:00.000Z';
    expect((await workEntries(container))[0]?.lastActivityAt).toBe('2026-11-23T09:00:00.000Z');
    expect(await ids(store, { idleBefore })).toEqual([]);
    expect((await workEntries(container))[0]?.lastActivityAt).toBe('2026-11-23T10:00:00.000Z');
  });

  it('writes nothing to the work partition for a change that leaves state, queue and agent as they are', async () => {
    const container = await cosmos.container();
    const store = new CosmosStore(container);
    const created = await store.createConversation(aConversation());
    const before = await workEntries(container);
    await store.replaceConversation({ ...created.value, toldPosition: 3 }, created.etag);
    expect(await workEntries(container)).toEqual(before);
  });
});
