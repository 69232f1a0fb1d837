import type { Container } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_DIRECTORY, CosmosRoster, rosterPartition } from '../../shared/adapters/cosmos-roster.js';
import { CosmosStore } from '../../shared/adapters/cosmos-store.js';
import type { AgentQuery } from '../../shared/ports.js';
import { anAgent } from '../support/builders.js';
import { startCosmosServer } from '../support/cosmos-server.js';

/*
 * Each agent lives alone in its partition; the rosters (one per queue, and the directory of every
 * agent) live apart from them, so no batch holds both. These prove what a crash between the writes
 * leaves, and that a reader repairs it, the agent being the truth.
 */
let cosmos: Awaited<ReturnType<typeof startCosmosServer>>;
beforeAll(async () => {
  cosmos = await startCosmosServer();
});
afterAll(async () => {
  await cosmos.close();
});

const isRoster = (pk: unknown) =>
  pk === AGENT_DIRECTORY || (typeof pk === 'string' && pk.startsWith('roster|'));

/**
 * A container whose writes of settled roster entries fail once `failSettling` is set: a crash
 * after the intents and the agent were written, before the rosters were settled.
 */
function crashing(container: Container) {
  const state = { failSettling: false };
  const fail = () => Promise.reject(new Error('process died'));
  const items = new Proxy(container.items, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'create') {
        return (body: { kind?: string; id?: string }, ...rest: unknown[]) =>
          state.failSettling && body.kind === 'roster' && !body.id?.includes('~')
            ? fail()
            : target.create(body, ...(rest as []));
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const proxy = new Proxy(container, {
    get(target, property, receiver) {
      if (property === 'items') return items;
      if (property === 'item') {
        return (id: string, pk: string) => {
          const item = target.item(id, pk);
          if (!isRoster(pk)) return item;
          return new Proxy(item, {
            get(inner, name, r) {
              const value = Reflect.get(inner, name, r) as unknown;
              if (state.failSettling && (name === 'patch' || name === 'delete')) return fail;
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

const entries = async (container: Container, pk: string) =>
  (
    await container.items
      .query<{ id: string; presence: string; version: number }>(
        {
          query: "SELECT * FROM c WHERE c.pk = @pk AND c.kind = 'roster' ORDER BY c.id",
          parameters: [{ name: '@pk', value: pk }],
        },
        { partitionKey: pk },
      )
      .fetchAll()
  ).resources;

const ids = async (store: CosmosStore, query: AgentQuery) =>
  (await store.listAgents(query)).map((a) => a.value.id);

/** _ts counts whole seconds: wait past one so an entry just written is older than staleAfterMs 0. */
const pastASecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('the rosters of the Cosmos DB store', () => {
  it('keeps each agent in a partition of their own, and an entry in the roster of each of their queues', async () => {
    const container = await cosmos.container();
    const store = new CosmosStore(container);
    await store.createAgent(anAgent({ queueIds: ['general', 'billing'] }));
    const { resource } = await container.item('alice', 'agent|alice').read<{ name: string }>();
    expect(resource?.name).toBe('Alice');
    for (const pk of [AGENT_DIRECTORY, rosterPartition('general'), rosterPartition('billing')]) {
      expect((await entries(container, pk)).map((e) => [e.id, e.presence])).toEqual([
        ['roster:alice', 'available'],
      ]);
    }
    expect(await entries(container, rosterPartition('sales'))).toEqual([]);
  });

  it('writes no roster when only the capacity in use changes (every assignment)', async () => {
    const container = await cosmos.container();
    const store = new CosmosStore(container);
    const alice = await store.createAgent(anAgent());
    const before = await entries(container, rosterPartition('general'));
    await store.replaceAgent(
      { ...alice.value, assignments: [{ conversationId: 'conv-1', since: '2026-11-23T09:00:00.000Z' }] },
      alice.etag,
    );
    expect(await entries(container, rosterPartition('general'))).toEqual(before);
    expect((await store.getAgent('alice'))?.value).not.toHaveProperty('rosterVersion');
  });

  it('finds an agent who became available in a new queue when the process died before the rosters were settled', async () => {
    const { container, state } = crashing(await cosmos.container());
    const store = new CosmosStore(container);
    const alice = await store.createAgent(anAgent({ presence: 'away' }));
    state.failSettling = true;
    await expect(
      store.replaceAgent(
        { ...alice.value, presence: 'available', queueIds: ['general', 'billing'] },
        alice.etag,
      ),
    ).rejects.toThrow('process died');
    state.failSettling = false;

    expect((await store.getAgent('alice'))?.value.presence).toBe('available');
    // The intents say so while the settled entries still say "away", or nothing.
    expect(await ids(store, { queueId: 'general', presence: 'available' })).toEqual(['alice']);
    expect(await ids(store, { queueId: 'billing', presence: 'available' })).toEqual(['alice']);
    expect(await ids(store, { queueId: 'general', presence: 'away' })).toEqual([]);
  });

  it('settles what a crash left once it is stale: the intents go, the entries tell the truth', async () => {
    const { container, state } = crashing(await cosmos.container());
    const store = new CosmosStore(container, { staleAfterMs: 0 });
    const alice = await store.createAgent(anAgent({ presence: 'away', queueIds: ['general', 'sales'] }));
    state.failSettling = true;
    await expect(
      store.replaceAgent(
        { ...alice.value, presence: 'available', queueIds: ['general', 'billing'] },
        alice.etag,
      ),
    ).rejects.toThrow('process died');
    state.failSettling = false;
    expect(await entries(container, rosterPartition('general'))).toHaveLength(2);
    await pastASecond();

    expect(await ids(store, { queueId: 'general' })).toEqual(['alice']);
    expect(await ids(store, { queueId: 'billing' })).toEqual(['alice']);
    // She left "sales": its entry says too much, and the reader removes it.
    expect(await ids(store, { queueId: 'sales' })).toEqual([]);
    for (const queueId of ['general', 'billing']) {
      expect((await entries(container, rosterPartition(queueId))).map((e) => [e.id, e.presence])).toEqual([
        ['roster:alice', 'available'],
      ]);
    }
    expect(await entries(container, rosterPartition('sales'))).toEqual([]);
  });

  it('removes the entries of an agent removed behind their back once stale, and keeps those of one still being created', async () => {
    const { container, state } = crashing(await cosmos.container());
    const store = new CosmosStore(container, { staleAfterMs: 0 });
    const alice = await store.createAgent(anAgent());
    state.failSettling = true;
    await expect(store.deleteAgent('alice', alice.etag)).rejects.toThrow('process died');
    state.failSettling = false;
    expect(await entries(container, rosterPartition('general'))).toHaveLength(1);
    await pastASecond();
    expect(await ids(store, { queueId: 'general' })).toEqual([]);
    expect(await entries(container, rosterPartition('general'))).toEqual([]);

    const young = new CosmosStore(container);
    await container.items.create({
      id: 'roster:bob~1',
      pk: rosterPartition('general'),
      kind: 'roster',
      agentId: 'bob',
      presence: 'available',
      version: 1,
    });
    expect(await ids(young, { queueId: 'general' })).toEqual([]);
    expect(await entries(container, rosterPartition('general'))).toHaveLength(1);
  });

  it('never sets an entry back to an earlier version (a slower writer settling late)', async () => {
    const container = await cosmos.container();
    const store = new CosmosStore(container);
    const alice = await store.createAgent(anAgent({ presence: 'away' }));
    await store.replaceAgent({ ...alice.value, presence: 'available' }, alice.etag);
    const [settled] = await entries(container, rosterPartition('general'));
    const roster = new CosmosRoster(container, 60_000);

    await roster.settle('alice', { ...alice.value, presence: 'away' }, (settled?.version ?? 0) - 1, [
      rosterPartition('general'),
    ]);
    await roster.settle('alice', undefined, (settled?.version ?? 0) - 1, [rosterPartition('general')]);
    expect((await entries(container, rosterPartition('general'))).map((e) => e.presence)).toEqual([
      'available',
    ]);
    expect(await ids(store, { queueId: 'general', presence: 'available' })).toEqual(['alice']);
  });
});
