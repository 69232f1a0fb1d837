import { describe, expect, it } from 'vitest';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { countingStore } from '../../stand-ins/counting-store.js';
import { coreHarness } from '../support/core.js';
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
});
