import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/domain/message.js';
import { closeConversation } from '../../shared/use-cases/conversations.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { ALERTS_NUMBER, OTHER_CUSTOMER } from '../support/builders.js';
import { coreHarness, storeKinds } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

describe.each(storeKinds)('receiving a customer message (%s)', (_kind, makeStore) => {
  it('opens a conversation on the channel default queue and asks for an agent', async () => {
    const h = coreHarness(makeStore());
    const outcome = await receiveInbound(h.deps, h.sms({ text: 'Hello, I need help' }));
    expect(outcome).toMatchObject({ status: 'stored', state: 'open' });
    if (outcome.status !== 'stored') throw new Error('not stored');
    const conversation = (await h.store.getConversation(outcome.conversationId))?.value;
    expect(conversation).toMatchObject({
      channelId: 'support',
      queueId: 'general',
      state: 'open',
      agentId: null,
    });
    const messages = await h.store.listMessages(outcome.conversationId);
    expect(messages.map((m) => [m.seq, m.text, m.direction])).toEqual([[1, 'Hello, I need help', 'inbound']]);
    expect(h.queue.on('sms-assignment').map((m) => m.body)).toEqual([
      { queueId: 'general', reason: 'customer message' },
    ]);
  });

  it('asks for an agent once per conversation joining the queue, not on every message', async () => {
    const h = coreHarness(makeStore());
    await receiveInbound(h.deps, h.sms());
    await receiveInbound(h.deps, h.sms());
    await receiveInbound(h.deps, h.sms());
    expect(h.queue.on('sms-assignment')).toHaveLength(1);
  });

  it('stores the same provider message delivered twice only once', async () => {
    const h = coreHarness(makeStore());
    const sms = h.sms({ providerMessageId: 'SM-1' });
    const first = await receiveInbound(h.deps, sms);
    const second = await receiveInbound(h.deps, { ...sms });
    expect(second).toEqual({ status: 'duplicate', messageId: 'local:SM-1' });
    if (first.status !== 'stored') throw new Error('not stored');
    expect(await h.store.listMessages(first.conversationId)).toHaveLength(1);
  });

  it('makes exactly one conversation of two first messages arriving at the same moment', async () => {
    const h = coreHarness(makeStore());
    const outcomes = await Promise.all([receiveInbound(h.deps, h.sms()), receiveInbound(h.deps, h.sms())]);
    const ids = outcomes.map((o) => (o.status === 'stored' ? o.conversationId : o.status));
    expect(new Set(ids).size).toBe(1);
    expect(await h.store.findConversations({ channelId: 'support' })).toHaveLength(1);
    const messages = await h.store.listMessages(ids[0] ?? '');
    expect(messages.map((m) => m.seq).sort()).toEqual([1, 2]);
  });

  it('joins the unclosed conversation and lists messages in the order received', async () => {
    const h = coreHarness(makeStore());
    const texts = Array.from({ length: 12 }, (_, i) => `part ${i + 1}`);
    const ids = new Set<string>();
    for (const text of texts) {
      const outcome = await receiveInbound(h.deps, h.sms({ text }));
      if (outcome.status === 'stored') ids.add(outcome.conversationId);
    }
    expect(ids.size).toBe(1);
    const messages = await h.store.listMessages([...ids][0] ?? '');
    expect(messages.map((m) => m.text)).toEqual(texts);
  });

  it('keeps customers apart: another number gets its own conversation', async () => {
    const h = coreHarness(makeStore());
    const a = await receiveInbound(h.deps, h.sms());
    const b = await receiveInbound(h.deps, h.sms({ from: OTHER_CUSTOMER }));
    expect(a.status === 'stored' && b.status === 'stored' && a.conversationId !== b.conversationId).toBe(
      true,
    );
  });

  it('opens a new conversation after the last one was closed', async () => {
    const h = coreHarness(makeStore());
    const first = await receiveInbound(h.deps, h.sms());
    if (first.status !== 'stored') throw new Error('not stored');
    await closeConversation(h.deps, first.conversationId, { kind: 'system' }, 'test');
    const second = await receiveInbound(h.deps, h.sms());
    expect(second).toMatchObject({ status: 'stored', state: 'open' });
    expect(second.status === 'stored' && second.conversationId).not.toBe(first.conversationId);
  });

  it('drops a message to a number no channel has, or to an outbound-only channel, and stores nothing', async () => {
    const h = coreHarness(makeStore());
    expect(await receiveInbound(h.deps, h.sms({ to: '+14255550111' as never }))).toMatchObject({
      status: 'dropped',
      reason: 'no channel has this number',
    });
    expect(await receiveInbound(h.deps, h.sms({ to: ALERTS_NUMBER }))).toMatchObject({
      status: 'dropped',
      reason: 'channel is outbound-only',
    });
    expect(await h.store.findConversations({})).toEqual([]);
  });
});

/** A store that dies once at a chosen write: the crash windows of the inbound path. */
class CrashingStore extends MemoryStore {
  crashAt: 'create-with-message' | 'create-message' | undefined;
  override async createConversationWithMessage(
    ...args: Parameters<MemoryStore['createConversationWithMessage']>
  ) {
    this.crash('create-with-message');
    return super.createConversationWithMessage(...args);
  }
  override async createMessage(message: Message) {
    this.crash('create-message');
    return super.createMessage(message);
  }
  private crash(at: CrashingStore['crashAt']) {
    if (this.crashAt !== at) return;
    this.crashAt = undefined;
    throw new Error('process died');
  }
}

describe('receiving a customer message after a crash', () => {
  it('resumes when the process died after pointing the customer at a conversation it had not made', async () => {
    const store = new CrashingStore();
    const h = coreHarness(store);
    const sms = h.sms({ providerMessageId: 'SM-crash-1' });
    store.crashAt = 'create-with-message';
    await expect(receiveInbound(h.deps, sms)).rejects.toThrow('process died');
    const retried = await receiveInbound(h.deps, sms);
    if (retried.status !== 'stored') throw new Error('not stored');
    expect((await h.store.listMessages(retried.conversationId)).map((m) => m.seq)).toEqual([1]);
    expect(h.queue.on('sms-assignment')).toHaveLength(1);
    expect(await receiveInbound(h.deps, sms)).toMatchObject({ status: 'duplicate' });
  });

  it('announces a first message again when the process died before the assigner heard of it', async () => {
    const h = coreHarness();
    const sms = h.sms({ providerMessageId: 'SM-crash-2' });
    const send = h.queue.send.bind(h.queue);
    let dead = true;
    h.queue.send = async (queue, message) => {
      if (dead && queue === 'sms-assignment') {
        dead = false;
        throw new Error('process died');
      }
      return send(queue, message);
    };
    await expect(receiveInbound(h.deps, sms)).rejects.toThrow('process died');
    expect(await receiveInbound(h.deps, sms)).toMatchObject({ status: 'duplicate' });
    expect(h.queue.on('sms-assignment').map((m) => m.body)).toEqual([
      { queueId: 'general', reason: 'customer message' },
    ]);
    const [conversation] = await h.store.findConversations({});
    expect(await h.store.listMessages(conversation?.value.id ?? '')).toHaveLength(1);
  });

  it('stores a later message once when the process died after taking its sequence number', async () => {
    const store = new CrashingStore();
    const h = coreHarness(store);
    const first = await receiveInbound(h.deps, h.sms({ text: 'first' }));
    const sms = h.sms({ providerMessageId: 'SM-crash-3', text: 'second' });
    store.crashAt = 'create-message';
    await expect(receiveInbound(h.deps, sms)).rejects.toThrow('process died');
    await receiveInbound(h.deps, sms);
    await receiveInbound(h.deps, h.sms({ text: 'third' }));
    if (first.status !== 'stored') throw new Error('not stored');
    const messages = await h.store.listMessages(first.conversationId);
    // The number the dead attempt took stays unused: a gap, never a change of order.
    expect(messages.map((m) => [m.seq, m.text])).toEqual([
      [1, 'first'],
      [3, 'second'],
      [4, 'third'],
    ]);
  });

  it('drops a redelivery of a message whose conversation was closed since', async () => {
    const h = coreHarness();
    const sms = h.sms({ providerMessageId: 'SM-late' });
    const first = await receiveInbound(h.deps, sms);
    if (first.status !== 'stored') throw new Error('not stored');
    await closeConversation(h.deps, first.conversationId, { kind: 'system' }, 'test');
    expect(await receiveInbound(h.deps, sms)).toMatchObject({ status: 'duplicate' });
    expect((await h.store.searchConversations({}, { limit: 10 })).conversations).toHaveLength(1);
  });

  it('keeps one conversation under many racing first messages with slow reads', async () => {
    const store = new MemoryStore();
    store.beforeRead = () => new Promise((resolve) => setImmediate(resolve));
    const h = coreHarness(store);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => receiveInbound(h.deps, h.sms())));
    expect(new Set(outcomes.map((o) => (o.status === 'stored' ? o.conversationId : o.status))).size).toBe(1);
    const [only] = await store.findConversations({});
    const seqs = (await store.listMessages(only?.value.id ?? '')).map((m) => m.seq);
    expect(seqs.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
