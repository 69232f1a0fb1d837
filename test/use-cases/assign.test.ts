import { describe, expect, it } from 'vitest';
import type { Agent } from '../../shared/domain/agent.js';
import type { Channel } from '../../shared/domain/channel.js';
import type { Conversation } from '../../shared/domain/conversation.js';
import { Directory } from '../../shared/domain/directory.js';
import { hoursSchema } from '../../shared/domain/hours.js';
import type { Message } from '../../shared/domain/message.js';
import type { SenderNumber } from '../../shared/domain/phone.js';
import type { ConversationQuery } from '../../shared/ports.js';
import { assignConversation, assignQueue, byLoad } from '../../shared/use-cases/assign.js';
import {
  closeByAgent,
  closeConversation,
  endConversation,
  setPresence,
} from '../../shared/use-cases/conversations.js';
import { countingStore } from '../../stand-ins/counting-store.js';
import { aConversation, aCustomerState, anAgent, OTHER_CUSTOMER } from '../support/builders.js';
import { coreHarness, storeKinds, testSeed } from '../support/core.js';
import { meanwhile } from '../support/meanwhile.js';
import { MemoryStore } from '../support/memory-store.js';

async function openConversations(
  h: ReturnType<typeof coreHarness>,
  count: number,
  extra: Partial<Conversation> = {},
) {
  for (let i = 0; i < count; i++) {
    await h.store.createConversation(
      aConversation({
        id: `c${String(i).padStart(2, '0')}`,
        createdAt: `2026-11-23T09:${String(i).padStart(2, '0')}:00.000Z`,
        ...extra,
      }),
    );
  }
}

/** The support channel (it feeds general) changed as a test needs; the rest of the seed as it is. */
interface Load {
  capacity: number;
  holds: number;
}

/** Who the one waiting conversation is offered to, alice and bob each holding some of their capacity. */
async function firstOffer(alice: Load, bob: Load) {
  const h = coreHarness();
  const holding = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ conversationId: `held-${i}`, since: '' }));
  await h.addAgent({ id: 'alice', capacity: alice.capacity, assignments: holding(alice.holds) });
  await h.addAgent({ id: 'bob', capacity: bob.capacity, assignments: holding(bob.holds) });
  await openConversations(h, 1);
  return (await assignQueue(h.deps, 'general')).assigned;
}

/** The general queue becomes a pick-mode one: its agents take conversations themselves. */
function generalPicks(h: ReturnType<typeof coreHarness>) {
  const queues = testSeed.queues.map((queue) =>
    queue.id === 'general' ? { ...queue, distribution: 'pick' as const } : queue,
  );
  h.deps.directory = new Directory(h.deps.directory.channels(), queues);
}

/** A customer whose last agent was bob writes again, on a channel with affinity; alice works too. */
async function bobsCustomerWaiting() {
  const h = coreHarness();
  withSupport(h, { affinity: true });
  await h.addAgent({ id: 'alice' });
  await h.addAgent({ id: 'bob' });
  await h.store.putCustomer(aCustomerState({ lastAgentId: 'bob' }), null);
  await openConversations(h, 1);
  return h;
}

function withSupport(h: ReturnType<typeof coreHarness>, change: Partial<Channel>) {
  const [support, ...rest] = testSeed.channels;
  if (!support) throw new Error('the test seed has a support channel');
  h.deps.directory = new Directory([{ ...support, ...change }, ...rest], testSeed.queues);
}

/** The support channel telling waiting customers their place. */
function tellingPlaces(h: ReturnType<typeof coreHarness>, change: Partial<Channel> = {}) {
  const [support] = testSeed.channels;
  if (!support) throw new Error('the test seed has a support channel');
  withSupport(h, {
    automatedMessages: { ...support.automatedMessages, queued: { enabled: true } },
    ...change,
  });
}

/** A conversation after all the fifty-odd of `openConversations`, from another customer. */
const lastInLine = (id: string) =>
  aConversation({ id, customer: OTHER_CUSTOMER, createdAt: '2026-11-23T10:00:00.000Z' });

const places = (h: ReturnType<typeof coreHarness>) =>
  h.queue.on('sms-outbound').map((m) => (m.body as Message).text.match(/number (\d+) in the queue/)?.[1]);

async function activeCount(h: ReturnType<typeof coreHarness>, agentId: string) {
  return (await h.store.findConversations({ agentId, states: ['active'] })).length;
}

describe.each(storeKinds)('assignment (%s)', (_kind, makeStore) => {
  it('never gives an agent more conversations than their capacity, however many assign at once', async () => {
    const h = coreHarness(makeStore());
    await h.addAgent({ id: 'alice', capacity: 2 });
    await openConversations(h, 10);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        assignConversation(h.deps, `c${String(i).padStart(2, '0')}`, 'alice', { kind: 'system' }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(2);
    expect((await h.store.getAgent('alice'))?.value.assignments).toHaveLength(2);
    expect(await activeCount(h, 'alice')).toBe(2);
    expect((await h.store.findConversations({ states: ['open'] })).length).toBe(8);
  });

  it('keeps every agent within capacity when several assigners run on one queue at once', async () => {
    const h = coreHarness(makeStore());
    await h.addAgent({ id: 'alice', capacity: 2 });
    await h.addAgent({ id: 'bob', capacity: 1 });
    await openConversations(h, 10);
    await Promise.all([
      assignQueue(h.deps, 'general'),
      assignQueue(h.deps, 'general'),
      assignQueue(h.deps, 'general'),
    ]);
    expect((await h.store.getAgent('alice'))?.value.assignments).toHaveLength(2);
    expect((await h.store.getAgent('bob'))?.value.assignments).toHaveLength(1);
    expect(await activeCount(h, 'alice')).toBe(2);
    expect(await activeCount(h, 'bob')).toBe(1);
  });

  it('gives a conversation to one agent only when two agents race for it', async () => {
    const h = coreHarness(makeStore());
    await h.addAgent({ id: 'alice' });
    await h.addAgent({ id: 'bob' });
    await openConversations(h, 1);
    const [a, b] = await Promise.all([
      assignConversation(h.deps, 'c00', 'alice', { kind: 'system' }),
      assignConversation(h.deps, 'c00', 'bob', { kind: 'system' }),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const holders = [(await h.store.getAgent('alice'))?.value, (await h.store.getAgent('bob'))?.value].filter(
      (agent) => (agent?.assignments.length ?? 0) > 0,
    );
    expect(holders).toHaveLength(1);
  });

  it('offers the oldest conversation first, to the least loaded available agent', async () => {
    const h = coreHarness(makeStore());
    await h.addAgent({ id: 'alice', capacity: 2 });
    await h.addAgent({ id: 'bob', capacity: 2 });
    await h.addAgent({ id: 'carol', capacity: 5, presence: 'offline' });
    await openConversations(h, 3);
    const outcome = await assignQueue(h.deps, 'general');
    expect(outcome.assigned).toEqual([
      { conversationId: 'c00', agentId: 'alice' },
      { conversationId: 'c01', agentId: 'bob' },
      { conversationId: 'c02', agentId: 'alice' },
    ]);
    expect(await h.store.findConversations({ states: ['open'] })).toEqual([]);
    expect((await h.store.getConversation('c00'))?.value.history.at(-1)).toMatchObject({
      from: 'open',
      to: 'active',
      by: 'system',
    });
  });

  it('leaves conversations open when nobody is available, and assigns when an agent comes online', async () => {
    const h = coreHarness(makeStore());
    await h.addAgent({ id: 'alice', capacity: 1, presence: 'offline' });
    await openConversations(h, 2);
    expect(await assignQueue(h.deps, 'general')).toEqual({ assigned: [] });
    await setPresence(h.deps, 'alice', 'available');
    expect(h.queue.on('sms-assignment').map((m) => m.body)).toEqual([
      { queueId: 'general', reason: 'agent available' },
    ]);
    expect(await assignQueue(h.deps, 'general')).toEqual({
      assigned: [{ conversationId: 'c00', agentId: 'alice' }],
    });
    expect((await h.store.findConversations({ states: ['open'] })).map((c) => c.value.id)).toEqual(['c01']);
  });

  it('keeps capacity through wrap-up and frees it on close, asking the queue to assign again', async () => {
    const h = coreHarness(makeStore());
    await h.addAgent({ id: 'alice', capacity: 1 });
    await openConversations(h, 2);
    await assignQueue(h.deps, 'general');
    await endConversation(h.deps, { conversationId: 'c00', agentId: 'alice' });
    expect((await h.store.getAgent('alice'))?.value.assignments).toHaveLength(1);
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([]);
    await closeByAgent(h.deps, { conversationId: 'c00', agentId: 'alice' });
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([]);
    expect(h.queue.on('sms-assignment').at(-1)?.body).toEqual({
      queueId: 'general',
      reason: 'capacity freed',
    });
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'c01', agentId: 'alice' },
    ]);
  });

  it('gives back capacity held for a conversation that never came or no longer holds it, once the agent sets their presence and the hold is old', async () => {
    const h = coreHarness(makeStore());
    const at = h.clock.now().toISOString();
    await openConversations(h, 2);
    await h.store.createConversation(aConversation({ id: 'gone', state: 'closed', agentId: 'alice' }));
    // What a process dying between reserving and writing leaves: holds for c01 (still open, in
    // the queue), for a conversation never created and for one closed without its release.
    await h.addAgent({
      id: 'alice',
      capacity: 4,
      assignments: ['c01', 'never-created', 'gone'].map((conversationId) => ({ conversationId, since: at })),
    });
    await assignConversation(h.deps, 'c00', 'alice', { kind: 'system' });
    const held = async () =>
      (await h.store.getAgent('alice'))?.value.assignments.map((a) => a.conversationId).sort();

    // A fresh hold may belong to a step still in progress: it is kept.
    await setPresence(h.deps, 'alice', 'away');
    expect(await held()).toEqual(['c00', 'c01', 'gone', 'never-created']);

    h.clock.advance(6 * 60_000);
    await setPresence(h.deps, 'alice', 'available');
    expect(await held()).toEqual(['c00']);
    expect(h.logs.filter((line) => line.includes('agent.stale-capacity-released'))).toHaveLength(3);
    // The freed room goes to the queue at once: c01 is assigned to her for real.
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'c01', agentId: 'alice' },
    ]);
  });

  it('gives back an old hold for a conversation now active with another agent, and keeps her own', async () => {
    const h = coreHarness(makeStore());
    const at = h.clock.now().toISOString();
    // A transfer to bob that died before alice's release: the conversation is bob's now.
    await h.store.createConversation(aConversation({ id: 'moved', state: 'active', agentId: 'bob' }));
    await h.store.createConversation(aConversation({ id: 'hers', state: 'active', agentId: 'alice' }));
    await h.addAgent({
      id: 'alice',
      capacity: 2,
      assignments: ['moved', 'hers'].map((conversationId) => ({ conversationId, since: at })),
    });

    h.clock.advance(6 * 60_000);
    await setPresence(h.deps, 'alice', 'available');
    expect((await h.store.getAgent('alice'))?.value.assignments.map((a) => a.conversationId)).toEqual([
      'hers',
    ]);
  });
});

describe('the assigner of a queue, at scale', () => {
  it('breaks a tie in load for the agent with the most free capacity', async () => {
    // Both half loaded; bob has room for two more, alice for one.
    expect(await firstOffer({ capacity: 2, holds: 1 }, { capacity: 4, holds: 2 })).toEqual([
      { conversationId: 'c00', agentId: 'bob' },
    ]);
  });

  it('re-reads only the agent an offer went to, not every agent after every conversation', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) await h.addAgent({ id, capacity: 1 });
    // Available but full: offered nothing, so never read.
    await h.addAgent({ id: 'a6', capacity: 1, assignments: [{ conversationId: 'elsewhere', since: '' }] });
    await openConversations(h, 10);
    counted.reset();
    expect((await assignQueue(h.deps, 'general')).assigned).toHaveLength(5);
    // Each of the five offers: the reservation's read and one re-read of that agent.
    expect(counted.operations.filter((o) => o.method === 'getAgent')).toHaveLength(10);
  });

  it('reads the waiting line a bounded page at a time, even while a channel feeding it is closed', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    const [support, alerts] = testSeed.channels;
    if (!support || !alerts) throw new Error('the test seed has two channels');
    const closedNow = hoursSchema.parse({ timeZone: 'UTC', weekly: {} });
    const sales = { ...support, id: 'sales', numbers: [{ number: '+14255550111' as SenderNumber }] };
    h.deps.directory = new Directory([{ ...support, hours: closedNow }, alerts, sales], testSeed.queues);
    await h.addAgent({ id: 'alice', capacity: 1 });
    // Sixty customers of the closed channel wait ahead of one of the open channel.
    await openConversations(h, 60);
    await h.store.createConversation(
      aConversation({ id: 'sales-1', channelId: 'sales', createdAt: '2026-11-23T10:00:00.000Z' }),
    );
    counted.reset();
    const queries: ConversationQuery[] = [];
    const find = h.store.findConversations.bind(h.store);
    h.store.findConversations = (query) => {
      queries.push(query);
      return find(query);
    };

    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'sales-1', agentId: 'alice' },
    ]);
    expect(queries.length).toBeGreaterThan(1);
    for (const query of queries) expect(query.limit).toBeLessThanOrEqual(50);
    // Each page starts after the last one read: no conversation is read twice.
    expect(queries.map((query) => query.after)).toEqual([
      undefined,
      { createdAt: '2026-11-23T09:49:00.000Z', id: 'c49' },
    ]);
  });

  it('does not read a queue’s line to tell places when no channel routing into it tells them', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    const [support, ...rest] = testSeed.channels;
    if (!support) throw new Error('the test seed has a support channel');
    // Support (into general) tells places; nothing routes into billing.
    const queued = { ...support.automatedMessages, queued: { enabled: true } };
    h.deps.directory = new Directory([{ ...support, automatedMessages: queued }, ...rest], testSeed.queues);
    await h.store.createConversation(aConversation({ id: 'moved-1', queueId: 'billing' }));
    await h.store.createConversation(aConversation({ id: 'waiting-1', customer: OTHER_CUSTOMER }));
    counted.reset();

    // Nobody can take work in billing: nothing to push, no place worth telling.
    expect((await assignQueue(h.deps, 'billing')).assigned).toEqual([]);
    expect(counted.operations.filter((o) => o.method === 'findConversations')).toEqual([]);
    // General's line is still read, and its customer told their place.
    await assignQueue(h.deps, 'general');
    expect(counted.operations.filter((o) => o.method === 'findConversations')).toHaveLength(1);
    expect(h.queue.on('sms-outbound')).toHaveLength(1);
  });

  it('looks ten conversations per free place past the head of the line, and tells places up to the fiftieth', async () => {
    const h = coreHarness();
    tellingPlaces(h);
    // Six places free: sixty conversations looked at, though nobody speaks German.
    await h.addAgent({ id: 'alice', capacity: 6 });
    await openConversations(h, 55, { requiredSkills: ['german'] });
    await h.store.createConversation(lastInLine('c55'));
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'c55', agentId: 'alice' },
    ]);
    expect(places(h)).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
  });

  it('offers no more than fifty conversations in a run however few places are free', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    await h.addAgent({ id: 'alice', capacity: 1 });
    await openConversations(h, 50, { requiredSkills: ['german'] });
    await h.store.createConversation(lastInLine('c50'));
    counted.reset();
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([]);
    expect(counted.operations.filter((o) => o.method === 'findConversations')).toHaveLength(1);
  });

  it('reads only the queue’s available agents', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    await h.addAgent({ id: 'alice' });
    await h.addAgent({ id: 'bob', queueIds: ['billing'] });
    await h.addAgent({ id: 'carol', presence: 'offline' });
    await openConversations(h, 1);
    counted.reset();
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'c00', agentId: 'alice' },
    ]);
    expect(counted.operations.filter((o) => o.method === 'listAgents').map((o) => o.documents)).toEqual([1]);
  });

  it('reads no customer record for affinity when one agent only can take the conversation', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    withSupport(h, { affinity: true });
    await h.addAgent({ id: 'alice' });
    await h.store.putCustomer(aCustomerState({ lastAgentId: 'alice' }), null);
    await openConversations(h, 1);
    counted.reset();
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'c00', agentId: 'alice' },
    ]);
    expect(counted.operations.filter((o) => o.method === 'getCustomer')).toEqual([]);
  });

  it('reads a line shorter than a page once', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    await h.addAgent({ id: 'alice', capacity: 5 });
    await openConversations(h, 3);
    counted.reset();
    expect((await assignQueue(h.deps, 'general')).assigned).toHaveLength(3);
    expect(counted.operations.filter((o) => o.method === 'findConversations')).toHaveLength(1);
  });

  it('reads no further once every agent is full', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    await h.addAgent({ id: 'alice', capacity: 1 });
    await openConversations(h, 60);
    counted.reset();
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'c00', agentId: 'alice' },
    ]);
    expect(counted.operations.filter((o) => o.method === 'findConversations')).toHaveLength(1);
  });
});

describe('the assigner, telling customers their place', () => {
  it('tells a place once, and again when the customer moved up by a quarter of the line', async () => {
    const h = coreHarness();
    tellingPlaces(h);
    await openConversations(h, 5);
    await assignQueue(h.deps, 'general');
    await assignQueue(h.deps, 'general');
    expect(places(h)).toEqual(['1', '2', '3', '4', '5']);

    // c00 is taken: 2→1, 3→2 and 4→3 are worth telling; 5→4 is not (a quarter of 5 is 2).
    await h.addAgent({ id: 'alice', capacity: 1 });
    await assignQueue(h.deps, 'general');
    expect(places(h).slice(5)).toEqual(['1', '2', '3']);
  });

  it('tells nothing while the channel is closed', async () => {
    const h = coreHarness();
    tellingPlaces(h, { hours: hoursSchema.parse({ timeZone: 'UTC', weekly: {} }) });
    await openConversations(h, 2);
    expect(await assignQueue(h.deps, 'general')).toEqual({ assigned: [] });
    expect(h.queue.on('sms-outbound')).toEqual([]);
  });

  it('reads one page of a long pick-mode line to tell places, though its agents have room', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    tellingPlaces(h);
    generalPicks(h);
    await h.addAgent({ id: 'alice' });
    await openConversations(h, 60);
    counted.reset();
    expect(await assignQueue(h.deps, 'general')).toEqual({ assigned: [] });
    expect(places(h)).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    expect(counted.operations.filter((o) => o.method === 'findConversations')).toHaveLength(1);
  });

  it('tells a customer transferred into a queue no telling channel routes to their place at the next run with an agent with room', async () => {
    const h = coreHarness();
    // Support tells places and routes into general only; its customers were moved to billing.
    tellingPlaces(h);
    await h.addAgent({ id: 'bob', capacity: 1, queueIds: ['billing'] });
    await h.store.createConversation(aConversation({ id: 'moved-1', queueId: 'billing' }));
    await h.store.createConversation(
      aConversation({
        id: 'moved-2',
        queueId: 'billing',
        customer: OTHER_CUSTOMER,
        createdAt: '2026-11-23T09:01:00.000Z',
      }),
    );
    expect((await assignQueue(h.deps, 'billing')).assigned).toEqual([
      { conversationId: 'moved-1', agentId: 'bob' },
    ]);
    expect(h.queue.on('sms-outbound').map((m) => [(m.body as Message).conversationId, places(h)[0]])).toEqual(
      [['moved-2', '1']],
    );
    expect((await h.store.getConversation('moved-2'))?.value.toldPosition).toBe(1);
  });

  it('tells no place to a customer whose conversation was closed as places were being told', async () => {
    const h = coreHarness();
    tellingPlaces(h);
    await openConversations(h, 2);
    meanwhile(h.store, 'getConversation', 'c00', 1, () =>
      closeConversation(h.deps, 'c00', { kind: 'system' }, 'closed after inactivity'),
    );
    await assignQueue(h.deps, 'general');
    expect(h.queue.on('sms-outbound').map((m) => (m.body as Message).conversationId)).toEqual(['c01']);
    expect((await h.store.getConversation('c00'))?.value).toMatchObject({ state: 'closed' });
    expect((await h.store.getConversation('c00'))?.value.toldPosition).toBeUndefined();
  });

  it('tells places in a pick-mode queue without offering anyone anything', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    tellingPlaces(h);
    generalPicks(h);
    await h.addAgent({ id: 'alice' });
    await openConversations(h, 2);
    counted.reset();
    expect(await assignQueue(h.deps, 'general')).toEqual({ assigned: [] });
    expect(places(h)).toEqual(['1', '2']);
    expect(counted.operations.filter((o) => o.method.endsWith('Agent'))).toEqual([]);
  });
});

describe('an assignment, as the customer and the figures see it', () => {
  function announcing(h: ReturnType<typeof coreHarness>) {
    const [support, ...rest] = testSeed.channels;
    if (!support) throw new Error('the test seed has a support channel');
    const automatedMessages = { ...support.automatedMessages, agentAssigned: { enabled: true } };
    h.deps.directory = new Directory([{ ...support, automatedMessages }, ...rest], testSeed.queues);
  }
  const texts = (h: ReturnType<typeof coreHarness>) =>
    h.queue.on('sms-outbound').map((m) => (m.body as Message).text);

  it('tells the customer who they are talking to, once, and counts it for the queue with the wait since acceptance', async () => {
    const h = coreHarness();
    announcing(h);
    await h.addAgent({ id: 'alice', name: 'Alice Martin' });
    await h.store.createConversation(
      aConversation({ id: 'c00', acceptedAt: '2026-11-23T08:59:30.000Z', queueId: 'general' }),
    );
    expect(await assignConversation(h.deps, 'c00', 'alice', { kind: 'system' })).toBe(true);
    // A repeat of the same assignment is hers already: true, and nothing said or counted again.
    expect(await assignConversation(h.deps, 'c00', 'alice', { kind: 'system' })).toBe(true);
    expect(texts(h)).toEqual(['You are now talking to Alice Martin.']);
    expect(h.metrics.recorded.filter((r) => r.name.startsWith('sms.a'))).toEqual([
      { kind: 'add', name: 'sms.assignments', value: 1, attributes: { queue: 'general' } },
      { kind: 'record', name: 'sms.accept_to_assigned', value: 30_000, attributes: { queue: 'general' } },
    ]);
    expect(h.logs.map((line) => JSON.parse(line)).filter((l) => l.event === 'conversation.assigned')).toEqual(
      [
        expect.objectContaining({ conversationId: 'c00', agentId: 'alice' }),
        expect.objectContaining({ conversationId: 'c00', agentId: 'alice' }),
      ],
    );
  });

  it('measures the wait only on the first assignment of a conversation the customer opened', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice' });
    await h.addAgent({ id: 'bob', name: 'Bob' });
    // Once active with an agent, back in the queue after a transfer: its second assignment.
    const back = aConversation({
      id: 'back',
      acceptedAt: '2026-11-23T08:00:00.000Z',
      history: [
        { from: null, to: 'open', at: '2026-11-23T08:00:00.000Z', by: 'customer', reason: 'first message' },
        { from: 'open', to: 'active', at: '2026-11-23T08:01:00.000Z', by: 'system', reason: 'assigned' },
        { from: 'active', to: 'open', at: '2026-11-23T08:30:00.000Z', by: 'agent:bob', reason: 'transfer' },
      ],
    });
    const { acceptedAt: _none, ...started } = aConversation({ id: 'started' });
    await h.store.createConversation(back);
    await h.store.createConversation(started);
    await assignConversation(h.deps, 'back', 'alice', { kind: 'system' });
    await assignConversation(h.deps, 'started', 'bob', { kind: 'system' });
    expect(h.metrics.of('sms.assignments').map((r) => r.attributes.queue)).toEqual(['general', 'general']);
    expect(h.metrics.of('sms.accept_to_assigned')).toEqual([]);
  });

  it('refuses a conversation that does not exist, and gives the capacity back', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice' });
    expect(await assignConversation(h.deps, 'missing', 'alice', { kind: 'system' })).toBe(false);
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([]);
  });

  it('measures the wait on the first assignment of a conversation moved between queues before anyone took it', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice' });
    const moved = aConversation({
      id: 'moved',
      acceptedAt: '2026-11-23T08:58:00.000Z',
      history: [
        { from: null, to: 'open', at: '2026-11-23T08:58:00.000Z', by: 'customer', reason: 'first message' },
        {
          from: 'open',
          to: 'open',
          at: '2026-11-23T08:59:00.000Z',
          by: 'supervisor:dana',
          reason: 'transfer',
        },
      ],
    });
    await h.store.createConversation(moved);
    await assignConversation(h.deps, 'moved', 'alice', { kind: 'system' });
    expect(h.metrics.of('sms.accept_to_assigned').map((r) => r.value)).toEqual([120_000]);
  });

  it('gives the capacity back when the conversation was taken meanwhile, and says so', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice' });
    await h.store.createConversation(aConversation({ id: 'c00', state: 'active', agentId: 'bob' }));
    expect(await assignConversation(h.deps, 'c00', 'alice', { kind: 'system' })).toBe(false);
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([]);
    expect(h.queue.on('sms-outbound')).toEqual([]);
  });

  it('refuses a conversation its agent has set aside or closed since, and keeps no capacity for it', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice' });
    // A repeat of assignments that went through, after alice set one aside and closed the other.
    await h.store.createConversation(aConversation({ id: 'aside', state: 'waiting', agentId: 'alice' }));
    await h.store.createConversation(aConversation({ id: 'done', state: 'closed', agentId: 'alice' }));
    expect(await assignConversation(h.deps, 'aside', 'alice', { kind: 'system' })).toBe(false);
    expect(await assignConversation(h.deps, 'done', 'alice', { kind: 'system' })).toBe(false);
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([]);
    expect(h.logs.filter((line) => line.includes('conversation.assigned'))).toEqual([]);
  });

  it('lets an agent who is away take one themselves, but the assigner offers them none', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', presence: 'away' });
    await openConversations(h, 2);
    expect(await assignConversation(h.deps, 'c00', 'alice', { kind: 'system' })).toBe(false);
    expect(await assignConversation(h.deps, 'c00', 'alice', { kind: 'agent', agentId: 'alice' })).toBe(true);
    expect((await h.store.getConversation('c00'))?.value).toMatchObject({
      state: 'active',
      agentId: 'alice',
    });
  });
});

describe('the assigner, choosing among agents', () => {
  it('breaks a full tie by agent id', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'carol', capacity: 2 });
    await h.addAgent({ id: 'bob', capacity: 2 });
    await openConversations(h, 1);
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'c00', agentId: 'bob' },
    ]);
    // Whatever order they come in.
    const sorted = (agents: Agent[]) => agents.sort(byLoad).map((agent) => agent.id);
    expect(sorted([anAgent({ id: 'carol' }), anAgent({ id: 'bob' })])).toEqual(['bob', 'carol']);
  });

  it('puts the least loaded first even when another has more room', async () => {
    // alice: none of one (empty); bob: one of four (a quarter), but three places free.
    expect(await firstOffer({ capacity: 1, holds: 0 }, { capacity: 4, holds: 1 })).toEqual([
      { conversationId: 'c00', agentId: 'alice' },
    ]);
  });

  it('offers a returning customer’s conversation to the next agent when their last agent is removed as it is offered', async () => {
    const h = await bobsCustomerWaiting();
    // Bob comes first (affinity); he is removed just before his reservation reads him.
    meanwhile(h.store, 'getAgent', 'bob', 1, async () => {
      const bob = await h.store.getAgent('bob');
      if (bob) await h.store.deleteAgent('bob', bob.etag);
    });
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'c00', agentId: 'alice' },
    ]);
  });

  it('offers a returning customer’s conversation to their last agent once in a run, though they are back when the others have refused it', async () => {
    const h = await bobsCustomerWaiting();
    const presence = (agentId: string, presence: 'available' | 'away') => async () => {
      const agent = await h.store.getAgent(agentId);
      if (agent) await h.store.replaceAgent({ ...agent.value, presence }, agent.etag);
    };
    // Each steps away just as their reservation reads them (the step reads them too); after his
    // refusal and the assigner's re-read, bob is back for any read of him.
    meanwhile(h.store, 'getAgent', 'bob', 1, presence('bob', 'away'));
    meanwhile(h.store, 'getAgent', 'alice', 1, presence('alice', 'away'));
    meanwhile(h.store, 'getAgent', 'bob', 4, presence('bob', 'available'));
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([]);
    expect((await h.store.getConversation('c00'))?.value.state).toBe('open');
  });

  it('goes by load, affinity on, for a customer the channel has no record of yet', async () => {
    const h = coreHarness();
    withSupport(h, { affinity: true });
    await h.addAgent({ id: 'alice', capacity: 1 });
    await h.addAgent({ id: 'bob', capacity: 2 });
    await openConversations(h, 1);
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'c00', agentId: 'bob' },
    ]);
  });

  it('gives out the conversations of a channel since removed from the configuration, and tells their customers nothing', async () => {
    const h = coreHarness();
    tellingPlaces(h);
    await h.addAgent({ id: 'alice', capacity: 1 });
    await openConversations(h, 2, { channelId: 'retired' });
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'c00', agentId: 'alice' },
    ]);
    expect(h.queue.on('sms-outbound')).toEqual([]);
  });

  it('gives out the conversations of a queue since removed from the configuration to its agents', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['retired'] });
    await openConversations(h, 1, { queueId: 'retired' });
    expect((await assignQueue(h.deps, 'retired')).assigned).toEqual([
      { conversationId: 'c00', agentId: 'alice' },
    ]);
  });

  it('offers work to the least loaded by share of capacity, not by count', async () => {
    // alice holds 1 of 2 (half), bob 2 of 8 (a quarter): bob first, though he holds more.
    expect(await firstOffer({ capacity: 2, holds: 1 }, { capacity: 8, holds: 2 })).toEqual([
      { conversationId: 'c00', agentId: 'bob' },
    ]);
  });

  it('pushes nothing in a pick-mode queue: its agents take conversations themselves', async () => {
    const h = coreHarness();
    generalPicks(h);
    await h.addAgent({ id: 'alice' });
    await openConversations(h, 1);
    expect(await assignQueue(h.deps, 'general')).toEqual({ assigned: [] });
    expect((await h.store.getConversation('c00'))?.value.state).toBe('open');
  });

  it('skips a conversation needing skills nobody has, and gives the next one', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', capacity: 1 });
    await h.store.createConversation(aConversation({ id: 'c00', requiredSkills: ['german'] }));
    await h.store.createConversation(
      aConversation({ id: 'c01', customer: OTHER_CUSTOMER, createdAt: '2026-11-23T09:01:00.000Z' }),
    );
    expect((await assignQueue(h.deps, 'general')).assigned).toEqual([
      { conversationId: 'c01', agentId: 'alice' },
    ]);
  });
});
