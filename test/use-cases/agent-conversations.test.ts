import { describe, expect, it } from 'vitest';
import { automatedMessagesSchema } from '../../shared/domain/automated-messages.js';
import { newCustomerState } from '../../shared/domain/customer.js';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import {
  ConsentError,
  ForbiddenError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '../../shared/errors.js';
import {
  closeByAgent,
  closeConversation,
  endConversation,
  listAgentConversations,
  listQueueConversations,
  replyToCustomer,
  setPresence,
} from '../../shared/use-cases/conversations.js';
import { aConversation, aCustomerState, CUSTOMER, OTHER_CUSTOMER } from '../support/builders.js';
import { type CoreHarness, coreHarness, testSeed } from '../support/core.js';

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

/** Alice's conversation c1 with the customer, in a state she reached; Bob works the same queue. */
async function aliceHas(state: 'active' | 'waiting' | 'wrap-up' | 'closed', h: CoreHarness = coreHarness()) {
  await h.addAgent({
    id: 'alice',
    queueIds: ['general', 'billing'],
    assignments: state === 'waiting' ? [] : [{ conversationId: 'c1', since: '2026-11-23T09:00:00.000Z' }],
  });
  await h.addAgent({ id: 'bob', queueIds: ['general'] });
  await h.store.createConversation(
    aConversation({
      id: 'c1',
      state,
      agentId: 'alice',
      history: [
        { from: null, to: 'open', at: '2026-11-23T08:58:00.000Z', by: 'customer', reason: 'first message' },
        { from: 'open', to: 'active', at: '2026-11-23T08:59:00.000Z', by: 'system', reason: 'assigned' },
      ],
    }),
  );
  await h.store.putCustomer(aCustomerState({ openConversationId: 'c1' }), null);
  return h;
}

async function optOut(h: CoreHarness) {
  const customer = await h.store.getCustomer('support', CUSTOMER);
  if (!customer) throw new Error('no customer');
  await h.store.putCustomer({ ...customer.value, optedOut: true }, customer.etag);
}

const CLOSED = new InvalidTransitionError(
  'conversation c1 is closed; it no longer takes replies (start a new conversation with the customer instead)',
);
const OPTED_OUT = new ConsentError('the customer opted out of this channel; nothing can be sent to them');

describe('an agent replying, and why a reply is refused', () => {
  it('says the conversation is not assigned to them, naming it and them', async () => {
    const h = await aliceHas('active');
    await expect(
      replyToCustomer(h.deps, { conversationId: 'c1', agentId: 'bob', text: 'Hi' }),
    ).rejects.toThrow(new ForbiddenError('conversation c1 is not assigned to agent bob'));
  });

  it('says a conversation in wrap-up takes no more replies, and that a customer opted out', async () => {
    const h = await aliceHas('wrap-up');
    await expect(
      replyToCustomer(h.deps, { conversationId: 'c1', agentId: 'alice', text: 'One more thing' }),
    ).rejects.toThrow(
      new InvalidTransitionError('conversation c1 is in wrap-up; it no longer takes replies'),
    );
    const active = await aliceHas('active', coreHarness());
    await optOut(active);
    await expect(
      replyToCustomer(active.deps, { conversationId: 'c1', agentId: 'alice', text: 'Hello?' }),
    ).rejects.toThrow(OPTED_OUT);
    expect(active.queue.on('sms-outbound')).toEqual([]);
  });

  it('goes out to a customer the store keeps no record of on the channel', async () => {
    const h = await aliceHas('active');
    await h.store.deleteCustomer('support', CUSTOMER);
    const reply = await replyToCustomer(h.deps, {
      conversationId: 'c1',
      agentId: 'alice',
      text: 'It ships today',
    });
    expect(h.queue.on('sms-outbound').map((m) => (m.body as Message).text)).toEqual(['It ships today']);
    expect(reply).toMatchObject({ conversationId: 'c1', to: CUSTOMER, status: 'queued' });
  });

  it('refuses attachments a channel cannot send before anything is written', async () => {
    const h = await aliceHas('active');
    await expect(
      replyToCustomer(h.deps, {
        conversationId: 'c1',
        agentId: 'alice',
        text: 'Your label',
        media: [{ url: 'https://files.contoso.com/label.pdf', contentType: 'application/pdf' }],
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await h.store.getConversation('c1'))?.value.lastSeq).toBe(0);
  });
});

describe('an agent replying to a closed conversation', () => {
  it('tells a member of its queue who did not have it that it is closed, then that the customer opted out', async () => {
    const h = await aliceHas('closed');
    await expect(
      replyToCustomer(h.deps, { conversationId: 'c1', agentId: 'bob', text: 'Hello?' }),
    ).rejects.toThrow(CLOSED);
    await optOut(h);
    await expect(
      replyToCustomer(h.deps, { conversationId: 'c1', agentId: 'bob', text: 'Hello?' }),
    ).rejects.toThrow(OPTED_OUT);
  });

  it('tells the agent who had it that it is closed, even once they left its queue', async () => {
    const h = await aliceHas('closed');
    const alice = await h.store.getAgent('alice');
    if (!alice) throw new Error('no alice');
    await h.store.replaceAgent({ ...alice.value, queueIds: ['billing'] }, alice.etag);
    await expect(
      replyToCustomer(h.deps, { conversationId: 'c1', agentId: 'alice', text: 'One more thing' }),
    ).rejects.toThrow(CLOSED);
  });

  it('tells someone with no agent record only that it is not theirs', async () => {
    const h = await aliceHas('closed');
    await expect(
      replyToCustomer(h.deps, { conversationId: 'c1', agentId: 'zoe', text: 'Hi' }),
    ).rejects.toThrow(new ForbiddenError('conversation c1 is not assigned to agent zoe'));
  });

  it('says it is closed when the store keeps no record of the customer, or the channel is gone', async () => {
    const h = await aliceHas('closed');
    await h.store.deleteCustomer('support', CUSTOMER);
    await expect(
      replyToCustomer(h.deps, { conversationId: 'c1', agentId: 'alice', text: 'One more thing' }),
    ).rejects.toThrow(CLOSED);
    // A channel is removed only once its conversations are closed: its old ones still say so.
    h.deps.directory = new Directory(
      testSeed.channels.filter((c) => c.id !== 'support'),
      testSeed.queues,
    );
    await expect(
      replyToCustomer(h.deps, { conversationId: 'c1', agentId: 'alice', text: 'One more thing' }),
    ).rejects.toThrow(CLOSED);
    expect(h.queue.on('sms-outbound')).toEqual([]);
  });
});

/** The support channel saying goodbye and sending the survey. */
function withGoodbyes(h: CoreHarness, messages: Record<string, unknown> = {}) {
  const [support, ...rest] = testSeed.channels;
  if (!support) throw new Error('no support channel');
  const automatedMessages = automatedMessagesSchema.parse({
    ended: { enabled: true, text: 'Goodbye. Case {caseNumber}.' },
    survey: { enabled: true, text: 'How did we do?' },
    ...messages,
  });
  h.deps.directory = new Directory([{ ...support, automatedMessages }, ...rest], testSeed.queues);
  return h;
}

const automated = (h: CoreHarness) =>
  h.queue
    .on('sms-outbound')
    .map((m) => m.body as Message)
    .filter((m) => m.purpose === 'automated');

/** Counts the store's reads of conversations and messages from now on. */
function countReads(h: CoreHarness) {
  const reads = { conversations: 0, messages: 0 };
  const getConversation = h.store.getConversation.bind(h.store);
  const getMessage = h.store.getMessage.bind(h.store);
  h.store.getConversation = async (id) => {
    reads.conversations += 1;
    return getConversation(id);
  };
  h.store.getMessage = async (conversationId, id) => {
    reads.messages += 1;
    return getMessage(conversationId, id);
  };
  return reads;
}

describe('the goodbye', () => {
  it('is one message per conversation, known by the conversation id, then the survey, recorded as sent', async () => {
    const h = withGoodbyes(await aliceHas('active'));
    await endConversation(h.deps, { conversationId: 'c1', agentId: 'alice' });
    await closeByAgent(h.deps, { conversationId: 'c1', agentId: 'alice' });
    expect(automated(h).map((m) => [m.id, m.text])).toEqual([
      ['c1:ended', expect.stringMatching(/^Goodbye\. Case C/)],
      [expect.any(String), 'How did we do?'],
    ]);
    expect((await h.store.getConversation('c1'))?.value.survey).toEqual({
      sentAt: '2026-11-23T09:00:00.000Z',
    });
  });

  it('records the survey it sent without looking for it again', async () => {
    const h = withGoodbyes(await aliceHas('active'));
    const reads = countReads(h);
    await closeByAgent(h.deps, { conversationId: 'c1', agentId: 'alice' });
    expect(automated(h)).toHaveLength(2);
    // The goodbye and the survey each looked up once (sent already?), nothing after.
    expect(reads.messages).toBe(2);
  });

  it('on a channel that sends no survey, reads the conversation only to write the goodbye', async () => {
    const h = withGoodbyes(await aliceHas('active'), { survey: { enabled: false } });
    const reads = countReads(h);
    await closeConversation(h.deps, 'c1', { kind: 'system' }, 'idle');
    expect(automated(h).map((m) => m.id)).toEqual(['c1:ended']);
    const silent = withGoodbyes(await aliceHas('active', coreHarness()), { survey: { enabled: false } });
    const silentReads = countReads(silent);
    await closeConversation(silent.deps, 'c1', { kind: 'system' }, 'idle', () => true, { goodbye: false });
    // The goodbye's own write on the closed conversation (a read, then a replace), and nothing more.
    expect(reads.conversations).toBe(silentReads.conversations + 1);
  });

  it('is not said when the close asks for none (an erasure, a STOP)', async () => {
    const h = withGoodbyes(await aliceHas('active'));
    await closeConversation(h.deps, 'c1', { kind: 'system' }, 'customer erased', () => true, {
      goodbye: false,
    });
    expect(automated(h)).toEqual([]);
    expect((await h.store.getConversation('c1'))?.value.state).toBe('closed');
  });

  it('is not said on a channel removed meanwhile, and the conversation closes all the same', async () => {
    const h = await aliceHas('active');
    h.deps.directory = new Directory(
      testSeed.channels.filter((c) => c.id !== 'support'),
      testSeed.queues,
    );
    expect(await closeConversation(h.deps, 'c1', { kind: 'system' }, 'idle')).toMatchObject({
      state: 'closed',
    });
    expect(h.queue.on('sms-outbound')).toEqual([]);
  });
});

describe('ending a conversation', () => {
  it('in a queue removed since checks a wrap-up code against that queue, by its id', async () => {
    const h = await aliceHas('active');
    await h.store.createConversation(
      aConversation({
        id: 'c2',
        customer: OTHER_CUSTOMER,
        state: 'active',
        agentId: 'alice',
        queueId: 'returns',
      }),
    );
    await expect(
      endConversation(h.deps, { conversationId: 'c2', agentId: 'alice', wrapUpCode: 'resolved' }),
    ).rejects.toThrow('queue returns has no wrap-up codes; resolved is not one');
    expect(await endConversation(h.deps, { conversationId: 'c2', agentId: 'alice' })).toMatchObject({
      state: 'wrap-up',
    });
  });
});

describe('closing a conversation, for the customer and the agent', () => {
  it('still in the queue leaves the customer’s last agent as it was', async () => {
    const h = coreHarness();
    await h.store.createConversation(aConversation({ id: 'c1' }));
    await h.store.putCustomer(aCustomerState({ openConversationId: 'c1', lastAgentId: 'alice' }), null);
    await closeConversation(h.deps, 'c1', { kind: 'system' }, 'idle');
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.lastAgentId).toBe('alice');
  });

  it('does not write the customer again when its agent is their last agent already', async () => {
    const h = await aliceHas('active');
    const customer = await h.store.getCustomer('support', CUSTOMER);
    if (!customer) throw new Error('no customer');
    const written = await h.store.putCustomer({ ...customer.value, lastAgentId: 'alice' }, customer.etag);
    await closeByAgent(h.deps, { conversationId: 'c1', agentId: 'alice' });
    expect((await h.store.getCustomer('support', CUSTOMER))?.etag).toBe(written.etag);
  });

  it('set aside (its capacity given back already) asks no queue to assign', async () => {
    const h = await aliceHas('waiting');
    await closeConversation(h.deps, 'c1', { kind: 'system' }, 'idle');
    expect(h.queue.on('sms-assignment')).toEqual([]);
    const held = await aliceHas('active', coreHarness());
    await closeConversation(held.deps, 'c1', { kind: 'system' }, 'idle');
    expect(held.queue.on('sms-assignment').map((m) => m.body)).toEqual([
      { queueId: 'general', reason: 'capacity freed' },
      { queueId: 'billing', reason: 'capacity freed' },
    ]);
  });

  it('of an agent removed as their last conversation closed closes it, asking no queue to assign', async () => {
    const h = await aliceHas('active');
    const replaceAgent = h.store.replaceAgent.bind(h.store);
    h.store.replaceAgent = async (agent, etag) => {
      const released = await replaceAgent(agent, etag);
      await h.store.deleteAgent(agent.id, released.etag);
      return released;
    };
    expect(await closeConversation(h.deps, 'c1', { kind: 'system' }, 'idle')).toMatchObject({
      state: 'closed',
    });
    expect(await h.store.getAgent('alice')).toBeUndefined();
    expect(h.queue.on('sms-assignment')).toEqual([]);
  });

  it('by its agent, when the system closed it meanwhile, is told it is already closed', async () => {
    const h = await aliceHas('active');
    const getConversation = h.store.getConversation.bind(h.store);
    let first = true;
    h.store.getConversation = async (id) => {
      const read = await getConversation(id);
      if (first && read) {
        first = false;
        await closeConversation(h.deps, id, { kind: 'system' }, 'idle');
      }
      return read;
    };
    await expect(closeByAgent(h.deps, { conversationId: 'c1', agentId: 'alice' })).rejects.toThrow(
      new InvalidTransitionError('conversation c1 is already closed'),
    );
  });
});
