import { describe, expect, it } from 'vitest';
import { Directory } from '../../shared/domain/directory.js';
import { ConflictError, ForbiddenError, InvalidTransitionError, NotFoundError } from '../../shared/errors.js';
import { assignConversation, assignQueue } from '../../shared/use-cases/assign.js';
import { closeByAgent, closeConversation, endConversation } from '../../shared/use-cases/conversations.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import {
  pickFromQueue,
  reassign,
  setAside,
  transferToAgent,
  transferToQueue,
} from '../../shared/use-cases/work-distribution.js';
import { aConversation, OTHER_CUSTOMER } from '../support/builders.js';
import { coreHarness, storeKinds, testSeed } from '../support/core.js';
import { meanwhile } from '../support/meanwhile.js';
import { MemoryStore } from '../support/memory-store.js';

async function aliceHasOne(makeStore: (typeof storeKinds)[number][1]) {
  const h = coreHarness(makeStore());
  await h.addAgent({ id: 'alice', capacity: 1 });
  await h.addAgent({ id: 'bob', capacity: 1, queueIds: ['general', 'billing'], presence: 'offline' });
  const outcome = await receiveInbound(h.deps, h.sms({ text: 'I was charged twice' }));
  if (outcome.status !== 'stored') throw new Error('not stored');
  await assignQueue(h.deps, 'general');
  const assignments = async (agentId: string) => (await h.store.getAgent(agentId))?.value.assignments.length;
  return { h, id: outcome.conversationId, assignments };
}

describe.each(storeKinds)('work distribution (%s)', (_kind, makeStore) => {
  it('setting aside frees the agent; the customer writing brings it back to them', async () => {
    const { h, id, assignments } = await aliceHasOne(makeStore);
    expect((await setAside(h.deps, { conversationId: id, agentId: 'alice' })).state).toBe('waiting');
    expect(await assignments('alice')).toBe(0);
    const back = await receiveInbound(h.deps, h.sms({ text: 'Any news?' }));
    expect(back).toMatchObject({ conversationId: id, state: 'active' });
    expect(await assignments('alice')).toBe(1);
  });

  it('a set-aside conversation goes back to the queue when its agent has no room when the customer writes', async () => {
    const { h, id } = await aliceHasOne(makeStore);
    await setAside(h.deps, { conversationId: id, agentId: 'alice' });
    const other = await receiveInbound(h.deps, h.sms({ from: OTHER_CUSTOMER, text: 'Hi' }));
    await assignQueue(h.deps, 'general');
    expect(other).toMatchObject({ state: 'open' });
    const back = await receiveInbound(h.deps, h.sms({ text: 'Hello again' }));
    expect(back).toMatchObject({ conversationId: id, state: 'open' });
    expect(h.queue.on('sms-assignment').at(-1)?.body).toEqual({
      queueId: 'general',
      reason: 'customer message',
    });
  });

  it('transfer to a queue opens it there and frees the agent', async () => {
    const { h, id, assignments } = await aliceHasOne(makeStore);
    const moved = await transferToQueue(h.deps, { conversationId: id, agentId: 'alice', queueId: 'billing' });
    expect(moved).toMatchObject({ state: 'open', queueId: 'billing', agentId: null });
    expect(await assignments('alice')).toBe(0);
    expect(h.queue.on('sms-assignment').map((m) => m.body)).toContainEqual({
      queueId: 'billing',
      reason: 'transfer',
    });
  });

  it('transfer to an agent needs them available with room, and moves the capacity', async () => {
    const { h, id, assignments } = await aliceHasOne(makeStore);
    await expect(
      transferToAgent(h.deps, { conversationId: id, agentId: 'alice', toAgentId: 'bob' }),
    ).rejects.toBeInstanceOf(ConflictError);
    const bob = await h.store.getAgent('bob');
    if (!bob) throw new Error('no bob');
    await h.store.replaceAgent({ ...bob.value, presence: 'available' }, bob.etag);
    const moved = await transferToAgent(h.deps, { conversationId: id, agentId: 'alice', toAgentId: 'bob' });
    expect(moved).toMatchObject({ state: 'active', agentId: 'bob' });
    expect([await assignments('alice'), await assignments('bob')]).toEqual([0, 1]);
  });

  it('only the holding agent may set aside or transfer', async () => {
    const { h, id } = await aliceHasOne(makeStore);
    await expect(setAside(h.deps, { conversationId: id, agentId: 'bob' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      transferToQueue(h.deps, { conversationId: id, agentId: 'bob', queueId: 'billing' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await setAside(h.deps, { conversationId: id, agentId: 'alice' });
    await expect(setAside(h.deps, { conversationId: id, agentId: 'alice' })).rejects.toBeInstanceOf(
      InvalidTransitionError,
    );
  });

  it('pick mode: an available member with room takes an open conversation, once', async () => {
    const h = coreHarness(makeStore());
    await h.addAgent({ id: 'alice', capacity: 1, presence: 'available' });
    await h.addAgent({ id: 'carol', capacity: 1, queueIds: ['billing'] });
    const outcome = await receiveInbound(h.deps, h.sms());
    if (outcome.status !== 'stored') throw new Error('not stored');
    await expect(
      pickFromQueue(h.deps, { conversationId: outcome.conversationId, agentId: 'carol' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(
      await pickFromQueue(h.deps, { conversationId: outcome.conversationId, agentId: 'alice' }),
    ).toMatchObject({
      state: 'active',
      agentId: 'alice',
    });
    await expect(
      pickFromQueue(h.deps, { conversationId: outcome.conversationId, agentId: 'alice' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe.each(storeKinds)('a supervisor reassigns (%s)', (_kind, makeStore) => {
  it('gives a conversation waiting in a queue straight to an agent available with room', async () => {
    const h = coreHarness(makeStore());
    await h.addAgent({ id: 'alice', capacity: 1, presence: 'away' });
    await h.addAgent({ id: 'bob', name: 'Bob', capacity: 1, queueIds: ['billing'] });
    const outcome = await receiveInbound(h.deps, h.sms({ text: 'Anyone there?' }));
    if (outcome.status !== 'stored') throw new Error('not stored');
    expect(outcome.state).toBe('open');

    const moved = await reassign(h.deps, {
      conversationId: outcome.conversationId,
      userId: 'dana',
      toAgentId: 'bob',
    });

    expect(moved).toMatchObject({ state: 'active', agentId: 'bob', queueId: 'general' });
    expect(moved.history.at(-1)).toMatchObject({
      from: 'open',
      to: 'active',
      by: 'supervisor:dana',
      reason: 'transferred to agent bob',
    });
    expect((await h.store.getAgent('bob'))?.value.assignments.map((a) => a.conversationId)).toEqual([
      outcome.conversationId,
    ]);
  });

  it('moves a queued conversation to another queue, and takes an active one from its agent', async () => {
    const { h, id, assignments } = await aliceHasOne(makeStore);
    const toBilling = await reassign(h.deps, { conversationId: id, userId: 'dana', toQueueId: 'billing' });
    expect(toBilling).toMatchObject({ state: 'open', queueId: 'billing', agentId: null });
    expect(await assignments('alice')).toBe(0);
    expect(h.queue.on('sms-assignment').map((m) => m.body)).toContainEqual({
      queueId: 'billing',
      reason: 'transfer',
    });

    const back = await reassign(h.deps, { conversationId: id, userId: 'dana', toQueueId: 'general' });
    expect(back).toMatchObject({ state: 'open', queueId: 'general' });
    expect(back.history.at(-1)).toMatchObject({ from: 'open', to: 'open', by: 'supervisor:dana' });
  });

  it("brings a set-aside conversation to another agent, leaving its agent's load as it was", async () => {
    const { h, id, assignments } = await aliceHasOne(makeStore);
    await h.addAgent({ id: 'carol', name: 'Carol', capacity: 1 });
    await setAside(h.deps, { conversationId: id, agentId: 'alice' });
    const moved = await reassign(h.deps, { conversationId: id, userId: 'dana', toAgentId: 'carol' });
    expect(moved).toMatchObject({ state: 'active', agentId: 'carol' });
    expect([await assignments('alice'), await assignments('carol')]).toEqual([0, 1]);
  });

  it('refuses what cannot move, and changes nothing', async () => {
    const { h, id, assignments } = await aliceHasOne(makeStore);
    // Bob is offline: not available.
    await expect(reassign(h.deps, { conversationId: id, userId: 'dana', toAgentId: 'bob' })).rejects.toThrow(
      'agent bob is not available or has no free capacity',
    );
    await expect(
      reassign(h.deps, { conversationId: id, userId: 'dana', toAgentId: 'alice' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      reassign(h.deps, { conversationId: id, userId: 'dana', toAgentId: 'nobody' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      reassign(h.deps, { conversationId: 'missing', userId: 'dana', toQueueId: 'billing' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await h.store.getConversation(id))?.value).toMatchObject({ state: 'active', agentId: 'alice' });
    expect([await assignments('alice'), await assignments('bob')]).toEqual([1, 0]);

    await reassign(h.deps, { conversationId: id, userId: 'dana', toQueueId: 'billing' });
    await expect(
      reassign(h.deps, { conversationId: id, userId: 'dana', toQueueId: 'billing' }),
    ).rejects.toThrow(`conversation ${id} is already waiting in queue billing`);

    const second = await aliceHasOne(makeStore);
    await endConversation(second.h.deps, { conversationId: second.id, agentId: 'alice' });
    await expect(
      reassign(second.h.deps, { conversationId: second.id, userId: 'dana', toQueueId: 'billing' }),
    ).rejects.toThrow('is wrap-up; only an open, active or set-aside conversation can be reassigned');
    expect((await second.h.store.getConversation(second.id))?.value.state).toBe('wrap-up');
  });
});

describe('agent affinity', () => {
  async function returningCustomer(affinity: boolean) {
    const h = coreHarness();
    const [support, ...rest] = testSeed.channels;
    if (!support) throw new Error('no support channel');
    h.deps.directory = new Directory([{ ...support, affinity }, ...rest], testSeed.queues);
    await h.addAgent({ id: 'alice', capacity: 3 });
    await h.addAgent({ id: 'bob', capacity: 3 });
    // Bob served the customer last time and is busier now than alice.
    const first = await receiveInbound(h.deps, h.sms({ text: 'first visit' }));
    if (first.status !== 'stored') throw new Error('not stored');
    await pickFromQueue(h.deps, { conversationId: first.conversationId, agentId: 'bob' });
    await closeByAgent(h.deps, { conversationId: first.conversationId, agentId: 'bob' });
    const other = await receiveInbound(h.deps, h.sms({ from: OTHER_CUSTOMER, text: 'someone else' }));
    if (other.status !== 'stored') throw new Error('not stored');
    await pickFromQueue(h.deps, { conversationId: other.conversationId, agentId: 'bob' });
    const again = await receiveInbound(h.deps, h.sms({ text: 'I am back' }));
    const { assigned } = await assignQueue(h.deps, 'general');
    return { assigned, conversationId: again.status === 'stored' ? again.conversationId : '' };
  }

  it('sends a returning customer back to their last agent when the channel asks for it', async () => {
    const { assigned, conversationId } = await returningCustomer(true);
    expect(assigned).toEqual([{ conversationId, agentId: 'bob' }]);
  });

  it('otherwise goes by load', async () => {
    const { assigned, conversationId } = await returningCustomer(false);
    expect(assigned).toEqual([{ conversationId, agentId: 'alice' }]);
  });
});

describe('what a transfer or a pick is refused with', () => {
  it('tells an agent handing their own conversation to themselves, or to whoever has it, why', async () => {
    const { h, id, assignments } = await aliceHasOne(() => new MemoryStore());
    await expect(
      transferToAgent(h.deps, { conversationId: id, agentId: 'alice', toAgentId: 'alice' }),
    ).rejects.toThrow(new ConflictError('the conversation is already yours'));
    await expect(
      reassign(h.deps, { conversationId: id, userId: 'dana', toAgentId: 'alice' }),
    ).rejects.toThrow(new ConflictError(`conversation ${id} is already with agent alice`));
    await expect(
      transferToAgent(h.deps, { conversationId: id, agentId: 'alice', toAgentId: 'nobody' }),
    ).rejects.toThrow(new NotFoundError('agent nobody does not exist'));
    await expect(setAside(h.deps, { conversationId: 'nope', agentId: 'alice' })).rejects.toThrow(
      new NotFoundError('conversation nope does not exist'),
    );
    await expect(
      reassign(h.deps, { conversationId: 'nope', userId: 'dana', toQueueId: 'billing' }),
    ).rejects.toThrow(new NotFoundError('conversation nope does not exist'));
    expect(await assignments('alice')).toBe(1);
  });

  it('tells an agent a conversation in wrap-up is no longer theirs to set aside or move', async () => {
    const { h, id } = await aliceHasOne(() => new MemoryStore());
    await endConversation(h.deps, { conversationId: id, agentId: 'alice' });
    const notHers = new ForbiddenError(`conversation ${id} is not assigned to agent alice`);
    await expect(setAside(h.deps, { conversationId: id, agentId: 'alice' })).rejects.toThrow(notHers);
    await expect(
      transferToQueue(h.deps, { conversationId: id, agentId: 'alice', queueId: 'billing' }),
    ).rejects.toThrow(notHers);
    expect((await h.store.getConversation(id))?.value.state).toBe('wrap-up');
  });

  it('tells a picking agent what is wrong: no such agent or conversation, not waiting, or no room', async () => {
    const { h, id } = await aliceHasOne(() => new MemoryStore());
    await expect(pickFromQueue(h.deps, { conversationId: id, agentId: 'zoe' })).rejects.toThrow(
      new NotFoundError('agent zoe does not exist'),
    );
    await expect(pickFromQueue(h.deps, { conversationId: 'nope', agentId: 'alice' })).rejects.toThrow(
      new NotFoundError('conversation nope does not exist'),
    );
    await expect(pickFromQueue(h.deps, { conversationId: id, agentId: 'alice' })).rejects.toThrow(
      new ConflictError(`conversation ${id} is active, not waiting in a queue`),
    );
    await h.addAgent({ id: 'carol', queueIds: ['billing'] });
    await expect(pickFromQueue(h.deps, { conversationId: id, agentId: 'carol' })).rejects.toThrow(
      new ForbiddenError('agent carol is not a member of queue general'),
    );
    const next = await receiveInbound(h.deps, h.sms({ from: OTHER_CUSTOMER, text: 'Hello?' }));
    if (next.status !== 'stored') throw new Error('not stored');
    await expect(
      pickFromQueue(h.deps, { conversationId: next.conversationId, agentId: 'alice' }),
    ).rejects.toThrow(new ConflictError('agent alice is not available or has no free capacity'));
    expect((await h.store.getConversation(next.conversationId))?.value.state).toBe('open');
  });
});

describe('work distribution, step by step', () => {
  it('setting aside is the agent’s own step, and asks each of their queues for work for the room it frees', async () => {
    const { h, id } = await aliceHasOne(() => new MemoryStore());
    const requests = h.queue.on('sms-assignment').length;
    const aside = await setAside(h.deps, { conversationId: id, agentId: 'alice' });
    expect(aside.history.at(-1)).toMatchObject({ from: 'active', to: 'waiting', by: 'agent:alice' });
    expect(
      h.queue
        .on('sms-assignment')
        .slice(requests)
        .map((m) => m.body),
    ).toEqual([{ queueId: 'general', reason: 'capacity freed' }]);
  });

  it('asks no queue for work when the agent was removed as they set a conversation aside', async () => {
    const { h, id, assignments } = await aliceHasOne(() => new MemoryStore());
    const requests = h.queue.on('sms-assignment').length;
    // Her second read is the one after her capacity went back.
    meanwhile(h.store, 'getAgent', 'alice', 2, async () => {
      const alice = await h.store.getAgent('alice');
      if (alice) await h.store.deleteAgent('alice', alice.etag);
    });
    expect((await setAside(h.deps, { conversationId: id, agentId: 'alice' })).state).toBe('waiting');
    expect(await assignments('alice')).toBeUndefined();
    expect(h.queue.on('sms-assignment')).toHaveLength(requests);
  });

  it('lets an agent put their conversation back in its own queue', async () => {
    const { h, id, assignments } = await aliceHasOne(() => new MemoryStore());
    const back = await transferToQueue(h.deps, { conversationId: id, agentId: 'alice', queueId: 'general' });
    expect(back).toMatchObject({ state: 'open', queueId: 'general', agentId: null });
    expect(await assignments('alice')).toBe(0);
  });

  it('tells the customer of each transfer, under an id of its own, where the conversation went', async () => {
    const { h, id } = await aliceHasOne(() => new MemoryStore());
    const [support, ...rest] = testSeed.channels;
    if (!support) throw new Error('no support channel');
    const automatedMessages = { ...support.automatedMessages, transfer: { enabled: true } };
    h.deps.directory = new Directory([{ ...support, automatedMessages }, ...rest], testSeed.queues);
    await h.addAgent({ id: 'carol', name: 'Carol', queueIds: ['billing'] });

    await transferToQueue(h.deps, { conversationId: id, agentId: 'alice', queueId: 'billing' });
    await reassign(h.deps, { conversationId: id, userId: 'dana', toAgentId: 'carol' });

    expect(
      h.queue.on('sms-outbound').map((m) => {
        const { id: messageId, text } = m.body as { id: string; text: string };
        return { messageId, text };
      }),
    ).toEqual([
      {
        messageId: `${id}:transfer:3`,
        text: 'We are passing your conversation to Billing. Thank you for your patience.',
      },
      {
        messageId: `${id}:transfer:4`,
        text: 'We are passing your conversation to Billing. Thank you for your patience.',
      },
    ]);
  });

  it('lets a supervisor bring a set-aside conversation back to its own agent, who holds it again', async () => {
    const { h, id, assignments } = await aliceHasOne(() => new MemoryStore());
    await setAside(h.deps, { conversationId: id, agentId: 'alice' });
    const back = await reassign(h.deps, { conversationId: id, userId: 'dana', toAgentId: 'alice' });
    expect(back).toMatchObject({ state: 'active', agentId: 'alice' });
    expect(await assignments('alice')).toBe(1);
  });

  it('hands a conversation waiting in a queue since removed from the configuration to an agent', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'bob' });
    await h.store.createConversation(aConversation({ id: 'orphan', queueId: 'retired' }));
    const moved = await reassign(h.deps, { conversationId: 'orphan', userId: 'dana', toAgentId: 'bob' });
    expect(moved).toMatchObject({ state: 'active', agentId: 'bob', queueId: 'retired' });
  });

  it('keeps the target’s capacity when the assigner gave them the conversation while a supervisor was moving it to them', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'bob' });
    await h.store.createConversation(aConversation({ id: 'c00' }));
    // The supervisor's second read of the conversation comes after the assigner gave it to bob.
    meanwhile(h.store, 'getConversation', 'c00', 2, () =>
      assignConversation(h.deps, 'c00', 'bob', { kind: 'system' }),
    );
    await expect(
      reassign(h.deps, { conversationId: 'c00', userId: 'dana', toAgentId: 'bob' }),
    ).rejects.toThrow(new ConflictError('conversation c00 is already with agent bob'));
    expect((await h.store.getConversation('c00'))?.value).toMatchObject({ state: 'active', agentId: 'bob' });
    expect((await h.store.getAgent('bob'))?.value.assignments.map((a) => a.conversationId)).toEqual(['c00']);
  });

  it('gives the target’s capacity back when the conversation was closed while a supervisor was moving it to them', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'bob' });
    await h.store.createConversation(aConversation({ id: 'c00' }));
    // The supervisor's second read of the conversation comes after the customer's STOP closed it.
    meanwhile(h.store, 'getConversation', 'c00', 2, () =>
      closeConversation(h.deps, 'c00', { kind: 'customer' }, 'customer opted out (STOP)'),
    );
    await expect(
      reassign(h.deps, { conversationId: 'c00', userId: 'dana', toAgentId: 'bob' }),
    ).rejects.toThrow(
      new ConflictError(
        'conversation c00 is closed; only an open, active or set-aside conversation can be reassigned',
      ),
    );
    expect((await h.store.getAgent('bob'))?.value.assignments).toEqual([]);
  });

  it('records a pick as the agent’s step, and refuses one taken by someone else meanwhile, giving the room back', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', capacity: 1 });
    await h.addAgent({ id: 'bob' });
    await h.store.createConversation(aConversation({ id: 'c00' }));
    await h.store.createConversation(aConversation({ id: 'c01', customer: OTHER_CUSTOMER }));
    const picked = await pickFromQueue(h.deps, { conversationId: 'c00', agentId: 'alice' });
    expect(picked?.history.at(-1)).toMatchObject({ from: 'open', to: 'active', by: 'agent:alice' });
    await closeByAgent(h.deps, { conversationId: 'c00', agentId: 'alice' });

    // Her pick's second read of c01 comes after the assigner gave it to bob.
    meanwhile(h.store, 'getConversation', 'c01', 2, () =>
      assignConversation(h.deps, 'c01', 'bob', { kind: 'system' }),
    );
    await expect(pickFromQueue(h.deps, { conversationId: 'c01', agentId: 'alice' })).rejects.toThrow(
      new ConflictError('conversation c01 was taken by someone else'),
    );
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([]);
  });
});
