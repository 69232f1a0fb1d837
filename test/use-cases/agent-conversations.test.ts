import { describe, expect, it } from 'vitest';
import { newCustomerState } from '../../shared/domain/customer.js';
import { ForbiddenError, NotFoundError } from '../../shared/errors.js';
import {
  closeByAgent,
  closeConversation,
  listAgentConversations,
  listQueueConversations,
  setPresence,
} from '../../shared/use-cases/conversations.js';
import { aConversation, CUSTOMER, OTHER_CUSTOMER } from '../support/builders.js';
import { coreHarness } from '../support/core.js';

async function aliceAtWork() {
  const h = coreHarness();
  await h.addAgent({ id: 'alice', capacity: 3, queueIds: ['general', 'billing'] });
  const at = (minute: number) => `2026-11-23T09:0${minute}:00.000Z`;
  for (const [id, state, agentId, queueId, minute] of [
    ['waiting-1', 'open', null, 'general', 1],
    ['active-1', 'active', 'alice', 'general', 2],
    ['aside-1', 'waiting', 'alice', 'general', 3],
    ['wrap-1', 'wrap-up', 'alice', 'billing', 4],
    ['done-1', 'closed', 'alice', 'general', 5],
    ['bobs-1', 'active', 'bob', 'general', 6],
    ['waiting-2', 'open', null, 'billing', 7],
    ['waiting-3', 'open', null, 'general', 8],
  ] as const) {
    await h.store.createConversation(
      aConversation({ id, state, agentId, queueId, createdAt: at(minute), lastActivityAt: at(minute) }),
    );
  }
  return h;
}

describe("an agent's own work", () => {
  it('is everything they hold or set aside, in wrap-up too, oldest first; not what is closed or another’s', async () => {
    const h = await aliceAtWork();
    expect((await listAgentConversations(h.deps, 'alice')).map((c) => c.id)).toEqual([
      'active-1',
      'aside-1',
      'wrap-1',
    ]);
  });

  it('is not found for an agent who does not exist', async () => {
    const h = await aliceAtWork();
    await expect(listAgentConversations(h.deps, 'zoe')).rejects.toThrow(
      new NotFoundError('agent zoe does not exist'),
    );
  });
});

describe("a queue's waiting line", () => {
  it('is its open conversations, oldest first', async () => {
    const h = await aliceAtWork();
    expect((await listQueueConversations(h.deps, 'general')).map((c) => c.id)).toEqual([
      'waiting-1',
      'waiting-3',
    ]);
    expect((await listQueueConversations(h.deps, 'billing')).map((c) => c.id)).toEqual(['waiting-2']);
  });

  it('is not found for a queue that does not exist', async () => {
    const h = await aliceAtWork();
    await expect(listQueueConversations(h.deps, 'sales')).rejects.toThrow(
      new NotFoundError('unknown queue sales'),
    );
  });
});

describe("an agent's presence", () => {
  it('when available, asks each of their queues to assign; otherwise asks nothing', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', presence: 'offline', queueIds: ['general', 'billing'] });
    expect(await setPresence(h.deps, 'alice', 'away')).toMatchObject({ presence: 'away' });
    expect(h.queue.on('sms-assignment')).toEqual([]);
    expect(await setPresence(h.deps, 'alice', 'available')).toMatchObject({ presence: 'available' });
    expect((await h.store.getAgent('alice'))?.value.presence).toBe('available');
    expect(h.queue.on('sms-assignment').map((m) => m.body)).toEqual([
      { queueId: 'general', reason: 'agent available' },
      { queueId: 'billing', reason: 'agent available' },
    ]);
    expect(h.logs.map((line) => JSON.parse(line)).filter((l) => l.event === 'agent.presence')).toEqual([
      expect.objectContaining({ agentId: 'alice', presence: 'away' }),
      expect.objectContaining({ agentId: 'alice', presence: 'available' }),
    ]);
  });

  it('set again to what it is writes nothing', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', presence: 'away' });
    const before = await h.store.getAgent('alice');
    await setPresence(h.deps, 'alice', 'away');
    expect((await h.store.getAgent('alice'))?.etag).toBe(before?.etag);
  });

  it('is refused for an agent who does not exist', async () => {
    const h = coreHarness();
    await expect(setPresence(h.deps, 'zoe', 'available')).rejects.toThrow(
      new NotFoundError('agent zoe does not exist'),
    );
  });
});

describe('closing a conversation', () => {
  it('by its agent remembers them as the customer’s last agent, and frees them', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', assignments: [{ conversationId: 'c1', since: '' }] });
    await h.store.createConversation(aConversation({ id: 'c1', state: 'active', agentId: 'alice' }));
    await h.store.putCustomer(
      {
        ...newCustomerState('support', CUSTOMER),
        openConversationId: 'c1',
      },
      null,
    );
    const closed = await closeByAgent(h.deps, { conversationId: 'c1', agentId: 'alice' });
    expect(closed).toMatchObject({ state: 'closed', closedAt: '2026-11-23T09:00:00.000Z' });
    expect(closed.history.at(-1)).toMatchObject({
      to: 'closed',
      by: 'agent:alice',
      reason: 'closed by agent',
    });
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.lastAgentId).toBe('alice');
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([]);
    expect(h.logs.map((line) => JSON.parse(line)).filter((l) => l.event === 'conversation.closed')).toEqual([
      expect.objectContaining({ conversationId: 'c1', by: 'agent', reason: 'closed by agent' }),
    ]);
  });

  it('by an agent is refused when it is not theirs, or already closed', async () => {
    const h = coreHarness();
    await h.store.createConversation(aConversation({ id: 'c1', state: 'active', agentId: 'bob' }));
    await h.store.createConversation(
      aConversation({ id: 'c2', customer: OTHER_CUSTOMER, state: 'closed', agentId: 'alice' }),
    );
    await expect(closeByAgent(h.deps, { conversationId: 'c1', agentId: 'alice' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(closeByAgent(h.deps, { conversationId: 'c2', agentId: 'alice' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(closeByAgent(h.deps, { conversationId: 'nope', agentId: 'alice' })).rejects.toThrow(
      new NotFoundError('conversation nope does not exist'),
    );
    expect((await h.store.getConversation('c1'))?.value.state).toBe('active');
  });

  it('is skipped when it no longer applies, or when it is closed already', async () => {
    const h = coreHarness();
    await h.store.createConversation(aConversation({ id: 'c1', state: 'waiting', agentId: 'alice' }));
    expect(
      await closeConversation(h.deps, 'c1', { kind: 'system' }, 'idle', (c) => c.state === 'active'),
    ).toBeUndefined();
    expect((await h.store.getConversation('c1'))?.value.state).toBe('waiting');
    expect(await closeConversation(h.deps, 'c1', { kind: 'system' }, 'idle')).toMatchObject({
      state: 'closed',
    });
    expect(await closeConversation(h.deps, 'c1', { kind: 'system' }, 'idle')).toBeUndefined();
  });

  it('by an agent through the general path still checks it is theirs', async () => {
    const h = coreHarness();
    await h.store.createConversation(aConversation({ id: 'c1', state: 'active', agentId: 'bob' }));
    await expect(
      closeConversation(h.deps, 'c1', { kind: 'agent', agentId: 'alice' }, 'closed by agent'),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});
