import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf, differences, type FlowRun, keep, runFlows } from '../../bench/cosmos-flows.js';
import { CosmosStore, OUTBOX_PARTITION } from '../../shared/adapters/cosmos-store.js';
import type { Principal } from '../../shared/domain/access.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { setPresence } from '../../shared/use-cases/conversations.js';
import { dayFigures } from '../../shared/use-cases/figures.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { publishPendingEvents } from '../../shared/use-cases/publish-events.js';
import { listAgentViews, listOngoing } from '../../shared/use-cases/workspace.js';
import { type ContainerOperation, countingContainer } from '../../stand-ins/counting-store.js';
import { coreHarness } from '../support/core.js';
import { startCosmosServer } from '../support/cosmos-server.js';
import { withAlertsPool } from '../support/pool.js';
import { RecordingPublisher } from '../support/recording-publisher.js';

/*
 * Every recurring path, run through the use cases against the Cosmos DB store, with each request
 * to the container recorded: a query that names no partition key fans out over every partition,
 * and its cost grows with the container. Only what a person starts may do that. The paths are the
 * ones `npm run bench` prices (bench/cosmos-flows.ts).
 */
let cosmos: Awaited<ReturnType<typeof startCosmosServer>>;
beforeAll(async () => {
  cosmos = await startCosmosServer();
});
afterAll(async () => {
  await cosmos.close();
});

const alice: Principal = {
  kind: 'user',
  userId: 'alice',
  name: 'Alice',
  roles: ['agent'],
  agentId: 'alice',
};

/** A Cosmos DB store on a fresh container, counted, with the flows' agent alice in `general`. */
async function world(kept?: Parameters<typeof keep>[2]) {
  const counted = countingContainer(await cosmos.container());
  const h = coreHarness(new CosmosStore(counted.container));
  // The flows' `alerts` channel sends from a pool of two numbers.
  h.deps.directory = withAlertsPool(h.deps.directory, ['+14255550101', '+14255550102']);
  await h.addAgent({ presence: 'offline' });
  if (kept) await keep(h.store, h.clock.now(), kept);
  return {
    h,
    counted,
    flows: { deps: h.deps, clock: h.clock, sms: (from: string, text: string) => h.sms({ from, text }) },
  };
}

const keysOf = (operations: ContainerOperation[]) => [
  ...new Set(operations.map((o) => o.partitionKey ?? '(every partition)')),
];

describe('the partitions each path of the Cosmos DB store touches', () => {
  it('runs every recurring path on queries that name their partition', async () => {
    const { counted, flows } = await world();
    const runs = await runFlows(flows, counted);

    const fanOuts = runs.flatMap(({ flow, operations }) =>
      operations.filter((o) => o.partitionKey === undefined).map((o) => `${flow}: ${o.method}`),
    );
    expect(fanOuts).toEqual([]);
    expect(runs.flatMap((r) => r.operations).filter((o) => o.kind === 'query').length).toBeGreaterThan(10);
  });

  it('assigns from the queue’s roster and the agents’ own partitions, never the directory of every agent', async () => {
    const { h, counted } = await world({ closedConversations: 0, otherAgents: 4 });
    await h.addAgent({ id: 'bob', presence: 'offline' });
    await receiveInbound(h.deps, h.sms());
    await setPresence(h.deps, 'alice', 'available');
    counted.reset();

    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: expect.any(String), agentId: 'alice' },
    ]);
    const agentReads = keysOf(counted.operations).filter(
      (pk) => pk === 'agents' || pk.startsWith('roster|') || pk.startsWith('agent|'),
    );
    // Bob is offline: the roster's query (available only) does not even return him.
    expect(agentReads.sort()).toEqual(['agent|alice', 'roster|general']);
    expect(counted.operations.filter((o) => o.kind === 'query').map((o) => o.partitionKey)).toEqual([
      'roster|general',
      'work',
    ]);
  });

  it('shows an agent their team from their queues’ rosters, and the floor from the work partition', async () => {
    const { h, counted } = await world({ closedConversations: 0, otherAgents: 4 });
    await h.addAgent({ id: 'bob', queueIds: ['general', 'billing'] });
    await receiveInbound(h.deps, h.sms());
    counted.reset();

    expect((await listAgentViews(h.deps, alice)).map((a) => a.id)).toEqual(['alice', 'bob']);
    expect(keysOf(counted.operations).sort()).toEqual(['agent|alice', 'agent|bob', 'roster|general']);

    counted.reset();
    const [conversation] = await listOngoing(h.deps, alice, {});
    // The agent's own record, the work partition, and the conversation's own (its last messages).
    expect(keysOf(counted.operations).sort()).toEqual(['agent|alice', conversation?.id, 'work'].sort());
  });

  it('costs the same whatever is kept: 25 or 60 closed conversations, 10 or 200 agents in other queues (counted, not timed)', async () => {
    const small = await world({ closedConversations: 25, otherAgents: 10 });
    const smallRuns = await runFlows(small.flows, small.counted);
    const large = await world({ closedConversations: 60, otherAgents: 200 });
    const largeRuns = await runFlows(large.flows, large.counted);

    expect(differences(smallRuns, largeRuns)).toEqual([]);
    // Not an empty comparison: every flow ran in both, the assignment among them.
    const flowsOf = (runs: FlowRun[]) => runs.map((r) => r.flow);
    expect(flowsOf(largeRuns)).toEqual(flowsOf(smallRuns));
    const assignment = largeRuns.find((r) => r.flow.startsWith('assignment run'));
    expect(assignment && costOf(assignment).partitions).toContain('roster|general');
  }, 120_000);

  it('publishes the events from the outbox partition, in the order of the changes', async () => {
    const { h, counted, flows } = await world();
    const runs = await runFlows(flows, counted);
    const publisherRun = runs.find((r) => r.flow.startsWith('events publisher run'));
    expect(publisherRun?.operations.filter((o) => o.kind === 'query').map((o) => o.partitionKey)).toEqual([
      OUTBOX_PARTITION,
    ]);

    await receiveInbound(h.deps, h.sms({ text: 'Back again' }));
    await receiveInbound(h.deps, h.sms({ text: 'and again' }));
    counted.reset();
    const subscriber = new RecordingPublisher();
    await publishPendingEvents({ store: h.store, publisher: subscriber, logger: h.deps.logger });
    expect(subscriber.received.map((e) => e.type)).toEqual([
      'conversation.opened',
      'conversation.queued',
      'message.received',
      'message.received',
    ]);
    expect(counted.operations.filter((o) => o.kind === 'query').map((o) => o.partitionKey)).toEqual([
      OUTBOX_PARTITION,
    ]);
  });

  it('sees the fan-out of a report a person starts (the figures of a day), paged', async () => {
    const counted = countingContainer(await cosmos.container());
    const h = coreHarness(new CosmosStore(counted.container));
    await receiveInbound(h.deps, h.sms());
    counted.reset();
    await dayFigures(h.deps, '2026-11-23');
    const queries = counted.operations.filter((o) => o.kind === 'query');
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((o) => o.partitionKey === undefined && o.method === 'query.fetchNext')).toBe(true);
  });
});
