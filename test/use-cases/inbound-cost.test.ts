import { describe, expect, it } from 'vitest';
import { automatedMessagesSchema } from '../../shared/domain/automated-messages.js';
import { Directory } from '../../shared/domain/directory.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { closeConversation } from '../../shared/use-cases/conversations.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { countingStore } from '../../stand-ins/counting-store.js';
import { coreHarness, testSeed } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

/** What a customer's message costs the store: the figures the Cosmos DB layout was designed for. */
describe('the cost of a customer message in store operations', () => {
  it('on a conversation under way: one point read and two writes, no query', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    await receiveInbound(h.deps, h.sms({ text: 'first' }));
    counted.reset();
    const outcome = await receiveInbound(h.deps, h.sms({ text: 'second' }));
    expect(outcome.status).toBe('stored');
    expect(counted.operations.map((o) => [o.kind, o.method])).toEqual([
      ['point-read', 'getCustomer'],
      ['write', 'takeNextSeq'],
      ['write', 'createMessage'],
    ]);
  });

  it('opening a conversation: two point reads (the customer, their contact) and two writes (the pointer, then conversation and message together)', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    // No erasure key: no opt-out of an erased customer can be kept, so none is looked for.
    h.deps.erasureKey = undefined;
    await receiveInbound(h.deps, h.sms());
    expect(counted.operations.map((o) => [o.kind, o.method])).toEqual([
      ['point-read', 'getCustomer'],
      ['write', 'putCustomer'],
      ['point-read', 'getContact'],
      ['write', 'createConversationWithMessage'],
    ]);
  });

  it('a number never seen on the channel, with an erasure key: one more point read, for an opt-out kept after an erasure', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    await receiveInbound(h.deps, h.sms());
    expect(counted.operations.map((o) => [o.kind, o.method])).toEqual([
      ['point-read', 'getCustomer'],
      ['point-read', 'getErasedOptOut'],
      ['write', 'putCustomer'],
      ['point-read', 'getContact'],
      ['write', 'createConversationWithMessage'],
    ]);
  });

  it('on a conversation an agent has, on a channel that sends surveys: the same, no read for a survey', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    const [support, ...rest] = testSeed.channels;
    if (!support) throw new Error('no support channel');
    const automatedMessages = automatedMessagesSchema.parse({ survey: { enabled: true } });
    h.deps.directory = new Directory([{ ...support, automatedMessages }, ...rest], testSeed.queues);
    await h.addAgent({ id: 'alice' });
    await receiveInbound(h.deps, h.sms({ text: 'first' }));
    expect((await assignQueue(h.deps, 'general')).assigned).toHaveLength(1);
    counted.reset();
    expect(await receiveInbound(h.deps, h.sms({ text: 'second' }))).toMatchObject({ state: 'active' });
    expect(counted.operations.map((o) => [o.kind, o.method])).toEqual([
      ['point-read', 'getCustomer'],
      ['write', 'takeNextSeq'],
      ['write', 'createMessage'],
    ]);
  });

  it('after the conversation closed with no survey to answer: the closed one read once, then a new one opened', async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    h.deps.erasureKey = undefined;
    const first = await receiveInbound(h.deps, h.sms({ text: 'first' }));
    if (first.status !== 'stored') throw new Error('not stored');
    await closeConversation(h.deps, first.conversationId, { kind: 'system' }, 'test');
    counted.reset();
    expect(await receiveInbound(h.deps, h.sms({ text: 'again' }))).toMatchObject({ state: 'open' });
    expect(counted.operations.map((o) => [o.kind, o.method])).toEqual([
      ['point-read', 'getCustomer'],
      ['write', 'takeNextSeq'],
      ['point-read', 'getConversation'],
      ['point-read', 'getMessage'],
      ['write', 'putCustomer'],
      ['point-read', 'getContact'],
      ['write', 'createConversationWithMessage'],
    ]);
  });
});
