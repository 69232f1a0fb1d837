import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosmosStore } from '../../shared/adapters/cosmos-store.js';
import type { Principal } from '../../shared/domain/access.js';
import { notificationRequestSchema } from '../../shared/domain/notification.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { autoCloseIdle } from '../../shared/use-cases/auto-close.js';
import {
  listAgentConversations,
  listQueueConversations,
  replyToCustomer,
  setPresence,
} from '../../shared/use-cases/conversations.js';
import { deliverOutbound } from '../../shared/use-cases/deliver.js';
import { applyDeliveryReport } from '../../shared/use-cases/delivery-report.js';
import { dayFigures } from '../../shared/use-cases/figures.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { sendNotification } from '../../shared/use-cases/notify.js';
import { assignAtOpening } from '../../shared/use-cases/openings.js';
import {
  listAgentWork,
  listOngoing,
  listQueueViews,
  openConversationView,
} from '../../shared/use-cases/workspace.js';
import { type ContainerOperation, countingContainer } from '../../stand-ins/counting-store.js';
import { coreHarness } from '../support/core.js';
import { startCosmosServer } from '../support/cosmos-server.js';

/*
 * Every recurring path, run through the use cases against the Cosmos DB store, with each request
 * to the container recorded: a query that names no partition key fans out over every partition,
 * and its cost grows with the container. Only what a person starts may do that.
 */
let cosmos: Awaited<ReturnType<typeof startCosmosServer>>;
beforeAll(async () => {
  cosmos = await startCosmosServer();
});
afterAll(async () => {
  await cosmos.close();
});

const supervisor: Principal = {
  kind: 'user',
  userId: 'sue',
  name: 'Sue',
  roles: ['supervisor'],
  agentId: null,
};

describe('the partitions each path of the Cosmos DB store touches', () => {
  it('runs every recurring path on queries that name their partition', async () => {
    const counted = countingContainer(await cosmos.container());
    const store = new CosmosStore(counted.container);
    const h = coreHarness(store);
    const alice: Principal = {
      kind: 'user',
      userId: 'alice',
      name: 'Alice',
      roles: ['agent'],
      agentId: 'alice',
    };
    const paths = new Map<string, ContainerOperation[]>();
    const run = async <T>(path: string, flow: () => Promise<T>) => {
      counted.reset();
      const result = await flow();
      paths.set(path, [...counted.operations]);
      return result;
    };

    await h.addAgent();
    const opened = await run('inbound, new conversation', () => receiveInbound(h.deps, h.sms()));
    if (opened.status !== 'stored') throw new Error('not stored');
    await run('inbound, under way', () => receiveInbound(h.deps, h.sms({ text: 'more' })));
    await setPresence(h.deps, 'alice', 'available');
    await run('assignment', () => assignQueue(h.deps, 'general'));
    const reply = await run('reply', () =>
      replyToCustomer(h.deps, { conversationId: opened.conversationId, agentId: 'alice', text: 'Hi' }),
    );
    const sent = await run('delivery', () =>
      deliverOutbound(h.deps, reply, { deliveryCount: 1, maxDeliveryCount: 10 }),
    );
    if (sent.status !== 'sent') throw new Error('not sent');
    await run('delivery report', () =>
      applyDeliveryReport(h.deps, {
        provider: 'local',
        providerMessageId: sent.providerMessageId,
        conversationId: opened.conversationId,
        messageId: reply.id,
        status: 'delivered',
        reason: null,
        recipientOptedOut: false,
        reportedAt: h.clock.now().toISOString(),
      }),
    );
    await run('notification', () =>
      sendNotification(
        h.deps,
        notificationRequestSchema.parse({ channelId: 'support', to: ['+14255550124'], text: 'Shipped' }),
      ),
    );
    await run("an agent's list", () => listAgentConversations(h.deps, 'alice'));
    await run("an agent's work with summaries", () => listAgentWork(h.deps, alice, 'alice'));
    await run("a queue's line", () => listQueueConversations(h.deps, 'general'));
    await run('the queues with their lines', () => listQueueViews(h.deps, supervisor));
    await run("the supervisor's floor", () => listOngoing(h.deps, supervisor, {}));
    await run("an agent's floor", () => listOngoing(h.deps, alice, {}));
    await run('a conversation with its customer history', () =>
      openConversationView(h.deps, alice, opened.conversationId),
    );
    await run('the opening timer', () => assignAtOpening(h.deps));
    h.clock.advance(2 * 24 * 60 * 60_000);
    const closed = await run('auto-close', () => autoCloseIdle(h.deps));
    expect(closed.closed).toContain(opened.conversationId);

    const fanOuts = [...paths].flatMap(([path, operations]) =>
      operations.filter((o) => o.partitionKey === undefined).map((o) => `${path}: ${o.method}`),
    );
    expect(fanOuts).toEqual([]);
    expect([...paths.values()].flat().filter((o) => o.kind === 'query').length).toBeGreaterThan(10);
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
