/**
 * The recurring paths of the app, run through the use cases against the Cosmos DB store with every
 * request to the container counted (stand-ins/counting-store.ts). `npm run bench` prints what they
 * cost (docs/cosmos.md) and test/adapters/cosmos-partitions.test.ts holds them to one partition
 * per query: both run this one list, so the table printed is the one the test checks.
 */
import type { ManualClock } from '../shared/adapters/clocks.js';
import type { Principal } from '../shared/domain/access.js';
import type { Agent } from '../shared/domain/agent.js';
import { openConversation, transition } from '../shared/domain/conversation.js';
import type { InboundSms } from '../shared/domain/inbound-sms.js';
import { notificationRequestSchema } from '../shared/domain/notification.js';
import type { PhoneNumber, SenderNumber } from '../shared/domain/phone.js';
import type { EventPublisher, Store } from '../shared/ports.js';
import { assignQueue } from '../shared/use-cases/assign.js';
import { autoCloseIdle } from '../shared/use-cases/auto-close.js';
import {
  listAgentConversations,
  listQueueConversations,
  replyToCustomer,
  setPresence,
} from '../shared/use-cases/conversations.js';
import { deliverOutbound } from '../shared/use-cases/deliver.js';
import { applyDeliveryReport } from '../shared/use-cases/delivery-report.js';
import type { CoreDeps } from '../shared/use-cases/deps.js';
import { receiveInbound } from '../shared/use-cases/inbound.js';
import { sendNotification } from '../shared/use-cases/notify.js';
import { assignAtOpening } from '../shared/use-cases/openings.js';
import { publishPendingEvents } from '../shared/use-cases/publish-events.js';
import {
  listAgentViews,
  listAgentWork,
  listOngoing,
  listQueueViews,
  openConversationView,
} from '../shared/use-cases/workspace.js';
import { type ContainerOperation, estimateRu } from '../stand-ins/counting-store.js';

/**
 * What the flows need: use cases on a Cosmos DB store, a channel `support` (number +14255550100,
 * no opening hours) feeding queue `general`, a queue `billing`, agent `alice` of `general`, and an
 * outbound-only channel `alerts` sending from a pool of two numbers.
 */
export interface FlowWorld {
  deps: CoreDeps;
  clock: ManualClock;
  /** A customer's text to the support channel. */
  sms(from: string, text: string): InboundSms;
}

export interface CountedContainer {
  operations: ContainerOperation[];
  reset(): void;
}

export interface FlowRun {
  flow: string;
  operations: ContainerOperation[];
}

export const FLOW_CUSTOMER = '+14255550123';
const OTHER_QUEUE = 'billing';

const alice: Principal = {
  kind: 'user',
  userId: 'alice',
  name: 'Alice',
  roles: ['agent'],
  agentId: 'alice',
};
const supervisor: Principal = {
  kind: 'user',
  userId: 'sue',
  name: 'Sue',
  roles: ['supervisor'],
  agentId: null,
};

/**
 * Runs every recurring path once, in the order a conversation lives them, and returns the requests
 * each made. The one customer's conversation opens, is assigned to alice, answered, delivered and
 * finally closed by the auto-close timer; the workspace reads run while it is under way.
 */
export async function runFlows(world: FlowWorld, counted: CountedContainer): Promise<FlowRun[]> {
  const { deps, clock } = world;
  const runs: FlowRun[] = [];
  const run = async <T>(flow: string, body: () => Promise<T>) => {
    counted.reset();
    const result = await body();
    runs.push({ flow, operations: [...counted.operations] });
    return result;
  };

  const opened = await run('customer message, new conversation', () =>
    receiveInbound(deps, world.sms(FLOW_CUSTOMER, 'Hello, I need help')),
  );
  if (opened.status !== 'stored') throw new Error(`the first message was ${opened.status}`);
  await run('customer message, conversation under way', () =>
    receiveInbound(deps, world.sms(FLOW_CUSTOMER, 'It is about my order')),
  );
  await setPresence(deps, 'alice', 'available');
  const assigned = await run('assignment run (one waiting, one agent)', () => assignQueue(deps, 'general'));
  if (assigned.assigned.length !== 1) throw new Error('the assignment run gave nothing to alice');
  const reply = await run('agent reply accepted', () =>
    replyToCustomer(deps, {
      conversationId: opened.conversationId,
      agentId: 'alice',
      text: 'Hi, Alice here.',
    }),
  );
  const sent = await run('reply sent to the provider', () =>
    deliverOutbound(deps, reply, { deliveryCount: 1, maxDeliveryCount: 10 }),
  );
  if (sent.status !== 'sent') throw new Error(`the reply was ${sent.status}`);
  await run('delivery report applied', () =>
    applyDeliveryReport(deps, {
      provider: 'local',
      providerMessageId: sent.providerMessageId,
      conversationId: opened.conversationId,
      messageId: reply.id,
      status: 'delivered',
      reason: null,
      recipientOptedOut: false,
      reportedAt: clock.now().toISOString(),
    }),
  );
  await run('notification, one recipient', () =>
    sendNotification(
      deps,
      notificationRequestSchema.parse({
        channelId: 'support',
        to: ['+14255550124'],
        text: 'Your parcel ships today',
      }),
    ),
  );
  const pooled = (text: string) =>
    sendNotification(
      deps,
      notificationRequestSchema.parse({ channelId: 'alerts', to: [FLOW_CUSTOMER], text }),
    );
  await run('notification over a pool, one recipient new to it (their sender remembered)', () =>
    pooled('Your parcel ships today'),
  );
  await run('notification over a pool, one recipient heard from before', () => pooled('It has shipped'));
  await run('opening timer (no channel with hours)', () => assignAtOpening(deps));
  await run("**workspace:** an agent's list", () => listAgentConversations(deps, 'alice'));
  await run("**workspace:** an agent's work with summaries", () => listAgentWork(deps, alice, 'alice'));
  await run("**workspace:** an agent's team (their queues' members)", () => listAgentViews(deps, alice));
  await run("**workspace:** a queue's line (empty)", () => listQueueConversations(deps, 'general'));
  await run('**workspace:** the queues with their lines', () => listQueueViews(deps, supervisor));
  await run("**workspace:** the supervisor's floor (one conversation)", () =>
    listOngoing(deps, supervisor, {}),
  );
  await run("**workspace:** an agent's floor", () => listOngoing(deps, alice, {}));
  await run('**workspace:** a conversation with its customer history', () =>
    openConversationView(deps, alice, opened.conversationId),
  );
  clock.advance(2 * 24 * 60 * 60_000);
  const closed = await run('auto-close run (one idle conversation)', () => autoCloseIdle(deps));
  if (!closed.closed.includes(opened.conversationId)) throw new Error('auto-close left it open');
  // The publisher's side only: what the events of all the flows above cost to read and forget.
  const nowhere: EventPublisher = { publish: async () => {}, retryDue: async () => {} };
  await run('events publisher run (the events of the flows above)', () =>
    publishPendingEvents({ store: deps.store, publisher: nowhere, logger: deps.logger }),
  );
  return runs;
}

/**
 * What a large center keeps besides the work under way: closed conversations (all of the flows'
 * customer, the worst case for their history) and agents of another queue, half of them available.
 * None of the recurring paths may read more because of them.
 */
export async function keep(
  store: Store,
  at: Date,
  kept: { closedConversations: number; otherAgents: number },
): Promise<void> {
  const then = new Date(at.getTime() - 30 * 24 * 60 * 60_000).toISOString();
  for (let i = 0; i < kept.closedConversations; i += 1) {
    const open = openConversation({
      id: `kept-${i}`,
      channelId: 'support',
      channelNumber: '+14255550100' as SenderNumber,
      customer: FLOW_CUSTOMER as PhoneNumber,
      queueId: 'general',
      at: then,
    });
    await store.createConversation(
      transition(open, { type: 'close', reason: 'kept' }, { kind: 'system' }, then),
    );
  }
  for (let i = 0; i < kept.otherAgents; i += 1) {
    const agent: Agent = {
      id: `other-${i}`,
      name: `Other ${i}`,
      capacity: 3,
      queueIds: [OTHER_QUEUE],
      presence: i % 2 === 0 ? 'available' : 'offline',
      assignments: [],
    };
    await store.createAgent(agent);
  }
  // Kept long ago, so their events were published long ago.
  for (
    let pending = await store.pendingEvents(100);
    pending.length > 0;
    pending = await store.pendingEvents(100)
  )
    await store.removeEvents(pending.map((entry) => entry.receipt));
}

/** The label of a partition key in the table: its kind, not its value (the conversation's own otherwise). */
export function partitionLabel(pk: string): string {
  if (pk === 'work' || pk === 'agents' || pk === 'outbox') return pk;
  if (pk.startsWith('notification:')) return 'its messages';
  const prefix = pk.split('|')[0];
  if (prefix === undefined || prefix === pk) return 'conversation';
  return prefix === 'roster' ? `roster|${pk.slice('roster|'.length)}` : prefix.replace(/-/g, ' ');
}

export interface FlowCost {
  flow: string;
  pointReads: number;
  writes: number;
  queries: number;
  /** Distinct partition keys named, by label (first touched first), with a count when more than one. */
  partitions: string[];
  partitionCount: number;
  kb: number;
  ru: number;
}

export function costOf({ flow, operations }: FlowRun): FlowCost {
  const count = (kind: ContainerOperation['kind']) => operations.filter((o) => o.kind === kind).length;
  const keys = [
    ...new Set(operations.flatMap((o) => (o.partitionKey === undefined ? [] : [o.partitionKey]))),
  ];
  const labels = new Map<string, number>();
  for (const key of keys) labels.set(partitionLabel(key), (labels.get(partitionLabel(key)) ?? 0) + 1);
  return {
    flow,
    pointReads: count('point-read'),
    writes: count('write'),
    queries: count('query'),
    partitions: [...labels].map(([label, n]) => (n > 1 ? `${label} ×${n}` : label)),
    partitionCount: keys.length,
    kb: operations.reduce((sum, o) => sum + o.bytes, 0) / 1024,
    ru: operations.reduce((sum, o) => sum + estimateRu(o), 0),
  };
}

export function costTable(runs: FlowRun[]): string {
  const lines = [
    '| flow | point reads | writes | queries | partitions touched | KB moved | est. RU |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const cost of runs.map(costOf)) {
    const partitions =
      cost.partitionCount === 0
        ? '0'
        : `${cost.partitionCount} (${cost.partitions.join(', ').replace(/\|/g, '\\|')})`;
    lines.push(
      `| ${cost.flow} | ${cost.pointReads} | ${cost.writes} | ${cost.queries} | ${partitions} | ${cost.kb.toFixed(1)} | ${cost.ru.toFixed(1)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The flows whose requests differ between two runs: their number by kind, the partitions they
 * named and the estimated request units (not the bytes, which move with ids and timestamps).
 */
export function differences(a: FlowRun[], b: FlowRun[]): string[] {
  const shape = (cost: FlowCost) =>
    JSON.stringify([cost.pointReads, cost.writes, cost.queries, cost.partitions, cost.ru]);
  const other = new Map(b.map((run) => [run.flow, costOf(run)]));
  return a.flatMap((run) => {
    const mine = costOf(run);
    const theirs = other.get(run.flow);
    return theirs && shape(theirs) === shape(mine) ? [] : [run.flow];
  });
}

/** A flow's requests and estimated request units per partition key (by label), most expensive first. */
export function byPartition({ operations }: FlowRun): { partition: string; requests: number; ru: number }[] {
  const rows = new Map<string, { partition: string; requests: number; ru: number }>();
  for (const operation of operations) {
    const partition =
      operation.partitionKey === undefined ? '(every partition)' : partitionLabel(operation.partitionKey);
    const row = rows.get(partition) ?? { partition, requests: 0, ru: 0 };
    row.requests += 1;
    row.ru += estimateRu(operation);
    rows.set(partition, row);
  }
  return [...rows.values()].sort((a, b) => b.ru - a.ru);
}

/**
 * One assignment run with this many available agents in the queue (and one conversation waiting):
 * what grows with a queue's roster is its query and a point read per agent it names.
 */
export async function assignmentWithRoster(
  world: FlowWorld,
  counted: CountedContainer,
  availableAgents: number,
): Promise<FlowRun> {
  for (let i = 0; i < availableAgents; i += 1) {
    await world.deps.store.createAgent({
      id: `member-${String(i).padStart(4, '0')}`,
      name: `Member ${i}`,
      capacity: 3,
      queueIds: ['general'],
      presence: 'available',
      assignments: [],
    });
  }
  const opened = await receiveInbound(world.deps, world.sms(FLOW_CUSTOMER, 'Hello, I need help'));
  if (opened.status !== 'stored') throw new Error(`the first message was ${opened.status}`);
  counted.reset();
  const assigned = await assignQueue(world.deps, 'general');
  if (assigned.assigned.length !== 1) throw new Error('the assignment run gave nothing');
  return {
    flow: `assignment run, ${availableAgents} available in the queue`,
    operations: [...counted.operations],
  };
}
