import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../../shared/domain/conversation.js';
import type { LiveMessage } from '../../shared/domain/live.js';
import type { Message } from '../../shared/domain/message.js';
import { notificationPartition } from '../../shared/domain/notification.js';
import type { Store } from '../../shared/ports.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { withLiveUpdates } from '../../shared/use-cases/live-changes.js';
import { aConversation, aMessage, anAgent } from '../support/builders.js';
import { coreHarness } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

describe('changes published as they are written', () => {
  it('tells the queue and the supervisors of a new conversation, then the agent who is given it', async () => {
    const h = coreHarness();
    const published: { groups: string[]; message: LiveMessage }[] = [];
    h.deps.store = withLiveUpdates(
      h.store,
      { publish: async (groups, message) => void published.push({ groups, message }) },
      { clock: h.clock, logger: h.deps.logger, phone: false },
    );
    await h.addAgent({ id: 'alice' });
    const outcome = await receiveInbound(h.deps, h.sms());
    if (outcome.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');

    const about = (type: string) => published.filter((p) => p.message.type === type);
    expect(about('conversation.changed')[0]).toEqual({
      groups: ['queue.general', 'supervisors'],
      message: {
        type: 'conversation.changed',
        conversationId: outcome.conversationId,
        queueId: 'general',
        at: '2026-11-23T09:00:00.000Z',
      },
    });
    expect(about('message.added')[0]?.groups).toEqual(['queue.general', 'supervisors']);
    expect(about('conversation.changed').at(-1)?.groups).toEqual([
      'agent.alice',
      'queue.general',
      'supervisors',
    ]);
    // It left the line: the queue hears of it.
    expect(about('queue.changed').map((p) => p.message.queueId)).toEqual(['general', 'general']);
    expect(about('agent.changed').at(-1)?.groups).toEqual(['agent.alice', 'supervisors', 'queue.general']);
  });

  it('logs a failed publish and lets the change stand', async () => {
    const h = coreHarness();
    h.deps.store = withLiveUpdates(
      h.store,
      {
        publish: async () => {
          throw new Error('Web PubSub is down');
        },
      },
      { clock: h.clock, logger: h.deps.logger, phone: false },
    );
    const outcome = await receiveInbound(h.deps, h.sms());
    expect(outcome.status).toBe('stored');
    if (outcome.status !== 'stored') return;
    expect((await h.store.getConversation(outcome.conversationId))?.value.state).toBe('open');
    expect(
      h.logs.some((line) => line.includes('live.publish-failed') && line.includes('Web PubSub is down')),
    ).toBe(true);
  });

  it('lets a status change stand when reading its conversation for the groups fails', async () => {
    const h = coreHarness();
    const outcome = await receiveInbound(h.deps, h.sms());
    if (outcome.status !== 'stored') throw new Error('not stored');
    const reply = { ...(await h.store.listMessages(outcome.conversationId))[0] } as Message;
    const outbound: Message = { ...reply, id: 'reply-1', seq: 2, direction: 'outbound', status: 'queued' };
    const created = await h.store.createMessage(outbound);
    // A store whose conversation reads fail, behind the live wrapper: the write itself succeeds.
    const failingReads = Object.create(h.store) as typeof h.store;
    failingReads.getConversation = async () => {
      throw new Error('Cosmos DB read timed out');
    };
    const published: string[] = [];
    const store = withLiveUpdates(
      failingReads,
      { publish: async (_groups, message) => void published.push(message.type) },
      { clock: h.clock, logger: h.deps.logger, phone: false },
    );

    await expect(store.replaceMessage({ ...outbound, status: 'sent' }, created.etag)).resolves.toBeDefined();
    expect((await h.store.getMessage(outcome.conversationId, 'reply-1'))?.value.status).toBe('sent');
    expect(
      h.logs.some((line) => line.includes('live.publish-failed') && line.includes('read timed out')),
    ).toBe(true);
  });
});

/**
 * A store behind the live wrapper whose conversation reads are counted (the wrapper remembers a
 * conversation's groups so that a message needs no read), and what the wrapper published.
 */
function watched(options: { phone?: boolean } = {}) {
  const h = coreHarness();
  const reads: string[] = [];
  const counting = Object.create(h.store) as Store;
  counting.getConversation = async (id) => {
    reads.push(id);
    return h.store.getConversation(id);
  };
  const published: { groups: string[]; message: LiveMessage }[] = [];
  const store = withLiveUpdates(
    counting,
    { publish: async (groups, message) => void published.push({ groups, message }) },
    { clock: h.clock, logger: h.deps.logger, phone: options.phone ?? false },
  );
  const about = (type: string) => published.filter((p) => p.message.type === type);
  return { h, inner: h.store, store, published, reads, about };
}

/** Replaces a conversation through the wrapper with a change, as a use case does. */
async function change(store: Store, id: string, changes: Partial<Conversation>) {
  const stored = await store.getConversation(id);
  if (!stored) throw new Error(`no conversation ${id}`);
  return store.replaceConversation({ ...stored.value, ...changes }, stored.etag);
}

const outbound = (overrides: Partial<Message> = {}) =>
  aMessage({
    id: 'reply-1',
    seq: 2,
    direction: 'outbound',
    author: { kind: 'agent', agentId: 'alice' },
    from: '+14255550100' as Message['from'],
    to: '+14255550123',
    status: 'queued',
    providerMessageId: null,
    ...overrides,
  } as Partial<Message>);

describe("a queue's line, as the pages hear of it", () => {
  it('tells the queue and the supervisors of a conversation joining the line', async () => {
    const { store, about } = watched();
    await store.createConversation(aConversation({ id: 'conv-1' }));
    expect(about('conversation.changed')).toEqual([
      {
        groups: ['queue.general', 'supervisors'],
        message: {
          type: 'conversation.changed',
          conversationId: 'conv-1',
          queueId: 'general',
          at: '2026-11-23T09:00:00.000Z',
        },
      },
    ]);
    expect(about('queue.changed')).toEqual([
      {
        groups: ['queue.general', 'supervisors'],
        message: { type: 'queue.changed', queueId: 'general', at: '2026-11-23T09:00:00.000Z' },
      },
    ]);
  });

  it('tells no line of a conversation that starts with an agent, and names the agent', async () => {
    const { store, about } = watched();
    await store.createConversation(aConversation({ id: 'conv-2', state: 'active', agentId: 'alice' }));
    expect(about('conversation.changed')).toEqual([
      {
        groups: ['agent.alice', 'queue.general', 'supervisors'],
        message: {
          type: 'conversation.changed',
          conversationId: 'conv-2',
          queueId: 'general',
          agentId: 'alice',
          at: '2026-11-23T09:00:00.000Z',
        },
      },
    ]);
    expect(about('queue.changed')).toEqual([]);
  });

  it('tells both lines, and both queues, of a waiting conversation transferred to another queue', async () => {
    const { store, inner, about } = watched();
    await inner.createConversation(aConversation({ id: 'conv-3' }));
    await change(store, 'conv-3', { queueId: 'billing' });
    expect(about('conversation.changed').map((p) => p.groups)).toEqual([
      ['queue.billing', 'supervisors', 'queue.general'],
    ]);
    expect(about('queue.changed').map((p) => p.message.queueId)).toEqual(['billing', 'general']);
  });

  it('tells no line of changes to a conversation an agent holds', async () => {
    const { store, inner, about } = watched();
    await inner.createConversation(aConversation({ id: 'conv-4', state: 'active', agentId: 'alice' }));
    await change(store, 'conv-4', { state: 'wrap-up' });
    await change(store, 'conv-4', { state: 'closed' });
    expect(about('conversation.changed')).toHaveLength(2);
    expect(about('queue.changed')).toEqual([]);
  });
});

describe('the groups of a message, without reading its conversation again', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("tells the conversation's groups of a new message, from the conversation it remembers", async () => {
    const { store, inner, reads, about } = watched();
    await inner.createConversation(aConversation({ id: 'conv-5', state: 'active', agentId: 'alice' }));
    await store.getConversation('conv-5');
    await store.createMessage(aMessage({ id: 'local:m2', conversationId: 'conv-5', seq: 2 }));
    expect(reads).toEqual(['conv-5']);
    expect(about('message.added')).toEqual([
      {
        groups: ['agent.alice', 'queue.general', 'supervisors'],
        message: { type: 'message.added', conversationId: 'conv-5', at: '2026-11-23T09:00:00.000Z' },
      },
    ]);
  });

  it('reads a conversation it does not know once, then remembers it', async () => {
    const { store, inner, reads, about } = watched();
    await inner.createConversation(aConversation({ id: 'conv-6' }));
    await store.createMessage(aMessage({ id: 'local:m1', conversationId: 'conv-6', seq: 1 }));
    await store.createMessage(aMessage({ id: 'local:m2', conversationId: 'conv-6', seq: 2 }));
    expect(reads).toEqual(['conv-6']);
    expect(about('message.added').map((p) => p.groups)).toEqual([
      ['queue.general', 'supervisors'],
      ['queue.general', 'supervisors'],
    ]);
  });

  it('tells only the supervisors of a message whose conversation it cannot find', async () => {
    const { store, reads, about } = watched();
    await store.createMessage(aMessage({ id: 'local:m1', conversationId: 'conv-gone', seq: 1 }));
    await store.createMessage(aMessage({ id: 'local:m2', conversationId: 'conv-gone', seq: 2 }));
    expect(reads).toEqual(['conv-gone', 'conv-gone']);
    expect(about('message.added').map((p) => p.groups)).toEqual([['supervisors'], ['supervisors']]);
    expect(await store.getConversation('conv-gone')).toBeUndefined();
  });

  it('remembers a conversation whose next message number it took, and takes none for one that is gone', async () => {
    const { store, inner, reads } = watched();
    await inner.createConversation(aConversation({ id: 'conv-7' }));
    expect((await store.takeNextSeq('conv-7', '2026-11-23T09:01:00.000Z'))?.value.lastSeq).toBe(1);
    await store.createMessage(aMessage({ id: 'local:m1', conversationId: 'conv-7', seq: 1 }));
    expect(reads).toEqual([]);
    expect(await store.takeNextSeq('conv-gone', '2026-11-23T09:01:00.000Z')).toBeUndefined();
  });

  it('trusts what it remembers for a status change for less than 10 seconds, then reads again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T09:00:00.000Z'));
    const { store, inner, reads, about } = watched();
    await inner.createConversation(aConversation({ id: 'conv-8', state: 'active', agentId: 'alice' }));
    const queued = await inner.createMessage(outbound({ conversationId: 'conv-8' }));
    await store.getConversation('conv-8');
    // Meanwhile another instance transferred it: only a fresh read knows.
    const stored = await inner.getConversation('conv-8');
    if (!stored) throw new Error('no conversation');
    await inner.replaceConversation({ ...stored.value, agentId: 'bob' }, stored.etag);

    vi.setSystemTime(new Date('2026-11-23T09:00:09.999Z'));
    const sent = await store.replaceMessage({ ...queued.value, status: 'sent' }, queued.etag);
    expect(reads).toEqual(['conv-8']);
    vi.setSystemTime(new Date('2026-11-23T09:00:10.000Z'));
    await store.replaceMessage({ ...sent.value, status: 'delivered' }, sent.etag);
    expect(reads).toEqual(['conv-8', 'conv-8']);
    expect(about('message.status').map((p) => [p.message.conversationId, p.groups])).toEqual([
      ['conv-8', ['agent.alice', 'queue.general', 'supervisors']],
      ['conv-8', ['agent.bob', 'queue.general', 'supervisors']],
    ]);
  });

  it('keeps trusting what it remembers for a new message, however long ago', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T09:00:00.000Z'));
    const { store, inner, reads } = watched();
    await inner.createConversation(aConversation({ id: 'conv-9' }));
    await store.getConversation('conv-9');
    vi.setSystemTime(new Date('2026-11-23T10:00:00.000Z'));
    await store.createMessage(aMessage({ id: 'local:m1', conversationId: 'conv-9', seq: 1 }));
    expect(reads).toEqual(['conv-9']);
  });

  it('remembers at most 5000 conversations, forgetting the one used longest ago', async () => {
    // A store of many conversations, each read made up on the spot: the bound is what is tested.
    const reads: string[] = [];
    const conversation = aConversation();
    const many = Object.create(new MemoryStore()) as Store;
    many.getConversation = async (id) => {
      reads.push(id);
      return { value: { ...conversation, id }, etag: '1' };
    };
    many.createMessage = async (message) => ({ value: message, etag: '1' });
    const h = coreHarness();
    const store = withLiveUpdates(
      many,
      { publish: async () => {} },
      { clock: h.clock, logger: h.deps.logger, phone: false },
    );
    const message = (conversationId: string) => aMessage({ id: `m-${conversationId}`, conversationId });
    for (let n = 0; n < 5000; n += 1) await store.getConversation(`c${n}`);
    await store.getConversation('c0');
    await store.createMessage(message('c1'));
    expect(reads.slice(5001)).toEqual([]);
    // c0 was read again, so c1 is now the oldest: remembering one more forgets it, and only it.
    await store.getConversation('c5000');
    await store.createMessage(message('c0'));
    expect(reads.slice(5002)).toEqual([]);
    await store.createMessage(message('c1'));
    expect(reads.slice(5002)).toEqual(['c1']);
  });
});

describe('an outbound message changing status', () => {
  it('tells the conversation of a status change, and the phone simulator of a text sent', async () => {
    const { store, inner, about } = watched({ phone: true });
    await inner.createConversation(aConversation({ id: 'conv-10', state: 'active', agentId: 'alice' }));
    const queued = await inner.createMessage(outbound({ conversationId: 'conv-10' }));
    const sent = await store.replaceMessage({ ...queued.value, status: 'sent' }, queued.etag);
    // The phone shows the text once it is sent, not again when it is delivered.
    expect(about('outbox.changed')).toHaveLength(1);
    await store.replaceMessage({ ...sent.value, status: 'delivered' }, sent.etag);
    expect(about('message.status').map((p) => [p.message, p.groups])).toEqual([
      [
        { type: 'message.status', conversationId: 'conv-10', at: '2026-11-23T09:00:00.000Z' },
        ['agent.alice', 'queue.general', 'supervisors'],
      ],
      [
        { type: 'message.status', conversationId: 'conv-10', at: '2026-11-23T09:00:00.000Z' },
        ['agent.alice', 'queue.general', 'supervisors'],
      ],
    ]);
    expect(about('outbox.changed')).toEqual([
      {
        groups: ['phone'],
        message: { type: 'outbox.changed', conversationId: 'conv-10', at: '2026-11-23T09:00:00.000Z' },
      },
    ]);
  });

  it('tells no phone simulator where there is none', async () => {
    const { store, inner, about } = watched({ phone: false });
    await inner.createConversation(aConversation({ id: 'conv-11' }));
    const queued = await inner.createMessage(outbound({ conversationId: 'conv-11' }));
    await store.replaceMessage({ ...queued.value, status: 'sent' }, queued.etag);
    expect(about('message.status')).toHaveLength(1);
    expect(about('outbox.changed')).toEqual([]);
  });

  it("tells no page of a notification's message but the phone simulator, and reads no conversation for it", async () => {
    const { store, reads, about, published } = watched({ phone: true });
    const conversationId = notificationPartition('n-1');
    const created = await store.createMessage(
      outbound({ id: 'n-1-1', conversationId, author: { kind: 'system' }, purpose: 'notification' }),
    );
    const sent = await store.replaceMessage({ ...created.value, status: 'sent' }, created.etag);
    await store.replaceMessage({ ...sent.value, status: 'delivered' }, sent.etag);
    expect(reads).toEqual([]);
    expect(about('outbox.changed').map((p) => p.message.conversationId)).toEqual([conversationId]);
    expect(published).toHaveLength(1);
  });

  it('tells nobody of a message still queued, or of an inbound message changed', async () => {
    const { store, inner, published } = watched({ phone: true });
    await inner.createConversation(aConversation({ id: 'conv-12' }));
    const queued = await inner.createMessage(outbound({ conversationId: 'conv-12' }));
    await store.replaceMessage({ ...queued.value, firstAttemptAt: '2026-11-23T09:00:01.000Z' }, queued.etag);
    const received = await inner.createMessage(aMessage({ id: 'local:m1', conversationId: 'conv-12' }));
    await store.replaceMessage({ ...received.value, status: 'sent' } as Message, received.etag);
    expect(published).toEqual([]);
  });
});

describe('agents and the store behind the wrapper', () => {
  it("tells the agent, the supervisors and the agent's queues of a new agent", async () => {
    const { store, about } = watched();
    await store.createAgent(anAgent({ id: 'carol', queueIds: ['general', 'billing'] }));
    expect(about('agent.changed')).toEqual([
      {
        groups: ['agent.carol', 'supervisors', 'queue.general', 'queue.billing'],
        message: { type: 'agent.changed', agentId: 'carol', at: '2026-11-23T09:00:00.000Z' },
      },
    ]);
  });

  it('logs what a publish threw that is no Error, and lets the write stand', async () => {
    const h = coreHarness();
    const store = withLiveUpdates(
      h.store,
      {
        publish: async () => {
          throw 'hub closed';
        },
      },
      { clock: h.clock, logger: h.deps.logger, phone: false },
    );
    await store.createAgent(anAgent({ id: 'dave' }));
    expect(await h.store.getAgent('dave')).toBeDefined();
    const failed = h.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.event === 'live.publish-failed');
    expect(failed).toMatchObject([{ level: 'warn', type: 'agent.changed', error: 'hub closed' }]);
  });

  it('passes every other method and field through to the store, private fields and all', async () => {
    /** A store that keeps its own audit in a private field, and shows its size in a public one. */
    class AuditedStore extends MemoryStore {
      readonly audited = { reads: 0 };
      #reads: string[] = [];
      override async listMessages(conversationId: string) {
        this.#reads.push(conversationId);
        this.audited.reads = this.#reads.length;
        return super.listMessages(conversationId);
      }
    }
    const h = coreHarness();
    const store = withLiveUpdates(
      new AuditedStore(),
      { publish: async () => {} },
      { clock: h.clock, logger: h.deps.logger, phone: false },
    );
    expect(await store.listMessages('conv-13')).toEqual([]);
    expect((store as unknown as AuditedStore).audited).toEqual({ reads: 1 });
  });
});
